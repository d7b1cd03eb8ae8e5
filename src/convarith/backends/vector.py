"""Helpers shared by the vector backends: the page unit, compact numbers, dashes."""

from __future__ import annotations

__all__ = ["POINTS_PER_UNIT", "dash_pattern", "number"]

#: PDF points (and TikZ points) per canvas unit at scale 1: a 1000-unit figure
#: is a 500 pt page, about the width of a page of text.
POINTS_PER_UNIT = 0.5


def number(value: float) -> str:
    """Write ``value`` with at most two decimals and no trailing zeros.

    Two decimals of a canvas unit are far below what any viewer resolves, and
    dropping the rest keeps SVG, PDF and TikZ files small.

    >>> [number(v) for v in (12.0, 0.5, -0.001, 3.14159, 1e-7)]
    ['12', '0.5', '0', '3.14', '0']
    """
    text = f"{value:.2f}"
    if text[-1] == "0":
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def dash_pattern(dash: tuple[float, float] | None) -> tuple[float, float] | None:
    """The dash to draw, or ``None`` for a solid line.

    A pattern without length draws solid in SVG but is an error in PDF and
    loops forever in TikZ, so every backend treats it as solid.

    >>> dash_pattern((6, 6)), dash_pattern((0, 0))
    ((6, 6), None)
    """
    if dash is None or dash[0] + dash[1] <= 0:
        return None
    return dash
