"""Helpers shared by the vector backends: compact numbers and argument checks."""

from __future__ import annotations

from convarith.core.errors import ConvArithError
from convarith.figure.primitives import Figure

__all__ = ["POINTS_PER_UNIT", "check_durations", "check_frame", "dash_pattern", "number"]

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


def check_frame(figure: Figure, index: int, name: str = "index") -> int:
    """Return ``index`` if it names a frame of ``figure``, else raise.

    >>> from convarith.figure.primitives import Figure
    >>> check_frame(Figure(10, 10, (), (1000, 1000)), 1)
    1
    """
    count = figure.frame_count
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < count:
        raise ConvArithError(
            f"{name}={index!r} must be a frame number from 0 to {count - 1} "
            f"(the figure has {count} frames)"
        )
    return index


def check_durations(figure: Figure) -> None:
    """Raise unless the figure has frames and every frame lasts at least 1 ms.

    >>> from convarith.figure.primitives import Figure
    >>> check_durations(Figure(10, 10, (), (1000, 2000)))
    """
    if not figure.durations:
        raise ConvArithError("durations=() must hold at least one frame")
    for i, duration in enumerate(figure.durations):
        if isinstance(duration, bool) or not isinstance(duration, int) or duration < 1:
            raise ConvArithError(
                f"durations[{i}]={duration!r} must be a whole number of ms, at least 1"
            )


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
