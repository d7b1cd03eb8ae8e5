"""Scenes to figures: the drawing layer.

:func:`draw` turns a :class:`~convarith.scenes.Scene` into a
:class:`~convarith.primitives.Figure` in a given view and style.  Views:
``arithmetic`` (the original's slanted grids, output floating above the
input) and ``numerical`` (flat grids with the values in the cells).
"""

from __future__ import annotations

from convarith.draw.figure import VIEWS, draw
from convarith.draw.style import THEMES, Style

__all__ = ["THEMES", "VIEWS", "Style", "draw"]
