"""The scatter view: every input cell adds its share into the outputs it reaches.

For a transposed convolution (the view dive-into-deep-learning draws) input
cell ``q`` multiplies the whole kernel and adds it into the output at
``q*s - p + t*d`` for taps ``t``; what falls outside ``[0, o')`` is cut off.
For a direct convolution, input cell ``j`` adds ``x[j] * w[t]`` to the output
``r`` with ``r*s - p + t*d = j``, the one output whose window reads it through
tap ``t``.  No padded or stretched array is ever built: each tap moves a
strided block of input cells into a strided block of output cells, one
matrix product per tap over channels, batch and cells at once.

The functions here take batched arrays ``(N, C, *spatial)`` already checked
by :mod:`convarith.numeric.convolution`; use the public
:func:`convarith.numeric.conv` and :func:`convarith.numeric.conv_transpose`.
"""

from __future__ import annotations

from itertools import product
from math import prod
from typing import Any

import numpy as np
from numpy.typing import NDArray

from convarith.core.arithmetic import Config
from convarith.numeric._indexing import behind_channels, strided_overlap

__all__ = ["conv_scatter", "conv_transpose_scatter"]


def _add_products(
    out: NDArray[Any],
    x: NDArray[Any],
    taps: NDArray[Any],
    source: tuple[slice, ...],
    target: tuple[slice, ...],
    groups: int,
) -> None:
    """Add ``taps @ x[:, :, *source]`` into ``out[:, :, *target]``, group by group.

    ``taps`` is ``(groups, C_out/groups, C_in/groups)``: one tap's weights.
    """
    block = x[behind_channels(source)]
    batch, c_in = block.shape[:2]
    cells = block.shape[2:]
    grouped = block.reshape(batch, groups, c_in // groups, prod(cells))
    added = taps @ grouped
    out[behind_channels(target)] += added.reshape(batch, out.shape[1], *cells)


def conv_scatter(
    x: NDArray[Any], weight: NDArray[Any], config: Config, groups: int
) -> NDArray[Any]:
    """Convolve batched ``x`` by scattering each input cell into the outputs that read it.

    ``weight`` is ``(C_out, C_in/groups, *k)``; no bias is added.

    >>> import numpy as np
    >>> from convarith import configure
    >>> config = configure("conv", (4,), kernel_size=2, padding=1, stride=2)
    >>> conv_scatter(np.array([[[1.0, 2.0, 3.0, 4.0]]]), np.array([[[1.0, 10.0]]]), config, 1)
    array([[[10., 32.,  4.]]])
    """
    batch = x.shape[0]
    c_out, per_group = weight.shape[:2]
    out = np.zeros((batch, c_out, *config.output_shape), dtype=np.result_type(x, weight))
    for tap in product(*(range(k) for k in config.kernel_size)):
        # Per axis: the outputs r (contiguous) reached by inputs j = r*s - p + t*d (step s).
        reach = [
            strided_overlap(o, i, a.stride, t * a.dilation - a.pad_lo)
            for o, i, a, t in zip(
                config.output_shape, config.input_shape, config.axes, tap, strict=True
            )
        ]
        if any(r.stop <= r.start for r, _ in reach):
            continue
        taps = weight[behind_channels(tap)].reshape(groups, c_out // groups, per_group)
        target = tuple(r for r, _ in reach)
        source = tuple(j for _, j in reach)
        _add_products(out, x, taps, source, target, groups)
    return out


def conv_transpose_scatter(
    x: NDArray[Any], weight: NDArray[Any], config: Config, groups: int
) -> NDArray[Any]:
    """Transpose-convolve batched ``x``: each input cell adds the whole kernel, scaled.

    ``weight`` is ``(C_in, C_out/groups, *k)``; no bias is added.

    >>> import numpy as np
    >>> from convarith import configure
    >>> config = configure("conv_transpose", (2,), kernel_size=3, stride=2)
    >>> conv_transpose_scatter(np.array([[[1.0, 2.0]]]), np.array([[[1.0, 10.0, 100.0]]]), config, 1)
    array([[[  1.,  10., 102.,  20., 200.]]])
    """
    batch = x.shape[0]
    c_in, per_group_out = weight.shape[:2]
    out = np.zeros(
        (batch, per_group_out * groups, *config.output_shape), dtype=np.result_type(x, weight)
    )
    for tap in product(*(range(k) for k in config.kernel_size)):
        # Per axis: the inputs q (contiguous) that land at q*s - p + t*d (step s) inside the output.
        reach = [
            strided_overlap(i, o, a.stride, t * a.dilation - a.pad_lo)
            for i, o, a, t in zip(
                config.input_shape, config.output_shape, config.axes, tap, strict=True
            )
        ]
        if any(q.stop <= q.start for q, _ in reach):
            continue
        taps = weight[behind_channels(tap)]
        taps = taps.reshape(groups, c_in // groups, per_group_out).transpose(0, 2, 1)
        source = tuple(q for q, _ in reach)
        target = tuple(m for _, m in reach)
        _add_products(out, x, taps, source, target, groups)
    return out
