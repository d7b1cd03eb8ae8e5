"""What each frame of an animation shows, as data: grids, windows, taps, values.

A :class:`Scene` has one :class:`Frame` per output cell, row-major from the
top-left output cell.  Each frame lists every position of the window (a
:class:`Tap`): which weight it multiplies (``kernel``, indexed as PyTorch
stores the weight tensor; for a transposed convolution drawn as its
equivalent direct convolution that is the flipped index) and which input cell
it reads (``input``, or ``None`` for padding and inserted zeros).

The scene also describes the grid the window slides over (:class:`GridAxis`,
per axis): for a convolution or pooling, the zero-padded input; for a
transposed convolution, the equivalent direct convolution's input, stretched
with zeros between cells and padded (or cropped).  Nothing here draws.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

from convarith.analysis import equivalent_axis
from convarith.arithmetic import Config, configure
from convarith.errors import ConvArithError

__all__ = ["CELL_KINDS", "Frame", "GridAxis", "Scene", "Tap", "Values", "scene"]

#: What a cell of the drawn grid holds: an input value, zero padding, a zero
#: inserted between input cells (transposed convolution), or a position past the
#: padded input that only a ceil-mode pooling window reaches.
CELL_KINDS = ("input", "padding", "inserted", "outside")


@dataclass(frozen=True, slots=True)
class GridAxis:
    """One axis of the grid the window slides over.

    ``inputs[g]`` is the input index shown at grid position ``g``, or ``None``;
    ``kinds[g]`` says what the position holds (one of :data:`CELL_KINDS`).
    """

    inputs: tuple[int | None, ...]
    kinds: tuple[str, ...]

    @property
    def size(self) -> int:
        """Number of grid positions along this axis."""
        return len(self.inputs)


@dataclass(frozen=True, slots=True)
class Tap:
    """One position of the window in one frame.

    ``kernel``: index into the weight's spatial dimensions (for pooling, the
    window position).  ``input``: the input cell read, or ``None`` where the
    tap reads padding or an inserted zero.  ``grid``: the tap's position in the
    drawn grid.
    """

    kernel: tuple[int, ...]
    input: tuple[int, ...] | None
    grid: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Frame:
    """One output cell and the window that computes it."""

    output: tuple[int, ...]
    taps: tuple[Tap, ...]
    window: tuple[tuple[int, int], ...]

    @property
    def window_start(self) -> tuple[int, ...]:
        """Grid position of the window's first corner."""
        return tuple(lo for lo, _ in self.window)


@dataclass(frozen=True)
class Values:
    """The numbers of a numerical scene (nested lists, row-major).

    ``input``: the operation's input; ``weights``: the kernel (absent for
    pooling); ``output``: the operation's output; ``grid``: the values on the
    drawn grid (zeros at padding and inserted zeros).
    """

    input: Any
    weights: Any
    output: Any
    grid: Any


@dataclass(frozen=True)
class Scene:
    """An operation's animation as data; see :func:`scene`."""

    config: Config
    grid: tuple[GridAxis, ...]
    frames: tuple[Frame, ...]
    values: Values | None = None
    seed: int | None = None

    @property
    def op(self) -> str:
        """The operation (``conv``, ``conv_transpose``, ``max_pool``, ``avg_pool``)."""
        return self.config.op

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Spatial input shape."""
        return self.config.input_shape

    @property
    def output_shape(self) -> tuple[int, ...]:
        """Spatial output shape."""
        return self.config.output_shape

    @property
    def grid_shape(self) -> tuple[int, ...]:
        """Shape of the drawn grid (padded input, or stretched and padded for transposed)."""
        return tuple(axis.size for axis in self.grid)

    def to_dict(self) -> dict[str, Any]:
        """The scene as a JSON-ready dict (the contract for outside tools).

        Keys: ``op``, ``input_shape``, ``output_shape``, ``params``, ``grid``
        (per axis, the input index or ``null`` and the kind of each grid
        position), ``frames`` (``output`` and ``taps``, each tap with
        ``kernel``, ``input`` or ``null``, and ``grid``), and ``values`` for a
        numerical scene.
        """
        c = self.config
        result: dict[str, Any] = {
            "op": c.op,
            "input_shape": list(c.input_shape),
            "output_shape": list(c.output_shape),
            "params": c.json_params(),
            "grid": [{"input": list(a.inputs), "kind": list(a.kinds)} for a in self.grid],
            "frames": [
                {
                    "output": list(f.output),
                    "taps": [
                        {
                            "kernel": list(t.kernel),
                            "input": None if t.input is None else list(t.input),
                            "grid": list(t.grid),
                        }
                        for t in f.taps
                    ],
                }
                for f in self.frames
            ],
        }
        if self.values is not None:
            result["values"] = {
                "input": self.values.input,
                "weights": self.values.weights,
                # A max-pooling window over padding alone gives -inf, which JSON cannot hold.
                "output": _finite_or_none(self.values.output),
                "grid": self.values.grid,
            }
            result["seed"] = self.seed
        return result


def _finite_or_none(values: Any) -> Any:
    """Nested lists with every infinite or NaN number replaced by ``None`` (JSON's null)."""
    if isinstance(values, list):
        return [_finite_or_none(v) for v in values]
    if isinstance(values, float) and not math.isfinite(values):
        return None
    return values


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
        from convarith.scene_values import scene_values

        seed = 0 if seed is None else seed
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ConvArithError(f"seed={seed!r} must be a non-negative int")
        values = scene_values(config, grid, seed)
    return Scene(
        config=config, grid=grid, frames=frames, values=values, seed=seed if numerical else None
    )
