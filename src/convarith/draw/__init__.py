"""Scenes to figures: the drawing layer.

:func:`draw` turns a :class:`~convarith.scenes.build.Scene` into a
:class:`~convarith.figure.primitives.Figure` in a given view and style.  Views:
``arithmetic`` (the original's slanted grids, output floating above the
input) and ``numerical`` (flat grids with the values in the cells).
"""

from __future__ import annotations

from convarith.draw.style import THEMES, Style
from convarith.draw.views import VIEWS, draw

__all__ = ["THEMES", "VIEWS", "Style", "draw"]
