"""Index arithmetic shared by the gather and scatter views: padding, stretching, tap ranges."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["pad_or_crop", "stretch", "strided_overlap"]


def behind_channels(*groups: Iterable[Any]) -> tuple[Any, ...]:
    """Index an ``(N, C, ...)`` array on the axes after batch and channels.

    >>> behind_channels([slice(1, 3)], [0])
    (slice(None, None, None), slice(None, None, None), slice(1, 3, None), 0)
    """
    return (slice(None), slice(None), *chain(*groups))


def pad_or_crop(
    x: NDArray[Any], pads: Sequence[tuple[int, int]], value: float = 0.0
) -> NDArray[Any]:
    """Pad the trailing ``len(pads)`` axes of ``x`` by ``(low, high)``; a negative amount crops.

    Positive padding is applied before any crop, so a crop may eat into the
    padding of the other side (a transposed convolution with a large padding
    and an output padding does that).

    >>> import numpy as np
    >>> pad_or_crop(np.arange(1, 4), [(1, -1)])
    array([0, 1, 2])
    """
    lead = x.ndim - len(pads)
    widths = [(0, 0)] * lead + [(max(lo, 0), max(hi, 0)) for lo, hi in pads]
    if any(lo or hi for lo, hi in widths):
        x = np.pad(x, widths, constant_values=value)
    crop = tuple(
        slice(max(-lo, 0), n - max(-hi, 0))
        for (lo, hi), n in zip(pads, x.shape[lead:], strict=True)
    )
    index: tuple[Any, ...] = (Ellipsis, *crop)
    cropped: NDArray[Any] = x[index]
    return cropped


def stretch(x: NDArray[Any], strides: Sequence[int]) -> NDArray[Any]:
    """Insert ``s - 1`` zeros between neighbouring cells along each trailing axis.

    >>> import numpy as np
    >>> stretch(np.array([1, 2, 3]), [2])
    array([1, 0, 2, 0, 3])
    """
    lead = x.ndim - len(strides)
    shape = (
        *x.shape[:lead],
        *((n - 1) * s + 1 for n, s in zip(x.shape[lead:], strides, strict=True)),
    )
    out = np.zeros(shape, dtype=x.dtype)
    every_s: tuple[Any, ...] = (Ellipsis, *(slice(None, None, s) for s in strides))
    out[every_s] = x
    return out


def strided_overlap(count: int, limit: int, stride: int, offset: int) -> tuple[slice, slice]:
    """Find the ``u`` in ``[0, count)`` whose ``v = u*stride + offset`` is in ``[0, limit)``.

    Returns the slice of those ``u`` (contiguous) and the slice of their ``v``
    (step ``stride``); both are empty when no ``u`` qualifies.

    >>> strided_overlap(4, 5, 2, -1)
    (slice(1, 3, None), slice(1, 4, 2))
    """
    first = max(0, -(offset // stride))
    last = min(count - 1, (limit - 1 - offset) // stride)
    if last < first:
        return slice(0, 0), slice(0, 0)
    start = first * stride + offset
    return slice(first, last + 1), slice(start, last * stride + offset + 1, stride)
