"""Convolution and transposed convolution, exactly as PyTorch computes them, three ways.

:func:`conv` and :func:`conv_transpose` check their arrays and parameters
(with the same one-line errors as :func:`convarith.configure`), then hand a
batched input to one of three views that must agree:

``"gather"``
    every output cell reads its window (:mod:`convarith.numeric.gather`);
    a transposed convolution is computed as its equivalent direct
    convolution on the stretched, padded input with the kernel flipped.
``"scatter"``
    every input cell adds its products into the outputs it reaches
    (:mod:`convarith.numeric.scatter`).
``"matrix"``
    a product with the convolution matrix ``C``, or ``C.T`` for the
    transposed convolution (:mod:`convarith.numeric.matrix`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from numpy.typing import NDArray

from convarith.core.arithmetic import Config, configure
from convarith.numeric._inputs import (
    as_real_array,
    check_bias,
    check_groups,
    check_method,
    check_weight,
    parse_groups,
    result_dtype,
    to_batch,
)
from convarith.numeric.gather import conv_gather, conv_transpose_gather
from convarith.numeric.matrix import conv_matmul, conv_transpose_matmul
from convarith.numeric.scatter import conv_scatter, conv_transpose_scatter

__all__ = ["conv", "conv_transpose"]

_Kernel = Callable[[NDArray[Any], NDArray[Any], Config, int], NDArray[Any]]

_DIRECT: dict[str, _Kernel] = {
    "gather": conv_gather,
    "scatter": conv_scatter,
    "matrix": conv_matmul,
}
_TRANSPOSED: dict[str, _Kernel] = {
    "gather": conv_transpose_gather,
    "scatter": conv_transpose_scatter,
    "matrix": conv_transpose_matmul,
}


def _run(
    op: str,
    x: Any,
    weight: Any,
    bias: Any,
    groups: Any,
    method: Any,
    params: dict[str, Any],
) -> NDArray[Any]:
    """Check everything, compute with ``method``, add the bias, restore the caller's layout."""
    name = check_method(method)
    w = as_real_array("weight", weight)
    ndim = check_weight(w)
    batch = to_batch(as_real_array("x", x), ndim, op)
    g, _, c_out = check_groups(op, batch.channels, tuple(w.shape), parse_groups(groups))
    b = check_bias(bias, c_out)
    config = configure(op, batch.spatial, kernel_size=w.shape[2:], **params)
    dtype = result_dtype(batch.data, w, *(() if b is None else (b,)))
    kernels = _DIRECT if op == "conv" else _TRANSPOSED
    result = kernels[name](
        batch.data.astype(dtype, copy=False), w.astype(dtype, copy=False), config, g
    )
    if b is not None:
        result += b.astype(dtype).reshape(-1, *([1] * ndim))
    return batch.restore(result)


def conv(
    x: Any,
    weight: Any,
    bias: Any = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
    *,
    method: str = "gather",
) -> NDArray[Any]:
    """Convolve in 1-D, 2-D or 3-D, as ``torch.nn.functional.conv{1,2,3}d`` does.

    Parameters
    ----------
    x : array_like
        ``(N, C_in, *i)``, or unbatched ``(C_in, *i)``.
    weight : array_like
        ``(C_out, C_in/groups, *k)``; its number of axes sets the dimensionality.
    bias : array_like, optional
        ``(C_out,)``.
    stride, dilation : int or tuple of int
        One value, or one per spatial axis.
    padding : int, tuple or str
        An int, one int per axis, ``(low, high)`` pairs per axis, ``"valid"``,
        ``"same"`` (stride 1, PyTorch's rule) or ``"same_tf"`` (TensorFlow's SAME).
    groups : int
        Channel groups; ``C_in`` and ``C_out`` must both be multiples.
    method : {"gather", "scatter", "matrix"}
        Which view computes it; all give the same numbers (see the module doc).

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, *o)``, or ``(C_out, *o)`` for an unbatched ``x``.
        Float64, or float32 when every input is float32 (integers compute in
        float64; floats follow numpy's promotion).

    Raises
    ------
    ConvArithError
        One line naming the parameter, its value and the rule it breaks.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(16).reshape(1, 4, 4)
    >>> w = np.ones((1, 1, 3, 3))
    >>> conv(x, w)
    array([[[45., 54.],
            [81., 90.]]])
    >>> conv(x, w, padding=((0, 0), (1, 0)), method="scatter")
    array([[[27., 45., 54.],
            [51., 81., 90.]]])

    """
    return _run(
        "conv",
        x,
        weight,
        bias,
        groups,
        method,
        {"stride": stride, "padding": padding, "dilation": dilation},
    )


def conv_transpose(
    x: Any,
    weight: Any,
    bias: Any = None,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    groups: int = 1,
    dilation: Any = 1,
    *,
    method: str = "gather",
) -> NDArray[Any]:
    """Apply a transposed convolution, as ``torch.nn.functional.conv_transpose{1,2,3}d`` does.

    Parameters
    ----------
    x : array_like
        ``(N, C_in, *i)``, or unbatched ``(C_in, *i)``.
    weight : array_like
        ``(C_in, C_out/groups, *k)`` (PyTorch's transposed layout).
    bias : array_like, optional
        ``(C_out,)``.
    stride, dilation, output_padding : int or tuple of int
        One value, or one per spatial axis; ``output_padding < max(stride, dilation)``.
    padding : int or tuple
        An int, one int per axis, or ``(low, high)`` pairs: the full result
        (padding 0) loses ``low`` cells at the start and ``high`` at the end.
    groups : int
        Channel groups; ``C_in`` must be a multiple.
    method : {"gather", "scatter", "matrix"}
        ``"gather"`` computes the equivalent direct convolution (stretched,
        padded input; flipped kernel), ``"scatter"`` adds each input cell's
        scaled kernel into the output, ``"matrix"`` multiplies by ``C.T``.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, *o')`` with ``o' = (i-1)*s - p_lo - p_hi + d*(k-1) + output_padding + 1``,
        or ``(C_out, *o')`` for an unbatched ``x``; dtype as for :func:`conv`.

    Raises
    ------
    ConvArithError
        One line naming the parameter, its value and the rule it breaks.

    Examples
    --------
    >>> import numpy as np
    >>> conv_transpose(np.array([[1, 2]]), np.array([[[1, 10, 100]]]), stride=2)
    array([[  1.,  10., 102.,  20., 200.]])

    """
    return _run(
        "conv_transpose",
        x,
        weight,
        bias,
        groups,
        method,
        {
            "stride": stride,
            "padding": padding,
            "output_padding": output_padding,
            "dilation": dilation,
        },
    )
