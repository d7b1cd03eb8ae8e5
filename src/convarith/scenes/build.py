"""Build the scene of one operation: the grid the window slides over, and one frame per output cell.

For a convolution or pooling the grid is the zero-padded input; for a
transposed convolution, the equivalent direct convolution's input, stretched
with zeros between cells and padded (or cropped).  See :mod:`convarith.scenes.model`
for what a scene holds.
"""

from __future__ import annotations

import gc
import itertools
import math
import operator
from dataclasses import dataclass
from typing import Any

from convarith.core.arithmetic import Config, configure
from convarith.core.equivalent import equivalent_axis
from convarith.core.errors import ConvArithError
from convarith.core.limits import (
    MAX_FRAMES,
    MAX_GRID_CELLS,
    MAX_TAPS,
    largest_fitting,
    largest_text,
)
from convarith.core.params import is_bool
from convarith.core.text import brief, shape_text
from convarith.scenes.model import Frame, GridAxis, Scene, Tap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "Cost",
    "build_frames",
    "check_cost",
    "check_seed",
    "grid_of",
    "grid_shape",
    "scene",
    "scene_cost",
    "scene_of",
]


@dataclass(frozen=True)
class Cost:
    """What a scene (or a view of it) will hold, known from the arithmetic before it is built.

    ``frames``: frames of the animation; ``grid_cells``: cells of the grids
    drawn; ``taps``: window positions listed over all frames.  ``frames_are``
    and ``grid`` say what they are, for messages.
    """

    frames: int
    grid_cells: int
    taps: int
    frames_are: str
    grid: str

    def fits(self) -> bool:
        """Whether every amount is within its limit."""
        return (
            self.frames <= MAX_FRAMES
            and self.grid_cells <= MAX_GRID_CELLS
            and self.taps <= MAX_TAPS
        )


def grid_shape(config: Config) -> tuple[int, ...]:
    """Shape of the grid the window slides over, from the arithmetic alone (nothing is built)."""
    sizes = []
    for i, o, a in zip(config.input_shape, config.output_shape, config.axes):
        if config.transposed:
            sizes.append(equivalent_axis(i, a).padded_size)
        else:
            sizes.append(max(a.pad_lo + i + a.pad_hi, (o - 1) * a.stride + a.k_eff))
    return tuple(sizes)


def _combine(axis_taps: list[list[tuple[int, int, int | None]]]) -> tuple[Tap, ...]:
    """The taps of one frame from each axis's taps (row-major over the kernel)."""
    if len(axis_taps) == 1:
        return tuple(Tap((k,), None if i is None else (i,), (g,)) for k, g, i in axis_taps[0])
    if len(axis_taps) == 2:
        first, second = axis_taps
        return tuple(
            Tap((k0, k1), None if i0 is None or i1 is None else (i0, i1), (g0, g1))
            for k0, g0, i0 in first
            for k1, g1, i1 in second
        )
    taps = []
    for combo in itertools.product(*axis_taps):
        read = tuple(i for _, _, i in combo)
        taps.append(
            Tap(
                tuple(k for k, _, _ in combo),
                None if None in read else read,  # type: ignore[arg-type]
                tuple(g for _, g, _ in combo),
            )
        )
    return tuple(taps)


def scene_cost(config: Config) -> Cost:
    """The :class:`Cost` of the classic scene of ``config``: one frame per output cell."""
    frames = math.prod(config.output_shape)
    grid = grid_shape(config)
    what = "stretched and padded input" if config.transposed else "padded input"
    return Cost(
        frames=frames,
        grid_cells=math.prod(grid),
        taps=frames * math.prod(config.kernel_size),
        frames_are=f"one per output cell of {shape_text(config.output_shape)}",
        grid=f"the {what}, {shape_text(grid)}",
    )


