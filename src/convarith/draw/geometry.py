"""Points, boxes and text extents shared by the views.

>>> points_box([(0, 1), (3, -2)])
(0, -2, 3, 1)
>>> boxes_overlap((0, 0, 2, 2), (1, 1, 3, 3)), boxes_overlap((0, 0, 1, 1), (2, 2, 3, 3))
(True, False)
"""

from __future__ import annotations

from collections.abc import Iterable

from convarith.figure.fonts import line_extent, text_width
from convarith.figure.primitives import Point, Text

__all__ = ["Box", "boxes_overlap", "points_box", "text_box", "union"]

Box = tuple[float, float, float, float]
"""``(left, top, right, bottom)`` in canvas units."""


def points_box(points: Iterable[Point]) -> Box:
    """Smallest box holding ``points``."""
    xs, ys = zip(*points)
    return min(xs), min(ys), max(xs), max(ys)


def text_box(text: Text) -> Box:
    """The box a line of text covers: its advance width, from the font's descender to its ascender."""
    width = text_width(text.text, text.size, text.bold)
    up, down = line_extent(text.size, text.bold)
    x, y = text.position
    left = {"start": x, "middle": x - width / 2, "end": x - width}[text.anchor]
    return left, y - up, left + width, y + down


def boxes_overlap(a: Box, b: Box, slack: float = 0.0) -> bool:
    """Whether two boxes share more than ``slack`` in both directions."""
    return min(a[2], b[2]) - max(a[0], b[0]) > slack and min(a[3], b[3]) - max(a[1], b[1]) > slack


def union(boxes: Iterable[Box]) -> Box:
    """Smallest box holding every box."""
    lefts, tops, rights, bottoms = zip(*boxes)
    return min(lefts), min(tops), max(rights), max(bottoms)


def overlap(left: Box, right: Box) -> float:
    """How far ``left``'s right edge reaches past ``right``'s left edge (negative: a gap)."""
    return left[2] - right[0]
