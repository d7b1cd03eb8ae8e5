"""Outlines of stroked lines as filled polygons, for the raster backend.

Pillow draws wide lines with round-ish joints and cannot dash them, so the
raster backend strokes paths itself: each segment becomes a quadrilateral
whose ends are mitred against its neighbours (bevelled past a miter limit, as
in SVG), and a dash pattern cuts the path into open pieces with butt ends.
The pattern runs continuously along the whole path from its first point, the
way SVG's ``stroke-dasharray`` and PDF's ``d`` operator lay it out, so every
backend puts the dashes in the same places.  Pure Python, no dependencies.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["MITER_LIMIT", "dash_pieces", "inset_polygon", "stroke_outline", "trim_path"]

Point = tuple[float, float]

#: Longest miter, in stroke widths, before a join is bevelled (SVG's default).
MITER_LIMIT = 4.0

# Points closer than this are one point: a zero-length segment has no direction.
_EPSILON = 1e-9


def _distinct(points: Sequence[Point], closed: bool) -> list[Point]:
    kept: list[Point] = []
    for x, y in points:
        if not kept or math.hypot(x - kept[-1][0], y - kept[-1][1]) > _EPSILON:
            kept.append((float(x), float(y)))
    if (
        closed
        and len(kept) > 2
        and math.hypot(kept[0][0] - kept[-1][0], kept[0][1] - kept[-1][1]) <= _EPSILON
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
    while start < total - _EPSILON:
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
