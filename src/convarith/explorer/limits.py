"""How much one explorer request may ask for: named numbers, and their checks.

The explorer redraws while a slider moves, so it draws less than a file may
hold: a picture a student watches cell by cell.  Each refusal is a
:class:`LimitError`, a :class:`~convarith.core.errors.ConvArithError` that
also names its limit (``input_cells``, ``frames``, ``grid_cells``,
``request_size``), which the server puts in its JSON answer.

>>> EXPLORER_MAX_INPUT_CELLS, EXPLORER_MAX_FRAMES
(1024, 1024)
>>> check_request_size(40)
"""

from __future__ import annotations

import math

from convarith.core.errors import ConvArithError
from convarith.core.limits import (
    EXPLORER_MAX_BODY_BYTES,
    EXPLORER_MAX_FRAMES,
    EXPLORER_MAX_GRID_CELLS,
    EXPLORER_MAX_INPUT_CELLS,
    EXPLORER_MAX_QUERY_BYTES,
    EXPLORER_MAX_TAPS,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from convarith.core.arithmetic import Config

__all__ = [
    "EXPLORER_MAX_BODY_BYTES",
    "EXPLORER_MAX_FRAMES",
    "EXPLORER_MAX_GRID_CELLS",
    "EXPLORER_MAX_INPUT_CELLS",
    "EXPLORER_MAX_QUERY_BYTES",
    "EXPLORER_MAX_TAPS",
    "LimitError",
    "check_drawable",
    "check_request_size",
]


class LimitError(ConvArithError):
    """A request beyond one of the explorer's limits; ``limit`` names it.

    >>> LimitError("frames", 1024, "too many").limit
    'frames'
    """

    def __init__(self, limit: str, maximum: int, message: str) -> None:
        super().__init__(message)
        self.limit = limit
        self.maximum = maximum


def check_request_size(query_bytes: int, body_bytes: int = 0) -> None:
    """Refuse a query string or a body beyond the explorer's sizes.

    >>> try:
    ...     check_request_size(5000)
    ... except LimitError as error:
    ...     print(error.limit, error)
    request_size query string of 5000 bytes: the explorer takes at most 2048
    """
    if query_bytes > EXPLORER_MAX_QUERY_BYTES:
        raise LimitError(
            "request_size",
            EXPLORER_MAX_QUERY_BYTES,
            f"query string of {query_bytes} bytes: the explorer takes at most {EXPLORER_MAX_QUERY_BYTES}",
        )
    if body_bytes > EXPLORER_MAX_BODY_BYTES:
        raise LimitError(
            "request_size",
            EXPLORER_MAX_BODY_BYTES,
            f"request body of {body_bytes} bytes: the explorer's requests have no body",
        )


def check_drawable(config: Config) -> None:
    """Refuse, from the arithmetic alone, a configuration too large to draw in the explorer.

    >>> from convarith.core.arithmetic import configure
    >>> check_drawable(configure("conv", (16, 16), kernel_size=3))
    >>> try:
    ...     check_drawable(configure("conv", (40, 40), kernel_size=3))
    ... except LimitError as error:
    ...     print(error.limit, error)
    input_cells input 40x40 has 1600 cells: the explorer draws at most 1024 (32x32); ask convarith animate for larger ones
    """
    from convarith.core.text import shape_text
    from convarith.scenes.build import scene_cost

    cells = math.prod(config.input_shape)
    given = f"input {shape_text(config.input_shape)}"
    if cells > EXPLORER_MAX_INPUT_CELLS:
        raise LimitError(
            "input_cells",
            EXPLORER_MAX_INPUT_CELLS,
            f"{given} has {cells} cells: the explorer draws at most {EXPLORER_MAX_INPUT_CELLS} "
            "(32x32); ask convarith animate for larger ones",
        )
    cost = scene_cost(config)
    if cost.frames > EXPLORER_MAX_FRAMES:
        raise LimitError(
            "frames",
            EXPLORER_MAX_FRAMES,
            f"{given} gives {cost.frames} frames ({cost.frames_are}): the explorer draws at most "
            f"{EXPLORER_MAX_FRAMES}",
        )
    if cost.grid_cells > EXPLORER_MAX_GRID_CELLS:
        raise LimitError(
            "grid_cells",
            EXPLORER_MAX_GRID_CELLS,
            f"{given} gives {cost.grid_cells} grid cells to draw ({cost.grid}): the explorer "
            f"draws at most {EXPLORER_MAX_GRID_CELLS}",
        )
    if cost.taps > EXPLORER_MAX_TAPS:
        raise LimitError(
            "taps",
            EXPLORER_MAX_TAPS,
            f"{given} gives {cost.taps} window positions ({cost.frames} frames of "
            f"{shape_text(config.kernel_size)} taps): the explorer draws at most {EXPLORER_MAX_TAPS}",
        )
