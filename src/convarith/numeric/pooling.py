"""Max and average pooling, exactly as ``torch.nn.functional.{max,avg}_pool{1,2,3}d``.

Output sizes, ``ceil_mode`` and the padding rules come from
:func:`convarith.configure`.  With ``ceil_mode`` the last window may run past
the right padding; the cells beyond it count as absent (``-inf`` for max, and
not in any divisor for average).
"""

from __future__ import annotations

from functools import reduce
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from convarith.core.arithmetic import Config, configure
from convarith.numeric._indexing import behind_channels, pad_or_crop
from convarith.numeric._inputs import Batch, as_real_array, pool_ndim, result_dtype, to_batch

__all__ = ["avg_pool", "max_pool"]


def _windows(data: NDArray[Any], config: Config, fill: float) -> NDArray[Any]:
    """``(N, C, *o, *k)``: the cells each output reads, padding and overhang set to ``fill``."""
    pads = []
    for i, o, a in zip(config.input_shape, config.output_shape, config.axes, strict=True):
        # ceil_mode's last window may need cells past the right padding.
        reach = (o - 1) * a.stride + a.k_eff - i - a.pad_lo
        pads.append((a.pad_lo, max(a.pad_hi, reach)))
    padded = pad_or_crop(data, pads, fill)
    n = config.ndim
    extents = [a.k_eff for a in config.axes]
    windows = sliding_window_view(padded, extents, axis=tuple(range(2, 2 + n)))
    cells = (
        slice(None, (o - 1) * a.stride + 1, a.stride)
        for o, a in zip(config.output_shape, config.axes, strict=True)
    )
    taps = (slice(None, None, a.dilation) for a in config.axes)
    picked: NDArray[Any] = windows[behind_channels(cells, taps)]
    return picked


def _prepare(
    x: Any, op: str, ndim: int | None, per_axis: dict[str, Any], **params: Any
) -> tuple[Batch, Config]:
    array = as_real_array("x", x)
    dims = pool_ndim(array.ndim, ndim, per_axis)
    batch = to_batch(array, dims, op)
    config = configure(op, batch.spatial, **per_axis, **params)
    return Batch(batch.data.astype(result_dtype(array), copy=False), batch.batched), config


def max_pool(
    x: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    *,
    ndim: int | None = None,
) -> NDArray[Any]:
    """Max pooling, as ``torch.nn.functional.max_pool{1,2,3}d`` computes it.

    Parameters
    ----------
    x : array_like
        ``(N, C, *i)`` or unbatched ``(C, *i)``.
    kernel_size, stride, padding, dilation : int or tuple of int
        PyTorch's parameters; ``stride`` defaults to ``kernel_size``; padding
        (at most half the kernel) acts as ``-inf``.
    ceil_mode : bool
        Round the output size up (the last window must start inside the input
        or its left padding).
    ndim : {1, 2, 3}, optional
        The number of spatial axes.  Needed only when every parameter is a
        single int and ``x`` has 3 or 4 axes (batched ``d``-D and unbatched
        ``d+1``-D look alike); a per-axis parameter sets it otherwise.

    Returns
    -------
    numpy.ndarray
        ``(N, C, *o)`` or ``(C, *o)``; float64, or ``x``'s float dtype.
        A NaN in a window makes that output NaN.

    Raises
    ------
    ConvArithError
        One line naming the parameter, its value and the rule it breaks.

    Examples
    --------
    >>> import numpy as np
    >>> max_pool(np.array([[3, 1, 4, 1, 5]]), 2, ceil_mode=True)
    array([[3., 4., 5.]])

    """
    per_axis = {
        "kernel_size": kernel_size,
        "stride": stride,
        "padding": padding,
        "dilation": dilation,
    }
    batch, config = _prepare(x, "max_pool", ndim, per_axis, ceil_mode=ceil_mode)
    windows = _windows(batch.data, config, -np.inf)
    taps = tuple(range(-config.ndim, 0))
    return batch.restore(windows.max(axis=taps))


def _divisor(config: Config) -> NDArray[np.float64]:
    """How many cells each output window averages over, as PyTorch counts them."""
    counts = []
    for i, o, a in zip(config.input_shape, config.output_shape, config.axes, strict=True):
        starts = np.arange(o) * a.stride - a.pad_lo
        if config.count_include_pad:
            # Cells of the padded extent [-p, i+p); ceil_mode's overhang never counts.
            count = np.minimum(starts + a.kernel, i + a.pad_hi) - starts
        else:
            count = np.minimum(starts + a.kernel, i) - np.maximum(starts, 0)
        counts.append(count.astype(np.float64))
    return reduce(np.multiply.outer, counts)


def avg_pool(
    x: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
    *,
    ndim: int | None = None,
) -> NDArray[Any]:
    """Average pooling, as ``torch.nn.functional.avg_pool{1,2,3}d`` computes it.

    Parameters
    ----------
    x : array_like
        ``(N, C, *i)`` or unbatched ``(C, *i)``.
    kernel_size, stride, padding : int or tuple of int
        PyTorch's parameters; ``stride`` defaults to ``kernel_size``; padding is
        at most half the kernel.
    ceil_mode : bool
        Round the output size up; cells of the last window past the right
        padding are left out of the sum and of the divisor.
    count_include_pad : bool
        Whether padded zeros count in the divisor (PyTorch's default: yes).
    divisor_override : int, optional
        Divide every window's sum by this instead.
    ndim : {1, 2, 3}, optional
        The number of spatial axes, when the parameters do not tell (see
        :func:`max_pool`).

    Returns
    -------
    numpy.ndarray
        ``(N, C, *o)`` or ``(C, *o)``; float64, or ``x``'s float dtype.

    Raises
    ------
    ConvArithError
        One line naming the parameter, its value and the rule it breaks.

    Examples
    --------
    >>> import numpy as np
    >>> avg_pool(np.array([[2, 4, 6]]), 2, stride=1, padding=1)
    array([[1., 3., 5., 3.]])
    >>> avg_pool(np.array([[2, 4, 6]]), 2, stride=1, padding=1, count_include_pad=False)
    array([[2., 3., 5., 6.]])

    """
    per_axis = {"kernel_size": kernel_size, "stride": stride, "padding": padding}
    batch, config = _prepare(
        x,
        "avg_pool",
        ndim,
        per_axis,
        ceil_mode=ceil_mode,
        count_include_pad=count_include_pad,
        divisor_override=divisor_override,
    )
    windows = _windows(batch.data, config, 0.0)
    sums = windows.sum(axis=tuple(range(-config.ndim, 0)))
    if config.divisor_override is not None:
        return batch.restore(sums / np.asarray(config.divisor_override, dtype=sums.dtype))
    return batch.restore(sums / _divisor(config).astype(sums.dtype))
