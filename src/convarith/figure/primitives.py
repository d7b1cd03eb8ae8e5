"""Drawing primitives: what every backend knows how to draw.

The drawing layer turns a scene into a :class:`Figure` made of a few kinds of
immutable records (polygons, polylines, text).  Backends (SVG, raster, PDF,
TikZ) only translate these records; none of them knows what a convolution is.

Coordinates are canvas units with the origin at the top-left corner and ``y``
growing downwards.  One canvas unit is one pixel of a raster at ``scale=1``.
Colours are ``(r, g, b)`` tuples of ints in ``0..255``; opacity is separate.

A figure is a stack of layers, drawn in order.  A static layer holds the same
primitives in every frame; a dynamic layer holds one tuple of primitives per
frame.  Backends may use that split (the raster backend draws the static
layers once; the SVG backend writes them once and animates the rest).

>>> cell = Polygon(((0, 0), (30, 0), (30, 30), (0, 30)), fill=(38, 139, 210))
>>> value = Text((15, 15), "3", 16, (0, 0, 0), kind="value")
>>> figure = Figure(30, 30, (StaticLayer((cell,)), DynamicLayer(((value,), ()))), (500, 500))
>>> figure.frame_count, [type(p).__name__ for p in figure.frame(0)]
(2, ['Polygon', 'Text'])
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "Color",
    "DynamicLayer",
    "Figure",
    "FigureLayer",
    "Point",
    "Polygon",
    "Polyline",
    "Primitive",
    "StaticLayer",
    "Text",
]

Color = tuple[int, int, int]
Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Polygon:
    """A closed, filled and/or outlined polygon.

    ``dash`` is ``(on, off)`` in canvas units for a dashed outline, measured
    from the first point.  Fill and outline have their own opacity; an
    outline is centred on the polygon's edges, with butt caps and mitred joins.
    """

    points: tuple[Point, ...]
    fill: Color | None = None
    fill_opacity: float = 1.0
    stroke: Color | None = None
    stroke_width: float = 0.0
    stroke_opacity: float = 1.0
    dash: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True)
class Polyline:
    """An open line through ``points`` (two points make a segment)."""

    points: tuple[Point, ...]
    stroke: Color
    stroke_width: float
    stroke_opacity: float = 1.0
    dash: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True)
class Text:
    """One line of text in the bundled font.

    ``position`` is the anchor point: horizontally the start, middle or end of
    the text (``anchor``); vertically the middle of the font's ascender and
    descender (so a digit centred on a cell's centre looks centred).
    ``size`` is the font size (em) in canvas units.  ``kind`` says what the
    text is, for checks and tools (backends draw both alike): a ``"label"``
    names or explains what the figure shows and must stay readable at any
    size the figure is shown; a ``"value"`` is a number in a cell.
    """

    position: Point
    text: str
    size: float
    color: Color
    anchor: Literal["start", "middle", "end"] = "middle"
    bold: bool = False
    opacity: float = 1.0
    kind: Literal["label", "value"] = "label"


Primitive = Polygon | Polyline | Text


@dataclass(frozen=True, slots=True)
class StaticLayer:
    """Primitives drawn identically in every frame."""

    primitives: tuple[Primitive, ...]


@dataclass(frozen=True, slots=True)
class DynamicLayer:
    """One tuple of primitives per frame (all dynamic layers have the same length)."""

    frames: tuple[tuple[Primitive, ...], ...]


FigureLayer = StaticLayer | DynamicLayer


@dataclass(frozen=True)
class Figure:
    """A drawing of ``frame_count`` frames on a ``width`` x ``height`` canvas.

    ``durations`` holds each frame's display time in milliseconds (the last
    one may be longer: the pause before the animation loops).  ``title`` is a
    short description for file metadata (SVG ``<title>``, PDF ``/Title``).
    """

    width: float
    height: float
    layers: tuple[FigureLayer, ...]
    durations: tuple[int, ...]
    background: Color | None = (255, 255, 255)
    title: str = ""
    loop: bool = True

    def __post_init__(self) -> None:
        for layer in self.layers:
            if isinstance(layer, DynamicLayer) and len(layer.frames) != len(self.durations):
                raise ValueError(
                    f"a dynamic layer has {len(layer.frames)} frames, the figure "
                    f"{len(self.durations)} durations"
                )

    @property
    def frame_count(self) -> int:
        """Number of frames (one per output cell in the classic views)."""
        return len(self.durations)

    def frame(self, index: int) -> Iterator[Primitive]:
        """All primitives of frame ``index``, in drawing order."""
        for layer in self.layers:
            if isinstance(layer, StaticLayer):
                yield from layer.primitives
            else:
                yield from layer.frames[index]
