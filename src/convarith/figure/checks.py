"""The checks every renderer and encoder makes of a figure's frames: one rule each.

>>> from convarith.figure.primitives import Figure
>>> check_durations((1000, 2000))
[1000, 2000]
>>> check_frame(Figure(10, 10, (), (1000, 1000)), 1)
1
"""

from __future__ import annotations

from collections.abc import Sequence

from convarith.core.errors import ConvArithError
from convarith.figure.primitives import Figure

__all__ = ["check_durations", "check_frame"]


def check_durations(durations: Sequence[int]) -> list[int]:
    """Return ``durations`` as a list, or raise unless there is one and each is a whole number of ms >= 1.

    Examples
    --------
    >>> try:
    ...     check_durations((1000, 0))
    ... except ConvArithError as error:
    ...     print(error)
    durations[1]=0 must be a whole number of ms, at least 1
    """
    checked = list(durations)
    if not checked:
        raise ConvArithError("durations=() must hold at least one frame")
    for i, duration in enumerate(checked):
        if isinstance(duration, bool) or not isinstance(duration, int) or duration < 1:
            raise ConvArithError(
                f"durations[{i}]={duration!r} must be a whole number of ms, at least 1"
            )
    return checked


def check_frame(figure: Figure, index: int, name: str = "index") -> int:
    """Return ``index`` if it names a frame of ``figure``, else raise.

    Examples
    --------
    >>> try:
    ...     check_frame(Figure(10, 10, (), (1000,)), 3)
    ... except ConvArithError as error:
    ...     print(error)
    index=3 must be a frame number from 0 to 0 (the figure has 1 frames)
    """
    count = figure.frame_count
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < count:
        raise ConvArithError(
            f"{name}={index!r} must be a frame number from 0 to {count - 1} "
            f"(the figure has {count} frames)"
        )
    return index
