"""The gather view: every output cell reads a window of the (padded) input.

A direct convolution slides the dilated kernel over the padded input; the
windows are gathered into one matrix (``im2col``) so that a single matrix
product per group computes every output cell.  A transposed convolution is
computed here as its *equivalent direct convolution*: the input stretched
with ``s-1`` zeros between cells, padded with ``d*(k-1) - p`` zeros on each
side (cropped where that is negative) plus ``output_padding`` zeros at the
end, and convolved with stride 1 and the kernel flipped along every spatial
axis, input and output channels swapped.

The functions here take batched arrays ``(N, C, *spatial)`` already checked
by :mod:`convarith.numeric.convolution`; use the public
:func:`convarith.numeric.conv` and :func:`convarith.numeric.conv_transpose`.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import prod
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from convarith.core.arithmetic import Config
from convarith.numeric._indexing import behind_channels, pad_or_crop, stretch

__all__ = ["conv_gather", "conv_transpose_gather", "direct_gather", "equivalent_weight"]


def direct_gather(
    x: NDArray[Any],
    weight: NDArray[Any],
    pads: Sequence[tuple[int, int]],
    strides: Sequence[int],
    dilations: Sequence[int],
    groups: int,
) -> NDArray[Any]:
    """Cross-correlate ``x`` ``(N, C_in, *i)`` with ``weight`` ``(C_out, C_in/groups, *k)``.

    ``pads`` are ``(low, high)`` per axis; negative amounts crop the input.
    The output size follows from the padded size.

    >>> import numpy as np
    >>> x = np.arange(5.0).reshape(1, 1, 5)
    >>> direct_gather(x, np.ones((1, 1, 2)), [(0, 0)], [2], [1], 1)
    array([[[1., 5.]]])
    """
    n = len(strides)
    kernel = weight.shape[2:]
    padded = pad_or_crop(x, pads)
    extents = [d * (k - 1) + 1 for k, d in zip(kernel, dilations, strict=True)]
    out = [
        (size - e) // s + 1 for size, e, s in zip(padded.shape[2:], extents, strides, strict=True)
    ]
    windows = sliding_window_view(padded, extents, axis=tuple(range(2, 2 + n)))
    # Keep one window per output cell (step s) and one cell per tap (step d).
    cells = (slice(None, (o - 1) * s + 1, s) for o, s in zip(out, strides, strict=True))
    windows = windows[behind_channels(cells, (slice(None, None, d) for d in dilations))]
    batch, c_in = x.shape[:2]
    c_out = weight.shape[0]
    per_group = c_in // groups
    # (N, g, C_in/g, *o, *k) -> (N, g, prod(o), C_in/g * prod(k)): the im2col matrix.
    columns = windows.reshape(batch, groups, per_group, *out, *kernel)
    columns = np.moveaxis(columns, 2, 2 + n)
    columns = columns.reshape(batch, groups, prod(out), per_group * prod(kernel))
    filters = weight.reshape(groups, c_out // groups, per_group * prod(kernel))
    result = columns @ filters.transpose(0, 2, 1)
    return np.ascontiguousarray(result.transpose(0, 1, 3, 2)).reshape(batch, c_out, *out)


def conv_gather(x: NDArray[Any], weight: NDArray[Any], config: Config, groups: int) -> NDArray[Any]:
    """Convolve batched ``x`` as ``config`` describes it (no bias).

    >>> import numpy as np
    >>> from convarith import configure
    >>> config = configure("conv", (4,), kernel_size=2, padding=1, stride=2)
    >>> conv_gather(np.array([[[1.0, 2.0, 3.0, 4.0]]]), np.array([[[1.0, 10.0]]]), config, 1)
    array([[[10., 32.,  4.]]])
    """
    return direct_gather(x, weight, config.padding, config.stride, config.dilation, groups)


def equivalent_weight(weight: NDArray[Any], groups: int) -> NDArray[Any]:
    """Turn a transposed convolution's weight into its equivalent direct convolution's.

    A transposed weight ``(C_in, C_out/groups, *k)`` becomes
    ``(C_out, C_in/groups, *k)``: channels swapped within each group and the
    kernel flipped along every spatial axis.

    >>> import numpy as np
    >>> equivalent_weight(np.arange(6.0).reshape(2, 1, 3), 1)
    array([[[2., 1., 0.],
            [5., 4., 3.]]])
    """
    c_in, per_group_out = weight.shape[:2]
    kernel = weight.shape[2:]
    swapped = weight.reshape(groups, c_in // groups, per_group_out, *kernel).swapaxes(1, 2)
    swapped = swapped.reshape(groups * per_group_out, c_in // groups, *kernel)
    return np.ascontiguousarray(np.flip(swapped, axis=tuple(range(2, weight.ndim))))


def conv_transpose_gather(
    x: NDArray[Any], weight: NDArray[Any], config: Config, groups: int
) -> NDArray[Any]:
    """Transpose-convolve batched ``x`` as its equivalent direct convolution (no bias).

    >>> import numpy as np
    >>> from convarith import configure
    >>> config = configure("conv_transpose", (2,), kernel_size=3, stride=2)
    >>> conv_transpose_gather(np.array([[[1.0, 2.0]]]), np.array([[[1.0, 10.0, 100.0]]]), config, 1)
    array([[[  1.,  10., 102.,  20., 200.]]])
    """
    stretched = stretch(x, config.stride)
    pads = [
        (
            a.dilation * (a.kernel - 1) - a.pad_lo,
            a.dilation * (a.kernel - 1) - a.pad_hi + a.output_padding,
        )
        for a in config.axes
    ]
    ones = [1] * config.ndim
    return direct_gather(
        stretched, equivalent_weight(weight, groups), pads, ones, config.dilation, groups
    )
