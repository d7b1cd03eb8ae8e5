"""Paint operations: what a drawing primitive compiles to, and what gets painted.

Coordinates are in supersampled pixels of the whole figure; each operation
carries its bounds, from which the rasterizer works out the output pixels it
may touch.  Operations are frozen, so compiled ones can be shared by every
frame that draws the same primitive.

>>> square = Shapes((((0, 0), (4, 0), (4, 4), (0, 4)),), (0, 0, 255), 1.0, (0, 0, 4, 4))
>>> square.bounds, square == Shapes(square.polygons, (0, 0, 255), 1.0, (0, 0, 4, 4))
((0, 0, 4, 4), True)
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import ImageFont

from convarith.figure.primitives import Color

__all__ = ["Bounds", "Label", "Op", "Point", "Shapes"]

#: ``(left, top, right, bottom)`` of what an operation paints, in supersampled pixels.
Bounds = tuple[float, float, float, float]
Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Shapes:
    """Polygons painted in one colour, in supersampled pixels."""

    polygons: tuple[tuple[Point, ...], ...]
    color: Color
    opacity: float
    bounds: Bounds


@dataclass(frozen=True, slots=True)
class Label:
    """One text, anchored at ``position`` (supersampled pixels)."""

    position: Point
    text: str
    font: ImageFont.FreeTypeFont
    anchor: str
    color: Color
    opacity: float
    bounds: Bounds


Op = Shapes | Label
