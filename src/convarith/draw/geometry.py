"""Points, boxes and text extents shared by the views."""

from __future__ import annotations

from collections.abc import Iterable

from convarith.figure.fonts import text_width
from convarith.figure.primitives import Point, Text

__all__ = ["Box", "text_box", "union"]

Box = tuple[float, float, float, float]
"""``(left, top, right, bottom)`` in canvas units."""


def points_box(points: Iterable[Point]) -> Box:
    """Smallest box holding ``points``."""
    xs, ys = zip(*points)
    return min(xs), min(ys), max(xs), max(ys)


def text_box(text: Text) -> Box:
    """The box a line of text covers (height: the font size)."""
    width = text_width(text.text, text.size, text.bold)
    x, y = text.position
    left = {"start": x, "middle": x - width / 2, "end": x - width}[text.anchor]
    return left, y - text.size / 2, left + width, y + text.size / 2


def union(boxes: Iterable[Box]) -> Box:
    """Smallest box holding every box."""
    lefts, tops, rights, bottoms = zip(*boxes)
    return min(lefts), min(tops), max(rights), max(bottoms)


def overlap(left: Box, right: Box) -> float:
    """How far ``left``'s right edge reaches past ``right``'s left edge (negative: a gap)."""
    return left[2] - right[0]
