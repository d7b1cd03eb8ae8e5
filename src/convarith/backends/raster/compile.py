"""Compiling drawing primitives into paint operations, in supersampled pixels.

A polygon's fill becomes one :class:`~convarith.backends.raster.ops.Shapes`,
its stroke another (outlined, mitred and dashed by
:mod:`convarith.backends.raster.strokes`); a text becomes a
:class:`~convarith.backends.raster.ops.Label` in the bundled font, measured
as :mod:`convarith.figure.fonts` measures it.  Everything is shrunk by
:data:`INSET` so that Pillow's polygon filler covers each shape's true area.
Two-point lines and quadrilaterals, most of what an animation draws, take
fast paths that give the general path's floats to the last bit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

from PIL import ImageFont

from convarith.backends.raster.ops import Label, Op, Point, Shapes
from convarith.backends.raster.strokes import (
    EPSILON,
    Quad,
    dash_pieces,
    dashed_segment_outlines,
    inset_polygon,
    inset_quad,
    quad_outline,
    segment_outline,
    stroke_outline,
    trim_path,
)
from convarith.figure.fonts import font_path, metrics
from convarith.figure.primitives import Color, Polygon, Polyline, Primitive, Text

__all__ = ["INSET", "compile_primitive"]

_ANCHORS = {"start": "lm", "middle": "mm", "end": "rm"}
# Pillow fills every pixel that a polygon touches, about 0.3 px beyond its
# edges; shrinking each shape by that much (in supersampled pixels) makes the
# coverage match the shape's true area, so thin lines keep their width and
# dashes their length.
INSET = 0.3


def compile_primitive(primitive: Primitive, unit: float) -> list[Op]:
    """The paint operations that draw ``primitive``, ``unit`` supersampled pixels per canvas unit.

    Invisible parts (no fill, no stroke, zero opacity, empty text) give no
    operation.

    Examples
    --------
    >>> from convarith.figure.primitives import Polygon
    >>> square = Polygon(((0, 0), (2, 0), (2, 2), (0, 2)), fill=(0, 0, 255))
    >>> [op] = compile_primitive(square, 4.0)
    >>> op.bounds, op.color
    ((0.3, 0.3, 7.7, 7.7), (0, 0, 255))
    """
    # Fast paths for the shapes that animations are made of (see the strokes
    # module); they give None for what they leave to the general path.
    ops: list[Op] | None = None
    if type(primitive) is Polyline:
        if len(primitive.points) == 2:
            ops = _compile_segment(primitive, unit)
    elif type(primitive) is Polygon:
        if len(primitive.points) == 4:
            ops = _compile_quad(primitive, unit)
    elif isinstance(primitive, Text):
        return _compile_text(primitive, unit)
    return _compile_general(primitive, unit) if ops is None else ops


def _compile_text(primitive: Text, unit: float) -> list[Op]:
    if primitive.opacity <= 0 or not primitive.text or primitive.size <= 0:
        return []
    size = primitive.size * unit
    font = _font(primitive.bold, size)
    text = _drawable(primitive.text, primitive.bold)
    anchor = _ANCHORS[primitive.anchor]
    x, y = primitive.position[0] * unit, primitive.position[1] * unit
    left, top, right, bottom = font.getbbox(text, anchor=anchor)
    bounds = (x + left, y + top, x + right, y + bottom)
    return [Label((x, y), text, font, anchor, primitive.color, primitive.opacity, bounds)]


def _compile_general(primitive: Polygon | Polyline, unit: float) -> list[Op]:
    """Any polygon or polyline, through the general stroke functions (the reference)."""
    points = [(x * unit, y * unit) for x, y in primitive.points]
    ops: list[Op] = []
    closed = isinstance(primitive, Polygon)
    if isinstance(primitive, Polygon) and primitive.fill is not None and len(points) > 2:
        ops.append(_shapes([inset_polygon(points, INSET)], primitive.fill, primitive.fill_opacity))
    if primitive.stroke is not None and primitive.stroke_width > 0:
        outline = _stroke(points, primitive.stroke_width * unit, closed, primitive.dash, unit)
        if outline:
            ops.append(_shapes(outline, primitive.stroke, primitive.stroke_opacity))
    return [op for op in ops if op.opacity > 0]


def _compile_segment(line: Polyline, unit: float) -> list[Op] | None:
    """A two-point polyline, as :func:`_compile_general` compiles it; None to leave it to that.

    Measured need: two-point lines (connectors, grid lines) are 23,000 of the
    43,000 primitives of the 64x64 convolution animation, and its 130 dashed
    lines hold 20,000 dashes.
    """
    stroke = line.stroke
    if stroke is None or not line.stroke_width > 0:
        return []
    opacity = min(line.stroke_opacity, 1.0)
    if not opacity > 0:
        return []
    (a, b), (c, d) = line.points
    x0, y0, x1, y1 = float(a * unit), float(b * unit), float(c * unit), float(d * unit)
    length = math.hypot(x1 - x0, y1 - y0)
    if not length > EPSILON:
        return []  # one point: nothing to stroke
    half = max(line.stroke_width * unit - 2 * INSET, 1e-3) / 2
    dash = line.dash
    if dash is None:
        quad = segment_outline(x0, y0, x1, y1, length, half, INSET)
        return [] if quad is None else [_quad_shapes(quad, stroke, opacity)]
    on, off = dash[0] * unit, dash[1] * unit
    if not (on > 0 and off > 0):
        return None
    quads = dashed_segment_outlines(x0, y0, x1, y1, length, (on, off), half, INSET)
    return [_outline_shapes(quads, stroke, opacity)] if quads else []


def _compile_quad(polygon: Polygon, unit: float) -> list[Op] | None:
    """A four-point polygon, as :func:`_compile_general` compiles it; None to leave it to that.

    Measured need: quadrilaterals (cells, windows) are 20,000 of the 43,000
    primitives of the 64x64 convolution animation.
    """
    (a, b), (c, d), (e, f), (g, h) = polygon.points
    x0, y0, x1, y1 = float(a * unit), float(b * unit), float(c * unit), float(d * unit)
    x2, y2, x3, y3 = float(e * unit), float(f * unit), float(g * unit), float(h * unit)
    hypot = math.hypot
    l0 = hypot(x1 - x0, y1 - y0)
    l1 = hypot(x2 - x1, y2 - y1)
    l2 = hypot(x3 - x2, y3 - y2)
    l3 = hypot(x0 - x3, y0 - y3)
    if not (l0 > EPSILON and l1 > EPSILON and l2 > EPSILON and l3 > EPSILON):
        return None  # repeated corners: the general path merges them
    points = ((x0, y0), (x1, y1), (x2, y2), (x3, y3))
    lengths = (l0, l1, l2, l3)
    ops: list[Op] = []
    fill = polygon.fill
    if fill is not None:
        opacity = min(polygon.fill_opacity, 1.0)
        if opacity > 0:
            ops.append(_quad_shapes(inset_quad(points, lengths, INSET), fill, opacity))
    stroke = polygon.stroke
    if stroke is not None and polygon.stroke_width > 0:
        opacity = min(polygon.stroke_opacity, 1.0)
        if opacity > 0:
            if polygon.dash is not None:
                return None
            half = max(polygon.stroke_width * unit - 2 * INSET, 1e-3) / 2
            outline = quad_outline(points, lengths, half)
            if outline is None:
                return None  # a bevelled join
            ops.append(_ring_shapes(outline, stroke, opacity))
    return ops


@lru_cache(maxsize=64)
def _font(bold: bool, size: float) -> ImageFont.FreeTypeFont:
    # The basic layout engine needs no libraqm and matches the metrics module.
    return ImageFont.truetype(str(font_path(bold)), size, layout_engine=ImageFont.Layout.BASIC)


def _drawable(text: str, bold: bool) -> str:
    # The bundled font is a subset: draw what it lacks as "?", as measured.
    known = metrics(bold).widths
    return "".join(c if ord(c) in known else "?" for c in text)


def _stroke(
    points: list[Point],
    width: float,
    closed: bool,
    dash: tuple[float, float] | None,
    unit: float,
) -> list[list[Point]]:
    """Polygons of a stroke in supersampled pixels, shrunk by :data:`INSET` all round."""
    thinner = max(width - 2 * INSET, 1e-3)
    if dash is None and closed:
        return stroke_outline(points, thinner, closed=True)
    pieces = (
        [points]
        if dash is None
        else dash_pieces(points, (dash[0] * unit, dash[1] * unit), closed=closed)
    )
    polygons: list[list[Point]] = []
    for piece in pieces:
        polygons.extend(stroke_outline(trim_path(piece, INSET), thinner, closed=False))
    return polygons


def _shapes(polygons: Sequence[Sequence[Point]], color: Color, opacity: float) -> Shapes:
    xs = [x for polygon in polygons for x, _ in polygon]
    ys = [y for polygon in polygons for _, y in polygon]
    return Shapes(
        tuple(tuple(polygon) for polygon in polygons),
        color,
        min(opacity, 1.0),
        (min(xs), min(ys), max(xs), max(ys)),
    )


def _quad_shapes(quad: Quad, color: Color, opacity: float) -> Shapes:
    # _shapes of one quadrilateral, ``opacity`` already at most 1.
    (ax, ay), (bx, by), (cx, cy), (dx, dy) = quad
    bounds = (min(ax, bx, cx, dx), min(ay, by, cy, dy), max(ax, bx, cx, dx), max(ay, by, cy, dy))
    return Shapes((quad,), color, opacity, bounds)


def _outline_shapes(quads: list[Quad], color: Color, opacity: float) -> Shapes:
    # _shapes of quadrilaterals, ``opacity`` already at most 1.
    xs = [x for quad in quads for x, _ in quad]
    ys = [y for quad in quads for _, y in quad]
    return Shapes(tuple(quads), color, opacity, (min(xs), min(ys), max(xs), max(ys)))


def _ring_shapes(quads: list[Quad], color: Color, opacity: float) -> Shapes:
    # _outline_shapes of quad_outline's four quadrilaterals, which share their
    # corners: the first and the third hold all eight.  min and max keep the
    # first of equal values, and a corner met again never replaces the value
    # they hold, so taking the corners in the order they first appear in
    # _outline_shapes's lists gives the very same floats (even -0.0 or 0.0).
    (p0, p1, q1, q0), _, (p2, p3, q3, q2), _ = quads
    x0, y0 = p0
    x1, y1 = p1
    x2, y2 = q1
    x3, y3 = q0
    x4, y4 = p2
    x5, y5 = q2  # first met in the second quadrilateral, before p3
    x6, y6 = p3
    x7, y7 = q3
    bounds = (
        min(x0, x1, x2, x3, x4, x5, x6, x7),
        min(y0, y1, y2, y3, y4, y5, y6, y7),
        max(x0, x1, x2, x3, x4, x5, x6, x7),
        max(y0, y1, y2, y3, y4, y5, y6, y7),
    )
    return Shapes(tuple(quads), color, opacity, bounds)
