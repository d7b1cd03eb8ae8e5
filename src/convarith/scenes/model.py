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

import math
from dataclasses import dataclass
from typing import Any

from convarith.core.arithmetic import Config

__all__ = ["CELL_KINDS", "Frame", "GridAxis", "Scene", "Tap", "Values"]

#: What a cell of the drawn grid holds: an input value, zero padding, a zero
#: inserted between input cells (transposed convolution), or a position past the
#: padded input that only a ceil-mode pooling window reaches.
CELL_KINDS = ("input", "padding", "inserted", "outside")


@dataclass(frozen=True, slots=True)
class GridAxis:
    """One axis of the grid the window slides over.

    ``inputs[g]`` is the input index shown at grid position ``g``, or ``None``;
    ``kinds[g]`` says what the position holds (one of :data:`CELL_KINDS`).

    >>> axis = GridAxis((None, 0, 1, None), ("padding", "input", "input", "padding"))
    >>> axis.size, axis.inputs.index(1)
    (4, 2)
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
