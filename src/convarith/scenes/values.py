"""The numbers of a numerical scene: seeded inputs and weights, and the output.

As in the original's numerical figures, inputs are integers 0..3 and weights
integers 0..2, drawn from a seeded generator; the output is computed by the
reference implementations in :mod:`convarith.numeric` (which the tests check
against PyTorch).  Draws that would teach little (a row of zeros, a kernel
of mostly zeros, a max-pooling output of one value) are drawn again.

>>> from convarith.scenes.build import scene
>>> v = scene("max_pool", (5, 5), numerical=True, kernel_size=3, stride=1).values
>>> len({value for row in v.output for value in row}) > 1
True
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import numpy as np

from convarith import numeric

if TYPE_CHECKING:
    from convarith.core.arithmetic import Config
    from convarith.scenes.model import GridAxis, Values
__all__ = ["INPUT_RANGE", "WEIGHT_RANGE", "compute_output", "given_values", "scene_values"]

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


#: Draws tried before the least dull one is kept (deterministic: one seeded generator).
_ATTEMPTS = 64
#: A dullness this small (a max pooling of only two values) stops the search after a quarter.
_MINOR = 1


def _zero_lines(values: np.ndarray) -> int:
    """How many lines along any axis (rows, columns) hold only zeros."""
    if values.size == 0:
        return 0
    return sum(int(np.count_nonzero(~values.any(axis=axis))) for axis in range(values.ndim))


def _dullness(
    config: Config,
    x: np.ndarray,
    w: np.ndarray | None,
    out: np.ndarray,
    structural: np.ndarray | None,
) -> int:
    """How much a draw fails to teach: zero lines, a mostly-zero kernel, a flat max-pool output."""
    score = 10 * _zero_lines(x)
    if 2 * (x.size - np.count_nonzero(x)) > x.size:  # mostly zeros
        score += 10
    if w is not None:
        score += 10 * _zero_lines(w)
        if 3 * (w.size - np.count_nonzero(w)) > w.size:  # more than a third zeros
            score += 10
    if structural is not None:
        # Lines of the output that are zero although the operation could fill them.
        for axis in range(out.ndim):
            dead = ~out.any(axis=axis) & structural.any(axis=axis)
            score += int(np.count_nonzero(dead))
    if config.op == "max_pool" and out.size > 1:
        if np.all(out == out.flat[0]):
            score += 10
        elif len(np.unique(out)) < min(3, out.size):  # two values: better than one
            score += 1
    return score


def _without_zero_lines(values: np.ndarray, rng: np.random.Generator, high: int) -> np.ndarray:
    """``values`` with a value from 1 to ``high`` put in the first cell of each line of zeros."""
    values = values.copy()
    while _zero_lines(values):
        for axis in range(values.ndim):
            dead = np.argwhere(~values.any(axis=axis))
            if len(dead):
                index = list(dead[0])
                index.insert(axis, 0)
                values[tuple(index)] = rng.integers(1, high + 1)
                break
    return values


def _mostly_non_zero(
    values: np.ndarray, rng: np.random.Generator, share: int, high: int
) -> np.ndarray:
    """``values`` with its first zeros made 1 to ``high`` until at most ``1/share`` of it is zero."""
    values = values.copy()
    zeros = [tuple(i) for i in np.argwhere(values == 0)]
    while zeros and share * len(zeros) > values.size:
        values[zeros.pop(0)] = rng.integers(1, high + 1)
    return values


def _distinguishing_cell(
    config: Config, grid: tuple[GridAxis, ...]
) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]] | None:
    """An input cell that one pooling window reads and another does not, and those two outputs.

    ``None`` when every window reads the same input cells (every output is
    then the same maximum, whatever the input).
    """
    reads: list[list[set[int]]] = []
    for axis, a in enumerate(config.axes):
        inputs = grid[axis].inputs
        reads.append(
            [
                {
                    n
                    for t in range(a.kernel)
                    if (n := inputs[r * a.stride + t * a.dilation]) is not None
                }
                for r in range(config.output_shape[axis])
            ]
        )
    # Along the other axes: the first output whose window reads some input.
    first = []
    for sets in reads:
        found = next((r for r, s in enumerate(sets) if s), None)
        if found is None:
            return None
        first.append(found)
    for axis, sets in enumerate(reads):
        for r, here in enumerate(sets):
            for other, there in enumerate(sets):
                extra = sorted(here - there)
                if extra:
                    cell = [min(reads[ax][first[ax]]) for ax in range(len(reads))]
                    cell[axis] = extra[0]
                    out, out2 = list(first), list(first)
                    out[axis], out2[axis] = r, other
                    return tuple(cell), tuple(out), tuple(out2)
    return None


def scene_values(config: Config, grid: tuple[GridAxis, ...], seed: int) -> Values:
    """Seeded integer inputs and weights, and the operation's output, for a scene.

    The numbers are chosen to teach: among draws from one generator seeded
    with ``seed``, the first with no input or kernel line of zeros, an input
    at most half zeros and a kernel at most a third, no output line left at zero that the operation
    could fill, and a max-pooling output that is not one value everywhere.
    If no draw has them all, the least dull one is mended: a non-zero value
    in each line of zeros, zeros made non-zero, one window given a
    unique maximum (when some window reads a cell another does not).
    """
    from convarith.scenes.model import Values

    # One generator for both, so that inputs and weights are not the same draws.
    rng = np.random.default_rng(seed)
    structural = None
    if config.op in ("conv", "conv_transpose"):
        ones = np.ones(config.kernel_size, dtype=np.int64)
        structural = compute_output(config, np.ones(config.input_shape, dtype=np.int64), ones) != 0
    best: tuple[int, np.ndarray, np.ndarray | None] | None = None
    for attempt in range(_ATTEMPTS):
        x = rng.integers(INPUT_RANGE[0], INPUT_RANGE[1] + 1, size=config.input_shape)
        w = (
            None
            if config.pooling
            else rng.integers(WEIGHT_RANGE[0], WEIGHT_RANGE[1] + 1, size=config.kernel_size)
        )
        score = _dullness(config, x, w, compute_output(config, x, w), structural)
        if best is None or score < best[0]:
            best = (score, x, w)
        if score == 0 or (best[0] <= _MINOR and attempt >= _ATTEMPTS // 4):
            break
    assert best is not None
    _, x, w = best
    # What no draw gave is made so: a non-zero value in each line of zeros, fewer zero weights.
    x = _without_zero_lines(_mostly_non_zero(x, rng, 2, INPUT_RANGE[1]), rng, INPUT_RANGE[1])
    if w is not None:
        w = _mostly_non_zero(w, rng, 3, WEIGHT_RANGE[1])
        w = _without_zero_lines(w, rng, WEIGHT_RANGE[1])
    out = compute_output(config, x, w)
    if config.op == "max_pool" and out.size > 1 and np.all(out == out.flat[0]):
        found = _distinguishing_cell(config, grid)
        if found is not None:
            x = np.minimum(x, INPUT_RANGE[1] - 1)
            x[found[0]] = INPUT_RANGE[1]
            out = compute_output(config, x, w)
    return Values(
        input=x.tolist(),
        weights=None if w is None else w.tolist(),
        output=out.tolist(),
        grid=grid_values(config, grid, x),
    )


def given_values(
    config: Config, grid: tuple[GridAxis, ...], input_values: object, weights: object
) -> Values:
    """The scene's numbers from values the caller chose: the input, and the kernel's weights.

    The output is computed as for seeded values.  A convolution needs both;
    pooling takes the input only.

    Examples
    --------
    >>> from convarith.core.arithmetic import configure
    >>> from convarith.scenes.build import grid_of
    >>> c = configure("conv", (3,), kernel_size=2)
    >>> given_values(c, grid_of(c), [1, 2, 3], [1, 10]).output
    [21.0, 32.0]
    """
    from convarith.core.errors import ConvArithError
    from convarith.core.text import brief
    from convarith.scenes.model import Values

    def array(name: str, value: object, shape: tuple[int, ...]) -> np.ndarray:
        try:
            result = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise ConvArithError(f"{name}={brief(value)} must be numbers") from None
        if result.shape != shape:
            raise ConvArithError(
                f"{name}={brief(value)} has shape {result.shape}; it must have shape {shape}"
            )
        if not np.all(np.isfinite(result)):
            raise ConvArithError(f"{name}={brief(value)} must be finite numbers")
        return result

    x = array("input_values", input_values, config.input_shape)
    w: np.ndarray | None = None
    if config.pooling:
        if weights is not None:
            raise ConvArithError(f"weights= does not apply to {config.op}: pooling has no weights")
    else:
        if weights is None:
            raise ConvArithError("weights= must be given with input_values= for a convolution")
        w = array("weights", weights, config.kernel_size)
    # Whole numbers stay ints, as the seeded values are.
    if np.all(x == np.round(x)):
        x = x.astype(np.int64)
    if w is not None and np.all(w == np.round(w)):
        w = w.astype(np.int64)
    return Values(
        input=x.tolist(),
        weights=None if w is None else w.tolist(),
        output=compute_output(config, x, w).tolist(),
        grid=grid_values(config, grid, x),
    )