def check_cost(
    config: Config, cost_of: Callable[[Config], Cost] = scene_cost, subject: str = "a scene"
) -> None:
    """Refuse, before anything is built, a scene beyond :data:`MAX_FRAMES`, grid cells or taps.

    The message names the limit and the largest square (cube) input that fits
    with the same parameters, found by bisection on the arithmetic alone.
    """
    cost = cost_of(config)
    if cost.fits():
        return
    ndim = config.ndim

    def fits(n: int) -> bool | None:
        try:
            resized = config.resized((n,) * ndim)
        except ConvArithError:
            return None
        return cost_of(resized).fits()

    smallest, largest = largest_fitting(fits, max(config.input_shape))
    tail = largest_text(ndim, largest, shape_text((smallest,) * ndim))
    given = f"input {shape_text(config.input_shape)}"
    if cost.frames > MAX_FRAMES:
        raise ConvArithError(
            f"{given} gives {cost.frames} frames ({cost.frames_are}); {subject} has at most "
            f"{MAX_FRAMES} frames: {tail}"
        )
    if cost.grid_cells > MAX_GRID_CELLS:
        raise ConvArithError(
            f"{given} gives {cost.grid_cells} grid cells to draw ({cost.grid}); {subject} draws "
            f"at most {MAX_GRID_CELLS} grid cells: {tail}"
        )
    raise ConvArithError(
        f"{given} gives {cost.taps} window positions ({cost.frames} frames of "
        f"{shape_text(config.kernel_size)} taps); {subject} lists at most {MAX_TAPS}: {tail}"
    )


def check_seed(seed: object) -> int:
    """The seed of a numerical scene: a non-negative int (numpy's too; None means 0)."""
    if seed is None:
        return 0
    if not is_bool(seed):
        try:
            value = operator.index(seed)  # type: ignore[arg-type]
        except TypeError:
            value = -1
        if value >= 0:
            return value
    raise ConvArithError(f"seed={brief(seed)} must be a non-negative int")


def _direct_axis(config: Config, axis: int) -> GridAxis:
    """Grid of a convolution or pooling axis: the padded input, extended for ceil-mode windows."""
    i, o = config.input_shape[axis], config.output_shape[axis]
    a = config.axes[axis]
    size = max(a.pad_lo + i + a.pad_hi, (o - 1) * a.stride + a.k_eff)
    inputs: list[int | None] = []
    kinds: list[str] = []
    for g in range(size):
        n = g - a.pad_lo
        if 0 <= n < i:
            inputs.append(n)
            kinds.append("input")
        else:
            inputs.append(None)
            kinds.append("padding" if g < a.pad_lo + i + a.pad_hi else "outside")
    return GridAxis(tuple(inputs), tuple(kinds))


