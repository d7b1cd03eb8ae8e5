"""Outlines of stroked lines as filled polygons, for the raster backend.

Pillow draws wide lines with round-ish joints and cannot dash them, so the
raster backend strokes paths itself: each segment becomes a quadrilateral
whose ends are mitred against its neighbours (bevelled past a miter limit, as
in SVG), and a dash pattern cuts the path into open pieces with butt ends.
The pattern runs continuously along the whole path from its first point, the
way SVG's ``stroke-dasharray`` and PDF's ``d`` operator lay it out, so every
backend puts the dashes in the same places.  Pure Python, no dependencies.

The raster backend compiles tens of thousands of two-point lines and
quadrilaterals per animation, so the shapes it meets most have fast paths
(:func:`segment_outline`, :func:`dashed_segment_outlines`,
:func:`quad_outline`, :func:`inset_quad`): each does the very float
operations of the general functions, in the same order, without their
lists and loops, and so gives the same coordinates to the last bit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = [
    "EPSILON",
    "MITER_LIMIT",
    "Quad",
    "dash_pieces",
    "dashed_segment_outlines",
    "inset_polygon",
    "inset_quad",
    "quad_outline",
    "segment_outline",
    "stroke_outline",
    "trim_path",
]

Point = tuple[float, float]
#: Four corners, as the fast paths take and give quadrilaterals.
Quad = tuple[Point, Point, Point, Point]

#: Longest miter, in stroke widths, before a join is bevelled (SVG's default).
MITER_LIMIT = 4.0

#: Points closer than this are one point: a zero-length segment has no direction.
EPSILON = 1e-9
# stroke_outline mitres a join when 1 + cos(angle) exceeds this, bevels it otherwise.
_MITRED = 2 / MITER_LIMIT**2


def _distinct(points: Sequence[Point], closed: bool) -> list[Point]:
    kept: list[Point] = []
    for x, y in points:
        if not kept or math.hypot(x - kept[-1][0], y - kept[-1][1]) > EPSILON:
            kept.append((float(x), float(y)))
    if (
        closed
        and len(kept) > 2
        and math.hypot(kept[0][0] - kept[-1][0], kept[0][1] - kept[-1][1]) <= EPSILON
    ):
        kept.pop()
    return kept


def dash_pieces(
    points: Sequence[Point], dash: tuple[float, float], *, closed: bool
) -> list[list[Point]]:
    """Cut a path into the open pieces that a dash pattern draws.

    Parameters
    ----------
    points
        The path's vertices.
    dash
        ``(on, off)`` lengths in the same units as ``points``; the pattern
        starts "on" at the first point.
    closed
        Whether the path returns from its last point to its first.

    Returns
    -------
    list of list of (x, y)
        One open polyline per dash: its start, the path's vertices it passes
        through, and its end.

    Examples
    --------
    >>> dash_pieces([(0, 0), (10, 0)], (3, 2), closed=False)
    [[(0.0, 0.0), (3.0, 0.0)], [(5.0, 0.0), (8.0, 0.0)]]
    >>> dash_pieces([(0, 0), (4, 0), (4, 4)], (6, 10), closed=False)
    [[(0.0, 0.0), (4.0, 0.0), (4.0, 2.0)]]
    """
    on, off = dash
    path = _distinct(points, closed)
    if closed and path:
        path.append(path[0])
    if len(path) < 2 or on <= 0:
        return []
    if off <= 0:
        return [path]
    period = on + off
    pieces: list[list[Point]] = []
    segment = 0
    walked = 0.0  # path length before the start of ``segment``
    lengths = [math.dist(path[i], path[i + 1]) for i in range(len(path) - 1)]
    total = sum(lengths)
    start = 0.0
    while start < total - EPSILON:
        end = min(start + on, total)
        piece: list[Point] = []
        while segment < len(lengths) - 1 and walked + lengths[segment] < start:
            walked += lengths[segment]
            segment += 1
        piece.append(_along(path, lengths, segment, start - walked))
        at, at_walked = segment, walked
        while at < len(lengths) - 1 and at_walked + lengths[at] < end:
            at_walked += lengths[at]
            at += 1
            piece.append(path[at])
        piece.append(_along(path, lengths, at, end - at_walked))
        pieces.append(piece)
        start += period
    return pieces


def _along(path: list[Point], lengths: list[float], segment: int, offset: float) -> Point:
    (x0, y0), (x1, y1) = path[segment], path[segment + 1]
    t = min(max(offset / lengths[segment], 0.0), 1.0)
    return (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)


def stroke_outline(
    points: Sequence[Point], width: float, *, closed: bool, miter_limit: float = MITER_LIMIT
) -> list[list[Point]]:
    """Polygons that together cover a solid stroke of ``width`` centred on a path.

    Each segment gives one quadrilateral.  Where two segments meet, both
    quadrilaterals end on the miter line, so together they draw a mitred
    join; past ``miter_limit`` (in stroke widths) the join is bevelled with
    a triangle instead.  Open ends are butt ends.

    Examples
    --------
    >>> stroke_outline([(0, 0), (10, 0)], 2, closed=False)
    [[(0.0, 1.0), (10.0, 1.0), (10.0, -1.0), (0.0, -1.0)]]
    >>> square = stroke_outline([(0, 0), (4, 0), (4, 4), (0, 4)], 2, closed=True)
    >>> square[0]  # the top edge, mitred at both corners
    [(1.0, 1.0), (3.0, 1.0), (5.0, -1.0), (-1.0, -1.0)]
    """
    path = _distinct(points, closed)
    if len(path) < 2 or width <= 0:
        return []
    half = width / 2
    count = len(path) if closed and len(path) > 2 else len(path) - 1
    normals = []
    for i in range(count):
        (x0, y0), (x1, y1) = path[i], path[(i + 1) % len(path)]
        length = math.hypot(x1 - x0, y1 - y0)
        normals.append(((y0 - y1) / length, (x1 - x0) / length))
    polygons: list[list[Point]] = []
    # offsets[i] = (offset at the start of segment i, offset at its end)
    starts: list[Point] = [normals[i] for i in range(count)]
    ends: list[Point] = [normals[i] for i in range(count)]
    cyclic = closed and len(path) > 2
    for vertex in range(len(path)):
        before, after = vertex - 1, vertex
        if cyclic:
            before %= count
        if before < 0 or after >= count:
            continue  # an open end: butt cap, the segment's own normal
        (ax, ay), (bx, by) = normals[before], normals[after]
        dot = ax * bx + ay * by
        if 1 + dot > 2 / miter_limit**2:
            scale = 1 / (1 + dot)
            miter = ((ax + bx) * scale, (ay + by) * scale)
            ends[before] = starts[after] = miter
        else:
            x, y = path[vertex]
            polygons.append(
                [(x, y), (x + ax * half, y + ay * half), (x + bx * half, y + by * half)]
            )
            polygons.append(
                [(x, y), (x - ax * half, y - ay * half), (x - bx * half, y - by * half)]
            )
    for i in range(count):
        (x0, y0), (x1, y1) = path[i], path[(i + 1) % len(path)]
        (sx, sy), (ex, ey) = starts[i], ends[i]
        polygons.append(
            [
                (x0 + sx * half, y0 + sy * half),
                (x1 + ex * half, y1 + ey * half),
                (x1 - ex * half, y1 - ey * half),
                (x0 - sx * half, y0 - sy * half),
            ]
        )
    return polygons


def trim_path(points: Sequence[Point], distance: float) -> list[Point]:
    """Shorten an open path by ``distance`` at each end (to nothing if it is too short).

    Examples
    --------
    >>> trim_path([(0, 0), (10, 0), (10, 10)], 1)
    [(1.0, 0.0), (10.0, 0.0), (10.0, 9.0)]
    >>> trim_path([(0, 0), (1, 0)], 1)
    []
    """
    path = _distinct(points, closed=False)
    if len(path) < 2:
        return []
    lengths = [math.dist(path[i], path[i + 1]) for i in range(len(path) - 1)]
    total = sum(lengths)
    if total <= 2 * distance:
        return []
    start = _locate(path, lengths, distance)
    end = _locate(path, lengths, total - distance)
    return [start[1], *path[start[0] + 1 : end[0] + 1], end[1]]


def _locate(path: list[Point], lengths: list[float], position: float) -> tuple[int, Point]:
    walked = 0.0
    for segment, length in enumerate(lengths):
        if walked + length >= position or segment == len(lengths) - 1:
            return segment, _along(path, lengths, segment, position - walked)
        walked += length
    raise AssertionError("unreachable: lengths is never empty")


def inset_polygon(points: Sequence[Point], distance: float) -> list[Point]:
    """Move every edge of a closed polygon ``distance`` towards its inside.

    Corners are mitred (a miter longer than :data:`MITER_LIMIT` times
    ``distance`` is shortened to it).  A polygon too small to shrink, which
    would turn inside out, is returned as it is.

    Examples
    --------
    >>> inset_polygon([(0, 0), (10, 0), (10, 10), (0, 10)], 1)
    [(1.0, 1.0), (9.0, 1.0), (9.0, 9.0), (1.0, 9.0)]
    >>> inset_polygon([(0, 0), (1, 0), (1, 1), (0, 1)], 1)
    [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
    """
    path = _distinct(points, closed=True)
    area = _signed_area(path)
    if len(path) < 3 or area == 0:
        return path
    side = 1.0 if area > 0 else -1.0
    normals = []
    for i in range(len(path)):
        (x0, y0), (x1, y1) = path[i], path[(i + 1) % len(path)]
        length = math.hypot(x1 - x0, y1 - y0)
        normals.append((side * (y0 - y1) / length, side * (x1 - x0) / length))
    moved = []
    for i, (x, y) in enumerate(path):
        (ax, ay), (bx, by) = normals[i - 1], normals[i]
        dot = ax * bx + ay * by
        mx, my = (ax + bx) / max(1 + dot, 1e-12), (ay + by) / max(1 + dot, 1e-12)
        stretch = math.hypot(mx, my)
        if stretch > MITER_LIMIT:
            mx, my = mx * MITER_LIMIT / stretch, my * MITER_LIMIT / stretch
        moved.append((x + mx * distance, y + my * distance))
    shrunk = _signed_area(moved)
    if shrunk * area <= 0 or abs(shrunk) >= abs(area):
        return path
    return moved


def _signed_area(path: Sequence[Point]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(path, [*path[1:], *path[:1]])) / 2


# ---- fast paths -------------------------------------------------------------
#
# Measured need: the 64x64 convolution animation compiles 43,000 distinct
# primitives, 23,000 of them two-point lines and 20,000 quadrilaterals, and its
# 130 dashed lines cut into 20,000 dashes.  Through the general functions above
# that took 1.4 s (over 30 us a primitive); with these, 0.36 s.
# The functions below give the same floats, computed by the same operations in
# the same order, so the rasterizer (which truncates them) draws the same pixels.
# Clamps of the general code that provably never bite are left out, with the
# reason beside each.


def segment_outline(
    x0: float, y0: float, x1: float, y1: float, length: float, half: float, trim: float
) -> Quad | None:
    """The outline of one straight segment shortened by ``trim`` at each end.

    Exactly (to the last bit) the one polygon of ``stroke_outline(trim_path([(x0, y0),
    (x1, y1)], trim), 2 * half, closed=False)``, or None where that gives none.

    Parameters
    ----------
    x0, y0, x1, y1
        The segment's ends, floats.
    length
        ``math.hypot(x1 - x0, y1 - y0)``, more than the distance at which two
        points are one (the caller has worked it out to tell just that).
    half
        Half the stroke's width, positive.
    trim
        How much to cut off at each end, at least 0.

    Examples
    --------
    >>> segment_outline(0.0, 0.0, 10.0, 0.0, 10.0, 1.0, 1.0)
    ((1.0, 1.0), (9.0, 1.0), (9.0, -1.0), (1.0, -1.0))
    >>> print(segment_outline(0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.5))
    None
    """
    # trim_path: the path's total length is ``length`` (sum of one length).
    if length <= 2 * trim:
        return None
    dx = x1 - x0
    dy = y1 - y0
    # _along at ``trim`` and at ``length - trim``: with 0 <= trim < length / 2 the
    # fractions lie in [0, 1] (or are NaN for an infinite length), so its clamps
    # change nothing.
    t = trim / length
    ax = x0 + dx * t
    ay = y0 + dy * t
    t = (length - trim) / length
    bx = x0 + dx * t
    by = y0 + dy * t
    # stroke_outline of the trimmed two-point path: one quadrilateral, butt ends.
    ux = bx - ax
    size = math.hypot(ux, by - ay)
    if not size > EPSILON:
        return None
    ox = (ay - by) / size * half
    oy = ux / size * half
    return ((ax + ox, ay + oy), (bx + ox, by + oy), (bx - ox, by - oy), (ax - ox, ay - oy))


def dashed_segment_outlines(
    x0: float,
    y0: float,
    x1: float,
    y1: float,
    length: float,
    dash: tuple[float, float],
    half: float,
    trim: float,
) -> list[Quad]:
    """The outlines of the dashes of one straight segment, each shortened by ``trim``.

    Exactly (to the last bit) what stroking each piece of ``dash_pieces([(x0, y0),
    (x1, y1)], dash, closed=False)`` as :func:`segment_outline` does gives, in order.

    Parameters
    ----------
    x0, y0, x1, y1
        The segment's ends, floats.
    length
        ``math.hypot(x1 - x0, y1 - y0)``, more than the distance at which two
        points are one.
    dash
        ``(on, off)``, both positive.
    half
        Half the stroke's width, positive.
    trim
        How much to cut off each dash at each end, at least 0.

    Examples
    --------
    >>> dashed_segment_outlines(0.0, 0.0, 10.0, 0.0, 10.0, (3.0, 2.0), 1.0, 0.5)
    [((0.5, 1.0), (2.5, 1.0), (2.5, -1.0), (0.5, -1.0)), ((5.5, 1.0), (7.5, 1.0), (7.5, -1.0), (5.5, -1.0))]
    """
    on, off = dash
    period = on + off
    dx = x1 - x0
    dy = y1 - y0
    hypot = math.hypot
    quads: list[Quad] = []
    start = 0.0
    # dash_pieces on a one-segment path: every piece is [_along(start), _along(end)]
    # with 0 <= start < end <= length, so _along's clamps change nothing.
    while start < length - EPSILON:
        end = start + on
        if length < end:  # min(start + on, length), ties kept as min keeps them
            end = length
        t = start / length
        sx = x0 + dx * t
        sy = y0 + dy * t
        t = end / length
        ex = x0 + dx * t
        ey = y0 + dy * t
        # trim_path drops a piece whose ends are one point.
        size = hypot(ex - sx, ey - sy)
        if size > EPSILON:
            quad = segment_outline(sx, sy, ex, ey, size, half, trim)
            if quad is not None:
                quads.append(quad)
        start += period
    return quads


def quad_outline(
    points: Quad, lengths: tuple[float, float, float, float], half: float
) -> list[Quad] | None:
    """The mitred outline of a closed quadrilateral, or None if a join needs a bevel.

    Exactly (to the last bit) what ``stroke_outline(points, 2 * half, closed=True)``
    gives when its four joins are all mitred: one quadrilateral per edge.

    Parameters
    ----------
    points
        Four corners, floats, each farther than the distance at which two
        points are one from the next (and the last from the first).
    lengths
        ``math.hypot`` of each edge, from each corner to the next, as
        ``math.hypot(x1 - x0, y1 - y0)``.
    half
        Half the stroke's width.

    Examples
    --------
    >>> square = ((0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0))
    >>> quad_outline(square, (4.0, 4.0, 4.0, 4.0), 1.0)[0]
    ((1.0, 1.0), (3.0, 1.0), (5.0, -1.0), (-1.0, -1.0))
    """
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    # Edge i's normal, as stroke_outline works it out.
    (a0, b0), (a1, b1), (a2, b2), (a3, b3) = _normals(points, lengths, 1.0)
    # Corner i joins edge i - 1 to edge i.
    m0 = _miter(a3, b3, a0, b0)
    m1 = _miter(a0, b0, a1, b1)
    m2 = _miter(a1, b1, a2, b2)
    m3 = _miter(a2, b2, a3, b3)
    if m0 is None or m1 is None or m2 is None or m3 is None:
        return None
    # Both edges at a corner end on its miter, computed once: the same floats.
    p0, q0 = _across(x0, y0, m0, half)
    p1, q1 = _across(x1, y1, m1, half)
    p2, q2 = _across(x2, y2, m2, half)
    p3, q3 = _across(x3, y3, m3, half)
    return [(p0, p1, q1, q0), (p1, p2, q2, q1), (p2, p3, q3, q2), (p3, p0, q0, q3)]


def _normals(
    points: Quad, lengths: tuple[float, float, float, float], side: float
) -> tuple[Point, Point, Point, Point]:
    # Each edge's unit normal (left of the path), times side (1 or -1: exact).
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    l0, l1, l2, l3 = lengths
    return (
        (side * (y0 - y1) / l0, side * (x1 - x0) / l0),
        (side * (y1 - y2) / l1, side * (x2 - x1) / l1),
        (side * (y2 - y3) / l2, side * (x3 - x2) / l2),
        (side * (y3 - y0) / l3, side * (x0 - x3) / l3),
    )


def _miter(ax: float, ay: float, bx: float, by: float) -> Point | None:
    # stroke_outline's join of normals a and b: the miter, None for a bevel.
    dot = ax * bx + ay * by
    if 1 + dot > _MITRED:
        scale = 1 / (1 + dot)
        return ((ax + bx) * scale, (ay + by) * scale)
    return None


def _across(x: float, y: float, miter: Point, half: float) -> tuple[Point, Point]:
    # The two ends of the miter line through (x, y): left of the path, then right.
    mx, my = miter
    return (x + mx * half, y + my * half), (x - mx * half, y - my * half)


def inset_quad(points: Quad, lengths: tuple[float, float, float, float], distance: float) -> Quad:
    """A quadrilateral with every edge moved ``distance`` towards its inside.

    Exactly (to the last bit) the points of ``inset_polygon(points, distance)``.

    Parameters
    ----------
    points
        Four corners, floats, each farther than the distance at which two
        points are one from the next (and the last from the first).
    lengths
        ``math.hypot`` of each edge, from each corner to the next, as
        ``math.hypot(x1 - x0, y1 - y0)``.
    distance
        How far to move the edges.

    Examples
    --------
    >>> inset_quad(((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)), (10.0,) * 4, 1.0)
    ((1.0, 1.0), (9.0, 1.0), (9.0, 9.0), (1.0, 9.0))
    """
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    area = _quad_area(x0, y0, x1, y1, x2, y2, x3, y3)
    if area == 0:
        return points
    side = 1.0 if area > 0 else -1.0
    # Edge i's inward normal, as inset_polygon works it out.
    (a0, b0), (a1, b1), (a2, b2), (a3, b3) = _normals(points, lengths, side)
    # Corner i moves along the miter of edges i - 1 and i.
    n0x, n0y = _inset_corner(x0, y0, a3, b3, a0, b0, distance)
    n1x, n1y = _inset_corner(x1, y1, a0, b0, a1, b1, distance)
    n2x, n2y = _inset_corner(x2, y2, a1, b1, a2, b2, distance)
    n3x, n3y = _inset_corner(x3, y3, a2, b2, a3, b3, distance)
    shrunk = _quad_area(n0x, n0y, n1x, n1y, n2x, n2y, n3x, n3y)
    if shrunk * area <= 0 or abs(shrunk) >= abs(area):
        return points
    return ((n0x, n0y), (n1x, n1y), (n2x, n2y), (n3x, n3y))


def _inset_corner(
    x: float, y: float, ax: float, ay: float, bx: float, by: float, distance: float
) -> Point:
    # inset_polygon's move of corner (x, y) between edges of inward normals a and b.
    dot = ax * bx + ay * by
    scale = 1 + dot
    if scale < 1e-12:  # max(1 + dot, 1e-12), ties kept as max keeps them
        scale = 1e-12
    mx = (ax + bx) / scale
    my = (ay + by) / scale
    stretch = math.hypot(mx, my)
    if stretch > MITER_LIMIT:
        mx, my = mx * MITER_LIMIT / stretch, my * MITER_LIMIT / stretch
    return (x + mx * distance, y + my * distance)


def _quad_area(
    x0: float, y0: float, x1: float, y1: float, x2: float, y2: float, x3: float, y3: float
) -> float:
    # _signed_area's terms, summed by sum() as it sums them (its algorithm
    # varies between Python versions: written out, the sum could differ).
    return sum((x0 * y1 - x1 * y0, x1 * y2 - x2 * y1, x2 * y3 - x3 * y2, x3 * y0 - x0 * y3)) / 2
