"""Boxes in output pixels, and the little arithmetic the raster backend and the encoders do on them.

A :data:`Box` is what Pillow's ``crop`` and ``paste`` take:
``(left, top, right, bottom)`` with right and bottom excluded.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["Box", "intersection", "shift", "union"]

#: Box in output pixels: ``(left, top, right, bottom)``, right and bottom excluded.
Box = tuple[int, int, int, int]


def union(boxes: Sequence[Box | None]) -> Box | None:
    """The smallest box holding every box present, or None if there is none.

    Examples
    --------
    >>> union([(0, 0, 2, 2), None, (1, 3, 4, 5)])
    (0, 0, 4, 5)
    >>> print(union([None]))
    None
    """
    present = [b for b in boxes if b is not None]
    if not present:
        return None
    return (
        min(b[0] for b in present),
        min(b[1] for b in present),
        max(b[2] for b in present),
        max(b[3] for b in present),
    )


def intersection(a: Box, b: Box) -> Box | None:
    """The pixels in both boxes, or None if they share none.

    Examples
    --------
    >>> intersection((0, 0, 4, 4), (2, 1, 6, 3))
    (2, 1, 4, 3)
    >>> print(intersection((0, 0, 2, 2), (2, 0, 4, 2)))
    None
    """
    box = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    return box if box[0] < box[2] and box[1] < box[3] else None


def shift(box: Box, dx: int, dy: int) -> Box:
    """``box`` moved by ``(dx, dy)``.

    Examples
    --------
    >>> shift((1, 2, 3, 4), -1, 10)
    (0, 12, 2, 14)
    """
    return (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)