def _transposed_axis(config: Config, axis: int) -> GridAxis:
    """Grid of a transposed axis: the equivalent direct convolution's stretched, padded input."""
    a = config.axes[axis]
    eq = equivalent_axis(config.input_shape[axis], a)
    inputs: list[int | None] = []
    kinds: list[str] = []
    for g in range(eq.padded_size):
        u = g - eq.pad_lo  # position in the stretched input
        if 0 <= u < eq.stretched_size:
            if u % a.stride == 0:
                inputs.append(u // a.stride)
                kinds.append("input")
            else:
                inputs.append(None)
                kinds.append("inserted")
        else:
            inputs.append(None)
            kinds.append("padding")
    return GridAxis(tuple(inputs), tuple(kinds))


def _axis_taps(config: Config, axis: int, r: int) -> tuple[list[tuple[int, int]], tuple[int, int]]:
    """``(kernel index, grid position)`` of each tap along ``axis`` for output ``r``, and the window span."""
    a = config.axes[axis]
    if config.transposed:
        start = r
        taps = [(a.kernel - 1 - t, start + t * a.dilation) for t in range(a.kernel)]
    else:
        start = r * a.stride
        taps = [(t, start + t * a.dilation) for t in range(a.kernel)]
    return taps, (start, start + a.k_eff)


def build_frames(config: Config, grid: tuple[GridAxis, ...]) -> tuple[Frame, ...]:
    """One frame per output cell, row-major, each with all its taps."""
    # Per axis and output index: the taps as (kernel index, grid position, input index or None).
    per_axis: list[list[tuple[list[tuple[int, int, int | None]], tuple[int, int]]]] = []
    for axis in range(config.ndim):
        inputs = grid[axis].inputs
        rows = []
        for r in range(config.output_shape[axis]):
            taps, span = _axis_taps(config, axis, r)
            rows.append(([(k, g, inputs[g]) for k, g in taps], span))
        per_axis.append(rows)
    frames = []
    # Millions of small records: the cyclic collector would scan them again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for out in itertools.product(*(range(o) for o in config.output_shape)):
            axis_taps = [per_axis[axis][r][0] for axis, r in enumerate(out)]
            window = tuple(per_axis[axis][r][1] for axis, r in enumerate(out))
            frames.append(Frame(out, _combine(axis_taps), window))
    finally:
        if collecting:
            gc.enable()
    return tuple(frames)


def grid_of(config: Config) -> tuple[GridAxis, ...]:
    """The grid of ``config``'s scene, per axis (its size checked first by :func:`check_cost`)."""
    build = _transposed_axis if config.transposed else _direct_axis
    return tuple(build(config, axis) for axis in range(config.ndim))


def scene_of(
    config: Config,
    *,
    numerical: bool = False,
    seed: object = None,
    frames: bool = True,
    input_values: object = None,
    weights: object = None,
) -> Scene:
    """The scene of an already checked configuration, its cost checked first.

    ``frames=False`` builds the grid and values only (a view that shows them
    without the gather frames).
    """
    given = input_values is not None or weights is not None
    if given and input_values is None:
        raise ConvArithError("weights= needs input_values= as well")
    numerical = numerical or given
    seed_value = check_seed(seed) if numerical and not given else None
    check_cost(config, scene_cost if frames else _grid_cost)
    grid = grid_of(config)
    values = None
    if given:
        from convarith.scenes.values import given_values

        values = given_values(config, grid, input_values, weights)
    elif numerical:
        from convarith.scenes.values import scene_values

        assert seed_value is not None
        values = scene_values(config, grid, seed_value)
    return Scene(
        config=config,
        grid=grid,
        frames=build_frames(config, grid) if frames else (),
        values=values,
        seed=seed_value,
    )


def _grid_cost(config: Config) -> Cost:
    full = scene_cost(config)
    return Cost(0, full.grid_cells, 0, "", full.grid)


def scene(
    op: str,
    input_shape: Any,
    *,
    numerical: bool = False,
    seed: int | None = None,
    input_values: Any = None,
    weights: Any = None,
    **params: Any,
) -> Scene:
    """The frames of an animation of ``op`` on ``input_shape``, as data.

    Parameters
    ----------
    op, input_shape, **params
        As for :func:`convarith.output_shape` (1-D, 2-D or 3-D).
    numerical : bool
        Add values: integer inputs 0..3 and weights 0..2 drawn from ``seed``
        (as the original's numerical figures), and the output PyTorch computes.
    seed : int, optional
        Seed of the values (default 0).
    input_values, weights : nested lists or arrays, optional
        Values of your own instead of seeded ones (a numerical scene): the
        input, shaped as ``input_shape``, and for a convolution the kernel,
        shaped as ``kernel_size``.

    Returns
    -------
    Scene
        ``scene.to_dict()`` is JSON-ready.

    Raises
    ------
    ConvArithError
        For a configuration PyTorch refuses, or a scene beyond the limits of
        :mod:`convarith.core.limits` (frames, grid cells, window positions),
        checked from the arithmetic before anything is built.

    Examples
    --------
    >>> s = scene("conv", (4, 4), kernel_size=3)
    >>> len(s.frames), s.frames[0].output, s.frames[0].taps[0]
    (4, (0, 0), Tap(kernel=(0, 0), input=(0, 0), grid=(0, 0)))
    >>> t = scene("conv_transpose", (2,), kernel_size=3, stride=2)
    >>> [(tap.kernel, tap.input) for tap in t.frames[0].taps]
    [((2,), None), ((1,), None), ((0,), (0,))]
    """
    if numerical and input_values is None:
        check_seed(seed)
    config = configure(op, input_shape, **params)
    return scene_of(
        config, numerical=numerical, seed=seed, input_values=input_values, weights=weights
    )
