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
from dataclasses import dataclass
from typing import Any

import numpy as np

from convarith.core.errors import ConvArithError
from convarith.scene.build import scene
from convarith.scene.model import Scene

__all__ = ["ScatterFrame", "ScatterScene", "scatter_scene"]


@dataclass(frozen=True)
class ScatterFrame:
    """One input cell's contribution.

    ``input``: the input cell; ``value``: its value; ``taps``: per kernel
    position ``(kernel index, position in the full result, product)``;
    ``running``: the full result after adding this block (nested lists).
    """

    input: tuple[int, ...]
    value: float
    taps: tuple[tuple[tuple[int, ...], tuple[int, ...], float], ...]
    running: Any


@dataclass(frozen=True)
class ScatterScene:
    """A transposed convolution as a sequence of scattered, added blocks.

    ``full_shape``: the uncropped result; ``crop``: per axis, the
    ``(start, stop)`` of the kept part (the output).  ``gather`` is the
    matching numerical gather scene (same values), for side-by-side views.
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


def scatter_scene(input_shape: Any, *, seed: int | None = None, **params: Any) -> ScatterScene:
    """The scatter view of a transposed convolution, with seeded integer values.

    Parameters
    ----------
    input_shape : tuple of int
        The transposed convolution's spatial input shape.
    seed : int, optional
        Seed of the values (as for :func:`convarith.scene`).
    **params
        The transposed convolution's parameters.

    Examples
    --------
    >>> sc = scatter_scene((2,), kernel_size=3, stride=2, padding=1, seed=0)
    >>> sc.full_shape, sc.crop, len(sc.frames)
    ((5,), ((1, 4),), 2)
    >>> sc.output == sc.gather.values.output
    True
    """
    gather = scene("conv_transpose", input_shape, numerical=True, seed=seed, **params)
    config = gather.config
    assert gather.values is not None
    x = np.asarray(gather.values.input, dtype=float)
    w = np.asarray(gather.values.weights, dtype=float)
    full_shape = tuple(
        (i - 1) * a.stride + a.dilation * (a.kernel - 1) + 1 + a.output_padding
        for i, a in zip(config.input_shape, config.axes)
    )
    crop = tuple((a.pad_lo, n - a.pad_hi) for n, a in zip(full_shape, config.axes))
    if any(lo >= hi for lo, hi in crop):
        raise ConvArithError("padding crops the whole result")  # configure refuses this first
    running = np.zeros(full_shape)
    frames = []
    for q in itertools.product(*(range(i) for i in config.input_shape)):
        taps = []
        for t in itertools.product(*(range(k) for k in config.kernel_size)):
            pos = tuple(qa * a.stride + ta * a.dilation for qa, ta, a in zip(q, t, config.axes))
            product = float(x[q] * w[t])
            running[pos] += product
            taps.append((t, pos, product))
        frames.append(ScatterFrame(q, float(x[q]), tuple(taps), running.tolist()))
    return ScatterScene(gather, full_shape, crop, tuple(frames))
