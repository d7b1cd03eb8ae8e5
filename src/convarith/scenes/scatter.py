"""The scatter view of a transposed convolution, as data.

A transposed convolution can be computed the other way round from the
gather view: each input cell ``q`` multiplies the whole kernel and adds the
product into the output at positions ``q*s + t*d`` of the *full* result
(size ``(i-1)*s + d*(k-1) + 1 + output_padding`` per axis); ``padding`` then
cuts ``p_lo`` cells from the start and ``p_hi`` from the end.  A
:class:`ScatterScene` has one frame per input cell, row-major, with the
block that cell adds and the running sums after adding it; the last frame's
sums, cropped, are the transposed convolution's output.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from convarith.core.arithmetic import Config, configure
from convarith.core.errors import ConvArithError
from convarith.core.text import shape_text
from convarith.scenes.build import Cost, check_cost, check_seed, grid_shape, scene_of
from convarith.scenes.model import Scene

__all__ = ["ScatterFrame", "ScatterScene", "full_shape", "scatter_cost", "scatter_scene"]


class _Sums:
    """The running sums of a scatter scene, worked out when a frame asks for them.

    Keeping every frame's sums would cost frames times cells; one array is
    kept and carried forward, so that asking for the frames in order (as a
    drawing does) adds each block once.
    """

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape
        self.frames: tuple[ScatterFrame, ...] = ()
        self.done = -1
        self.sums = np.zeros(shape)
        self.listed: tuple[int, Any] | None = None

    def after(self, index: int) -> Any:
        """The full result after adding frames ``0..index`` (nested lists)."""
        if self.listed is not None and self.listed[0] == index:
            return self.listed[1]
        if index < self.done:
            self.sums = np.zeros(self.shape)
            self.done = -1
        for frame in self.frames[self.done + 1 : index + 1]:
            for _, pos, product in frame.taps:
                self.sums[pos] += product
        self.done = index
        self.listed = (index, self.sums.tolist())
        return self.listed[1]


@dataclass(frozen=True)
class ScatterFrame:
    """One input cell's contribution.

    ``input``: the input cell; ``value``: its value; ``taps``: per kernel
    position ``(kernel index, position in the full result, product)``;
    ``running``: the full result after adding this block (nested lists,
    worked out when asked for).
    """

    input: tuple[int, ...]
    value: float
    taps: tuple[tuple[tuple[int, ...], tuple[int, ...], float], ...]
    _sums: _Sums = field(repr=False, compare=False)
    _index: int = field(repr=False, compare=False)

    @property
    def running(self) -> Any:
        """The full result after adding this block and every one before it (nested lists)."""
        return self._sums.after(self._index)


@dataclass(frozen=True)
class ScatterScene:
    """A transposed convolution as a sequence of scattered, added blocks.

    ``full_shape``: the uncropped result; ``crop``: per axis, the
    ``(start, stop)`` of the kept part (the output).  ``gather`` is the
    matching numerical gather scene (same values), for side-by-side views;
    its frames are left out when the scene was built without them.
    """

    gather: Scene
    full_shape: tuple[int, ...]
    crop: tuple[tuple[int, int], ...]
    frames: tuple[ScatterFrame, ...]

    @property
    def config(self) -> Any:
        """The transposed convolution's configuration."""
        return self.gather.config

    @property
    def output(self) -> Any:
        """The cropped final sums (equal to PyTorch's ``conv_transpose``)."""
        full = np.asarray(self.frames[-1].running, dtype=float)
        return full[tuple(slice(lo, hi) for lo, hi in self.crop)].tolist()


def full_shape(config: Config) -> tuple[int, ...]:
    """The uncropped result of a transposed convolution: ``(i-1)s + d(k-1) + 1 + output_padding``."""
    return tuple(
        (i - 1) * a.stride + a.dilation * (a.kernel - 1) + 1 + a.output_padding
        for i, a in zip(config.input_shape, config.axes)
    )


def scatter_cost(config: Config, gather_frames: bool = True) -> Cost:
    """What a scatter scene holds, from the arithmetic: frames, grid cells, cells shown.

    One frame per input cell (and, with ``gather_frames``, the gather view's
    frame per output cell beside them, and a last frame); the grids are the
    gather view's stretched input and the full result; each frame shows its
    block and the running sums over the full result.
    """
    inputs, outputs = math.prod(config.input_shape), math.prod(config.output_shape)
    full = full_shape(config)
    cells_shown = inputs * (math.prod(config.kernel_size) + math.prod(full))
    frames = inputs
    frames_are = f"one per input cell of {shape_text(config.input_shape)}"
    if gather_frames:
        frames = max(inputs, outputs) + 1
        frames_are = (
            f"one per output cell of {shape_text(config.output_shape)} beside one per "
            f"input cell of {shape_text(config.input_shape)}, and a last one"
        )
        cells_shown += outputs * math.prod(config.kernel_size)
    grid = grid_shape(config)
    return Cost(
        frames=frames,
        grid_cells=math.prod(grid) + math.prod(full),
        taps=cells_shown,
        frames_are=frames_are,
        grid=f"the stretched input {shape_text(grid)} and the full result {shape_text(full)}",
    )


def scatter_scene(
    input_shape: Any, *, seed: int | None = None, gather_frames: bool = True, **params: Any
) -> ScatterScene:
    """The scatter view of a transposed convolution, with seeded integer values.

    Parameters
    ----------
    input_shape : tuple of int
        The transposed convolution's spatial input shape.
    seed : int, optional
        Seed of the values (as for :func:`convarith.scene`).
    gather_frames : bool
        Build the gather scene's frames too (the compare view shows them; the
        scatter view needs only its values).
    **params
        The transposed convolution's parameters.

    Raises
    ------
    ConvArithError
        For a configuration PyTorch refuses, or one beyond the limits of
        :mod:`convarith.core.limits`, checked before anything is built.

    Examples
    --------
    >>> sc = scatter_scene((2,), kernel_size=3, stride=2, padding=1, seed=0)
    >>> sc.full_shape, sc.crop, len(sc.frames)
    ((5,), ((1, 4),), 2)
    >>> sc.output == sc.gather.values.output
    True
    """
    check_seed(seed)
    config = configure("conv_transpose", input_shape, **params)
    check_cost(config, lambda c: scatter_cost(c, gather_frames), "a scatter animation")
    gather = scene_of(config, numerical=True, seed=seed, frames=gather_frames)
    assert gather.values is not None
    x = np.asarray(gather.values.input, dtype=float)
    w = np.asarray(gather.values.weights, dtype=float)
    full = full_shape(config)
    crop = tuple((a.pad_lo, n - a.pad_hi) for n, a in zip(full, config.axes))
    if any(lo >= hi for lo, hi in crop):
        raise ConvArithError("padding crops the whole result")  # configure refuses this first
    sums = _Sums(full)
    frames = []
    kernel_cells = list(itertools.product(*(range(k) for k in config.kernel_size)))
    for index, q in enumerate(itertools.product(*(range(i) for i in config.input_shape))):
        value = float(x[q])
        taps = tuple(
            (
                t,
                tuple(qa * a.stride + ta * a.dilation for qa, ta, a in zip(q, t, config.axes)),
                float(value * w[t]),
            )
            for t in kernel_cells
        )
        frames.append(ScatterFrame(q, value, taps, sums, index))
    sums.frames = tuple(frames)
    return ScatterScene(gather, full, crop, sums.frames)
