"""The matrix view: a convolution is ``y = C x``, its transpose ``x' = C^T y'``.

Row ``(c_out, r)`` of ``C`` holds the kernel weights at the columns
``(c_in, r*s - p + t*d)`` its window reads; every other entry is zero, so
``C`` is very sparse.  The transposed convolution with the same weights
multiplies by ``C^T``, where ``C`` is the matrix of the direct convolution
whose input has the transposed convolution's output size: literally the
gradient of that convolution with respect to its input.
"""

from __future__ import annotations

from math import prod
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from convarith.core.arithmetic import Config, configure
from convarith.core.errors import ConvArithError
from convarith.numeric._inputs import (
    as_real_array,
    check_groups,
    check_weight,
    parse_groups,
    result_dtype,
)

if TYPE_CHECKING:
    from scipy.sparse import csr_array

__all__ = ["DENSE_LIMIT", "conv_matmul", "conv_matrix", "conv_transpose_matmul", "matrix_entries"]

#: Beyond this many entries ``conv_matrix(..., sparse=None)`` returns a sparse matrix.
DENSE_LIMIT = 4_000_000


def matrix_entries(
    input_shape: tuple[int, ...],
    output_shape: tuple[int, ...],
    weight: NDArray[Any],
    strides: tuple[int, ...],
    pads_lo: tuple[int, ...],
    dilations: tuple[int, ...],
    groups: int,
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[Any]]:
    """List the rows, columns and values of a convolution matrix's nonzero pattern.

    Entry ``(c_out*prod(o) + r, c_in*prod(i) + j)`` holds ``weight[c_out, c_in % (C_in/g), t]``
    for every tap ``t`` whose input ``j = r*s - p_lo + t*d`` lies in the input
    (multi-indices flattened row-major).  Taps are distinct input cells, so no
    entry repeats.

    >>> import numpy as np
    >>> rows, cols, vals = matrix_entries((3,), (2,), np.array([[[1.0, 2.0]]]), (1,), (0,), (1,), 1)
    >>> [(int(r), int(c), float(v)) for r, c, v in zip(rows, cols, vals)]
    [(0, 0, 1.0), (0, 1, 2.0), (1, 1, 1.0), (1, 2, 2.0)]
    """
    n = len(input_shape)
    c_out, per_group = weight.shape[:2]
    kernel = weight.shape[2:]
    # Every (output cell, tap) pair at once: n output-index grids, then n tap-index grids.
    grids = np.meshgrid(
        *(np.arange(o) for o in output_shape), *(np.arange(k) for k in kernel), indexing="ij"
    )
    cells, taps = grids[:n], grids[n:]
    reads = [
        r * s - p + t * d
        for r, t, s, p, d in zip(cells, taps, strides, pads_lo, dilations, strict=True)
    ]
    valid = np.logical_and.reduce(
        [(j >= 0) & (j < i) for j, i in zip(reads, input_shape, strict=True)]
    )
    out_flat = np.ravel_multi_index(tuple(r[valid] for r in cells), output_shape)
    in_flat = np.ravel_multi_index(tuple(j[valid] for j in reads), input_shape)
    tap_flat = np.ravel_multi_index(tuple(t[valid] for t in taps), kernel)
    # Channels: every output channel meets the C_in/g input channels of its group.
    out_ch = np.arange(c_out)[:, None]
    in_ch = (out_ch // (c_out // groups)) * per_group + np.arange(per_group)[None, :]
    rows = out_ch[:, :, None] * prod(output_shape) + out_flat[None, None, :]
    cols = in_ch[:, :, None] * prod(input_shape) + in_flat[None, None, :]
    vals = weight.reshape(c_out, per_group, -1)[:, :, tap_flat]
    return (
        np.broadcast_to(rows, vals.shape).ravel(),
        np.broadcast_to(cols, vals.shape).ravel(),
        vals.ravel(),
    )


def _assemble(
    entries: tuple[NDArray[np.intp], NDArray[np.intp], NDArray[Any]],
    shape: tuple[int, int],
    sparse: bool | None,
) -> NDArray[Any] | csr_array:
    if sparse is None:
        sparse = shape[0] * shape[1] > DENSE_LIMIT
    rows, cols, vals = entries
    if sparse:
        from scipy.sparse import csr_array

        return csr_array((vals, (rows, cols)), shape=shape)
    dense = np.zeros(shape, dtype=vals.dtype)
    dense[rows, cols] = vals
    return dense


def conv_matrix(
    input_shape: Any,
    weight: Any,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
    *,
    sparse: bool | None = None,
) -> NDArray[Any] | csr_array:
    """Build the matrix ``C`` of a convolution: ``C @ x.ravel() == conv(x, weight, ...).ravel()``.

    Parameters
    ----------
    input_shape : tuple of int
        Spatial input sizes ``(*i)``; the input ``x`` is ``(C_in, *i)`` with
        ``C_in = weight.shape[1] * groups``.
    weight : array_like
        ``(C_out, C_in/groups, *k)``, PyTorch's layout.
    stride, padding, dilation, groups
        As :func:`convarith.numeric.conv` takes them (padding may be an int,
        per-axis ints, ``(low, high)`` pairs, ``"valid"``, ``"same"`` or
        ``"same_tf"``).
    sparse : bool or None
        ``True`` for a :class:`scipy.sparse.csr_array`, ``False`` for a dense
        numpy array, ``None`` (default) for dense up to :data:`DENSE_LIMIT`
        entries and sparse beyond.

    Returns
    -------
    numpy.ndarray or scipy.sparse.csr_array
        Shape ``(C_out*prod(o), C_in*prod(i))``, rows and columns ordered as
        ``reshape(-1)`` orders ``(C, *spatial)``.  Float64, or float32 for a
        float32 weight.  ``C.T`` is the matrix of the transposed convolution
        with the same weight, from ``o`` back to ``i`` cells.

    Raises
    ------
    ConvArithError
        For a configuration PyTorch refuses, or a weight or group count that
        does not fit.

    Examples
    --------
    >>> import numpy as np
    >>> conv_matrix((4,), np.array([[[1, 2, 3]]]))
    array([[1., 2., 3., 0.],
           [0., 1., 2., 3.]])

    """
    if sparse is not None and not isinstance(sparse, bool):
        raise ConvArithError(f"sparse={sparse!r} must be True, False or None")
    w = as_real_array("weight", weight)
    check_weight(w)
    config = configure(
        "conv",
        input_shape,
        kernel_size=w.shape[2:],
        stride=stride,
        padding=padding,
        dilation=dilation,
    )
    g = parse_groups(groups)
    g, c_in, c_out = check_groups("conv", w.shape[1] * g, tuple(w.shape), g)
    entries = matrix_entries(
        config.input_shape,
        config.output_shape,
        w.astype(result_dtype(w)),
        config.stride,
        _pads_lo(config),
        config.dilation,
        g,
    )
    return _assemble(
        entries, (c_out * prod(config.output_shape), c_in * prod(config.input_shape)), sparse
    )


def _pads_lo(config: Config) -> tuple[int, ...]:
    return tuple(lo for lo, _ in config.padding)


def conv_matmul(x: NDArray[Any], weight: NDArray[Any], config: Config, groups: int) -> NDArray[Any]:
    """Convolve batched ``x`` as ``C @ x`` per sample (no bias).

    >>> import numpy as np
    >>> from convarith import configure
    >>> config = configure("conv", (4,), kernel_size=2, padding=1, stride=2)
    >>> conv_matmul(np.array([[[1.0, 2.0, 3.0, 4.0]]]), np.array([[[1.0, 10.0]]]), config, 1)
    array([[[10., 32.,  4.]]])
    """
    c_out = weight.shape[0]
    entries = matrix_entries(
        config.input_shape,
        config.output_shape,
        weight,
        config.stride,
        _pads_lo(config),
        config.dilation,
        groups,
    )
    shape = (c_out * prod(config.output_shape), x.shape[1] * prod(config.input_shape))
    matrix = _assemble(entries, shape, None)
    flat = x.reshape(x.shape[0], shape[1])
    return np.asarray((matrix @ flat.T).T).reshape(x.shape[0], c_out, *config.output_shape)


def conv_transpose_matmul(
    x: NDArray[Any], weight: NDArray[Any], config: Config, groups: int
) -> NDArray[Any]:
    """Transpose-convolve batched ``x`` as ``C.T @ x`` per sample (no bias).

    ``C`` is the matrix of the direct convolution from the transposed
    output's size ``o'`` to its input's size ``i'``, with the same weight
    (PyTorch's transposed layout ``(C_in, C_out/g, *k)`` is the direct
    layout of that convolution).  ``C`` is built with exactly ``i'`` output
    cells per axis: with ``dilation > stride`` and an output padding, that
    direct convolution on ``o'`` cells would produce more, and those extra
    cells match no input cell of the transposed convolution.

    >>> import numpy as np
    >>> from convarith import configure
    >>> config = configure("conv_transpose", (2,), kernel_size=3, stride=2)
    >>> conv_transpose_matmul(np.array([[[1.0, 2.0]]]), np.array([[[1.0, 10.0, 100.0]]]), config, 1)
    array([[[  1.,  10., 102.,  20., 200.]]])
    """
    c_out = weight.shape[1] * groups
    entries = matrix_entries(
        config.output_shape,
        config.input_shape,
        weight,
        config.stride,
        _pads_lo(config),
        config.dilation,
        groups,
    )
    shape = (x.shape[1] * prod(config.input_shape), c_out * prod(config.output_shape))
    matrix = _assemble(entries, shape, None)
    flat = x.reshape(x.shape[0], shape[0])
    return np.asarray((matrix.T @ flat.T).T).reshape(x.shape[0], c_out, *config.output_shape)
