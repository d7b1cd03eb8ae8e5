"""The numbers of a numerical scene: seeded inputs and weights, and the output.

As in the original's numerical figures, inputs are integers 0..3 and weights
integers 0..2, drawn from a seeded generator; the output is computed by the
reference implementations in :mod:`convarith.numeric` (which the tests check
against PyTorch).
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import numpy as np

from convarith import numeric

if TYPE_CHECKING:
    from convarith.core.arithmetic import Config
    from convarith.scene.model import GridAxis, Values
__all__ = ["INPUT_RANGE", "WEIGHT_RANGE", "compute_output", "scene_values"]

#: Inclusive ranges of the original's numerical figures.
INPUT_RANGE = (0, 3)
WEIGHT_RANGE = (0, 2)


def compute_output(config: Config, x: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    """``config``'s operation on one single-channel input ``x`` (spatial shape)."""
    batch = x.astype(np.float64)[None, None]
    if config.op == "conv":
        assert w is not None
        out = numeric.conv(
            batch,
            w.astype(np.float64)[None, None],
            stride=config.stride,
            padding=config.padding,
            dilation=config.dilation,
        )
    elif config.op == "conv_transpose":
        assert w is not None
        out = numeric.conv_transpose(
            batch,
            w.astype(np.float64)[None, None],
            stride=config.stride,
            padding=config.padding,
            output_padding=config.output_padding,
            dilation=config.dilation,
        )
    elif config.op == "max_pool":
        out = numeric.max_pool(
            batch,
            config.kernel_size,
            stride=config.stride,
            padding=tuple(lo for lo, _ in config.padding),
            dilation=config.dilation,
            ceil_mode=config.ceil_mode,
        )
    else:
        out = numeric.avg_pool(
            batch,
            config.kernel_size,
            stride=config.stride,
            padding=tuple(lo for lo, _ in config.padding),
            ceil_mode=config.ceil_mode,
            count_include_pad=config.count_include_pad,
            divisor_override=config.divisor_override,
        )
    result: np.ndarray = np.asarray(out)[0, 0]
    return result


def grid_values(config: Config, grid: tuple[GridAxis, ...], x: np.ndarray) -> list[Any]:
    """Values on the drawn grid: inputs where they sit, 0 at padding and inserted zeros.

    Max pooling pads with minus infinity, not zeros: its padding cells hold ``None``.
    """
    filler: float | None = None if config.op == "max_pool" else 0
    shape = tuple(axis.size for axis in grid)
    values = np.empty(shape, dtype=object)
    for g in itertools.product(*(range(n) for n in shape)):
        read = tuple(grid[axis].inputs[pos] for axis, pos in enumerate(g))
        values[g] = filler if any(v is None for v in read) else int(x[read])
    result: list[Any] = values.tolist()
    return result


def _draw_nonzero(
    rng: np.random.Generator, bounds: tuple[int, int], shape: tuple[int, ...]
) -> np.ndarray:
    """Integers in ``bounds``; drawn again while all are zero (a figure of zeros shows nothing)."""
    while True:
        values: np.ndarray = rng.integers(bounds[0], bounds[1] + 1, size=shape)
        if values.any():
            return values


def scene_values(config: Config, grid: tuple[GridAxis, ...], seed: int) -> Values:
    """Seeded integer inputs and weights, and the operation's output, for a scene."""
    from convarith.scene.model import Values

    # One generator for both, so that inputs and weights are not the same draws.
    rng = np.random.default_rng(seed)
    x = _draw_nonzero(rng, INPUT_RANGE, config.input_shape)
    w = None if config.pooling else _draw_nonzero(rng, WEIGHT_RANGE, config.kernel_size)
    out = compute_output(config, x, w)
    return Values(
        input=x.tolist(),
        weights=None if w is None else w.tolist(),
        output=out.tolist(),
        grid=grid_values(config, grid, x),
    )
