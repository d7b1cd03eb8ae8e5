"""Shapes and per-axis values written as text, the way the command line takes them.

One place decides how ``(32, 16)`` reads (``32x16``), so that messages,
explanations, tables and figure labels all agree; figures pass ``"×"``.
Nothing here imports the rest of the package.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["per_axis_text", "shape_text"]


def shape_text(shape: Sequence[object], sep: str = "x") -> str:
    """Every size of ``shape`` joined by ``sep``: ``32x16``, or ``5`` for one axis.

    >>> shape_text((32, 16)), shape_text((5,)), shape_text((4, 5, 6), "×")
    ('32x16', '5', '4×5×6')
    """
    return sep.join(str(n) for n in shape)


def per_axis_text(values: Sequence[object], sep: str = "x") -> str:
    """One value when every axis agrees, else the values joined: ``3`` or ``3x2``.

    >>> per_axis_text((3, 3)), per_axis_text((3, 2)), per_axis_text((3, 2), "×")
    ('3', '3x2', '3×2')
    """
    return str(values[0]) if len(set(values)) == 1 else shape_text(values, sep)
