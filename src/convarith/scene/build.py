"""Build the scene of one operation: the grid the window slides over, and one frame per output cell.

For a convolution or pooling the grid is the zero-padded input; for a
transposed convolution, the equivalent direct convolution's input, stretched
with zeros between cells and padded (or cropped).  See :mod:`convarith.scene.model`
for what a scene holds.
"""

from __future__ import annotations

import itertools
from typing import Any

from convarith.core.arithmetic import Config, configure
from convarith.core.equivalent import equivalent_axis
from convarith.core.errors import ConvArithError
from convarith.scene.model import Frame, GridAxis, Scene, Tap

__all__ = ["build_frames", "scene"]


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
    per_axis = [
        [_axis_taps(config, axis, r) for r in range(config.output_shape[axis])]
        for axis in range(config.ndim)
    ]
    frames = []
    for out in itertools.product(*(range(o) for o in config.output_shape)):
        axis_taps = [per_axis[axis][r][0] for axis, r in enumerate(out)]
        window = tuple(per_axis[axis][r][1] for axis, r in enumerate(out))
        taps = []
        for combo in itertools.product(*axis_taps):
            g = tuple(pos for _, pos in combo)
            read = tuple(grid[axis].inputs[pos] for axis, pos in enumerate(g))
            taps.append(
                Tap(
                    kernel=tuple(k for k, _ in combo),
                    input=None if any(v is None for v in read) else tuple(read),  # type: ignore[arg-type]
                    grid=g,
                )
            )
        frames.append(Frame(output=out, taps=tuple(taps), window=window))
    return tuple(frames)


def scene(
    op: str,
    input_shape: Any,
    *,
    numerical: bool = False,
    seed: int | None = None,
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

    Returns
    -------
    Scene
        ``scene.to_dict()`` is JSON-ready.

    Examples
    --------
    >>> s = scene("conv", (4, 4), kernel_size=3)
    >>> len(s.frames), s.frames[0].output, s.frames[0].taps[0]
    (4, (0, 0), Tap(kernel=(0, 0), input=(0, 0), grid=(0, 0)))
    >>> t = scene("conv_transpose", (2,), kernel_size=3, stride=2)
    >>> [(tap.kernel, tap.input) for tap in t.frames[0].taps]
    [((2,), None), ((1,), None), ((0,), (0,))]
    """
    config = configure(op, input_shape, **params)
    build = _transposed_axis if config.transposed else _direct_axis
    grid = tuple(build(config, axis) for axis in range(config.ndim))
    frames = build_frames(config, grid)
    values = None
    if numerical:
        from convarith.scene.values import scene_values

        seed = 0 if seed is None else seed
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ConvArithError(f"seed={seed!r} must be a non-negative int")
        values = scene_values(config, grid, seed)
    return Scene(
        config=config, grid=grid, frames=frames, values=values, seed=seed if numerical else None
    )
