"""Compiling drawing primitives into paint operations, in supersampled pixels.

A polygon's fill becomes one :class:`~convarith.backends.raster.ops.Shapes`,
its stroke another (outlined, mitred and dashed by
:mod:`convarith.backends.raster.strokes`); a text becomes a
:class:`~convarith.backends.raster.ops.Label` in the bundled font, measured
as :mod:`convarith.figure.fonts` measures it.  Everything is shrunk by
:data:`INSET` so that Pillow's polygon filler covers each shape's true area.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from PIL import ImageFont

from convarith.backends.raster.ops import Label, Op, Point, Shapes
from convarith.backends.raster.strokes import (
    dash_pieces,
    inset_polygon,
    stroke_outline,
    trim_path,
)
from convarith.figure.fonts import font_path, metrics
from convarith.figure.primitives import Color, Polygon, Primitive, Text

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
    if isinstance(primitive, Text):
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
