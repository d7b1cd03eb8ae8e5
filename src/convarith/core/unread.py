"""Input cells that no window reads.

:func:`unread_cells` answers: which input rows or columns does the operation
ignore?  The last window may stop short of the input (the floor in the size
formula), and strides larger than the dilated kernel leave gaps.
"""

from __future__ import annotations

from convarith.core.arithmetic import Config, configure
from convarith.core.errors import ConvArithError
from convarith.core.limits import MAX_SCAN_CELLS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["unread_cells"]


def read_positions(config: Config, axis: int) -> bytearray:
    """Per input cell along ``axis``: 1 if some window (or scatter) uses it, else 0.

    Each kernel tap reads an arithmetic progression of cells (every stride-th
    one), marked with one slice assignment, so the cost is ``k`` slices.
    """
    i = config.input_shape[axis]
    if i > MAX_SCAN_CELLS:
        raise ConvArithError(
            f"input size {i} is too large to scan for unread cells (limit {MAX_SCAN_CELLS})"
        )
    o = config.output_shape[axis]
    a = config.axes[axis]
    used = bytearray(i)
    for t in range(a.kernel):
        if config.transposed:
            # Input q lands on output q*s - p + t*d; it is used when that is inside [0, o).
            lo = -((t * a.dilation - a.pad_lo) // a.stride)  # ceil((p - t*d) / s)
            hi = (o - 1 + a.pad_lo - t * a.dilation) // a.stride
            lo, hi = max(lo, 0), min(hi, i - 1)
            if lo <= hi:
                used[lo : hi + 1] = b"\x01" * (hi - lo + 1)
            continue
        first = t * a.dilation - a.pad_lo  # the cell this tap reads for output 0
        r0 = -(first // a.stride) if first < 0 else 0  # first output whose tap lands at >= 0
        r1 = min(o - 1, (i - 1 - first) // a.stride)
        if r0 <= r1:
            start, stop = first + r0 * a.stride, first + r1 * a.stride + 1
            used[start : stop : a.stride] = b"\x01" * (r1 - r0 + 1)
    return used


def unread_cells(op: str, input_shape: Any, **params: Any) -> tuple[tuple[int, ...], ...]:
    """Per axis, the indices of input cells that no window reads.

    Cells at the end are left out when the last window stops short of the
    input (the floor in the size formula); strides larger than the dilated
    kernel and dilation leave gaps too.  For a transposed convolution, the
    input cells whose every product is cropped away by the padding.

    Examples
    --------
    >>> unread_cells("conv", (6, 7), kernel_size=3, stride=2)
    ((5,), ())

    """
    return unread_cells_of(configure(op, input_shape, **params))


def unread_cells_of(config: Config) -> tuple[tuple[int, ...], ...]:
    """:func:`unread_cells` of an already checked configuration."""
    return tuple(
        tuple(n for n, used in enumerate(read_positions(config, axis)) if not used)
        for axis in range(config.ndim)
    )
