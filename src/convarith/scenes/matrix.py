"""The matrix view, as data: a convolution is ``y = C x``; its transposed convolution is ``x' = Cᵀ y'``.

``C`` has one row per output cell and one column per input cell (both
flattened row by row); row ``u`` holds the kernel's weights at the input
cells that output ``u`` reads, zeros elsewhere.  The transposed convolution
with the same weights multiplies by ``Cᵀ``, where ``C`` is the matrix of the
direct convolution whose input has the transposed convolution's output size:
that is the gradient of that convolution, and the reason for the name.

A convolution's matrix scene has one frame per output cell (a row of ``C``);
a transposed convolution's has one frame per input cell (a column of ``Cᵀ``:
that cell's value spread over the outputs, the scatter view in matrix form).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from convarith.core.arithmetic import Config, configure
from convarith.core.errors import ConvArithError
from convarith.core.limits import MAX_FRAMES, MAX_MATRIX_SIDE, largest_fitting, largest_text
from convarith.core.text import shape_text
from convarith.scenes.build import Cost, check_cost, check_seed, scene_cost, scene_of
from convarith.scenes.model import Scene

__all__ = ["MatrixScene", "matrix_cost", "matrix_scene"]


@dataclass(frozen=True)
class MatrixScene:
    """The matrix of a convolution (or its transpose) and the frames that walk through it.

    ``matrix``: what the figure shows, ``C`` for a convolution and ``Cᵀ`` for a
    transposed convolution (rows: output cells, columns: input cells);
    ``kernel_ids``: same shape, the kernel position (row-major index) of each
    non-zero entry, -1 elsewhere; ``frames``: per frame, the highlighted
    row (convolution) or column (transposed) index.
    """

    gather: Scene
    matrix: Any
    kernel_ids: Any
    frames: tuple[int, ...]
    numerical: bool = False

    @property
    def config(self) -> Config:
        """The configuration drawn."""
        return self.gather.config

    @property
    def transposed(self) -> bool:
        """Whether the figure shows ``Cᵀ`` (a transposed convolution)."""
        return self.gather.config.transposed


def matrix_cost(config: Config) -> Cost:
    """The classic scene's cost, and a matrix beyond :data:`MAX_MATRIX_SIDE` rows or columns.

    Such a matrix counts as too many frames: the matrix view has one frame per
    row or column.
    """
    cost = scene_cost(config)
    rows, cols = math.prod(config.output_shape), math.prod(config.input_shape)
    if max(rows, cols) <= MAX_MATRIX_SIDE:
        return cost
    return Cost(MAX_FRAMES + 1, cost.grid_cells, cost.taps, "", cost.grid)


def _check_side(config: Config) -> None:
    """Refuse a matrix with more than :data:`MAX_MATRIX_SIDE` rows or columns, naming the largest input."""
    rows, cols = math.prod(config.output_shape), math.prod(config.input_shape)
    if max(rows, cols) <= MAX_MATRIX_SIDE:
        return
    ndim = config.ndim

    def fits(n: int) -> bool | None:
        try:
            resized = config.resized((n,) * ndim)
        except ConvArithError:
            return None
        return matrix_cost(resized).fits()

    smallest, largest = largest_fitting(fits, max(config.input_shape))
    raise ConvArithError(
        f"the matrix for input {shape_text(config.input_shape)} is {rows}x{cols}: too large "
        f"to draw legibly (at most {MAX_MATRIX_SIDE} rows and columns): "
        f"{largest_text(ndim, largest, shape_text((smallest,) * ndim))}"
    )


def _leading_rows(matrix: Any, direct_shape: tuple[int, ...], config: Config) -> Any:
    """The rows of ``C`` for the first ``input_shape`` outputs along every axis."""
    from convarith.core.arithmetic import conv_output_size

    outputs = tuple(
        conv_output_size(n, a.kernel, a.stride, a.pad_lo, a.pad_hi, a.dilation)
        for n, a in zip(direct_shape, config.axes)
    )
    keep = tuple(slice(0, i) for i in config.input_shape)
    return matrix.reshape(*outputs, -1)[keep].reshape(int(np.prod(config.input_shape)), -1)


def _direct(config: Config) -> tuple[tuple[int, ...], dict[str, Any]]:
    """Input shape and parameters of the convolution whose matrix the figure uses."""
    shape = config.output_shape if config.transposed else config.input_shape
    return shape, {"stride": config.stride, "padding": config.padding, "dilation": config.dilation}


def matrix_scene(
    op: str, input_shape: Any, *, numerical: bool = False, seed: int | None = None, **params: Any
) -> MatrixScene:
    """The matrix view of a convolution or a transposed convolution.

    Parameters
    ----------
    op : {"conv", "conv_transpose"}
        Pooling is not a matrix product (max) or not one with these weights (average).
    input_shape, **params
        As for :func:`convarith.output_shape`, 1-D or 2-D.
    numerical : bool
        Show values (inputs, weights, outputs) instead of weight names.
    seed : int, optional
        Seed of the values.

    Raises
    ------
    ConvArithError
        For pooling, or a matrix with more than :data:`MAX_MATRIX_SIDE` rows or columns.

    Examples
    --------
    >>> m = matrix_scene("conv", (4, 4), kernel_size=3)
    >>> m.matrix.shape, m.frames
    ((4, 16), (0, 1, 2, 3))
    >>> matrix_scene("conv_transpose", (2, 2), kernel_size=3).matrix.shape
    (16, 4)
    """
    check_seed(seed)
    config = configure(op, input_shape, **params)
    if config.pooling:
        raise ConvArithError(
            f"op={config.op!r}: the matrix view draws conv and conv_transpose (pooling is no matrix product)"
        )
    _check_side(config)
    check_cost(config, matrix_cost, "the matrix view")
    gather = scene_of(config, numerical=True, seed=seed)
    from convarith.numeric import conv_matrix

    assert gather.values is not None
    weights = np.asarray(gather.values.weights, dtype=float)
    direct_shape, direct_params = _direct(config)
    ids = np.arange(1, weights.size + 1, dtype=float).reshape(weights.shape)
    c_values = np.asarray(
        conv_matrix(direct_shape, weights[None, None], sparse=False, **direct_params)
    )
    c_ids = np.asarray(conv_matrix(direct_shape, ids[None, None], sparse=False, **direct_params))
    if config.transposed:
        # The direct convolution can have more outputs than the transposed one has inputs
        # (output_padding >= stride): along each axis only the first ones pair up.
        c_values, c_ids = (_leading_rows(c, direct_shape, config).T for c in (c_values, c_ids))
    return MatrixScene(
        gather=gather,
        matrix=c_values,
        kernel_ids=(c_ids - 1).astype(int),
        frames=tuple(range(c_values.shape[1] if config.transposed else c_values.shape[0])),
        numerical=numerical,
    )
