"""Input cells that no window reads.

:func:`unread_cells` answers: which input rows or columns does the operation
ignore?  The last window may stop short of the input (the floor in the size
formula), and strides larger than the dilated kernel leave gaps.

The cells read along one axis are a few arithmetic progressions, marked in a
byte per cell with one slice assignment each.  Which progressions is chosen
so that their number does not grow with the parameters: one per kernel tap,
one per window, or one per class of taps (or windows) that land on the same
cells modulo the stride, whichever is fewest.  A stride, padding or dilation
of 10^8 costs no more than one of 1.
"""

from __future__ import annotations

from math import gcd

from convarith.core.arithmetic import Config, configure
from convarith.core.errors import ConvArithError
from convarith.core.limits import MAX_SCAN_CELLS, MAX_SCAN_STEPS
from convarith.core.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

__all__ = ["UnreadCells", "unread_cells", "unread_summary"]

#: Runs of unread cells an explanation lists before an ellipsis.
RUNS_SHOWN = 8


def _mark(used: bytearray, start: int, stop: int, step: int) -> None:
    """Mark cells ``start, start + step, ...`` below ``stop``, clipped to the axis."""
    if start < 0:
        start += (step - 1 - start) // step * step  # the first cell at or past 0
    stop = min(stop, len(used))
    if start >= stop:
        return
    count = (stop - 1 - start) // step + 1
    used[start : start + (count - 1) * step + 1 : step] = b"\x01" * count


def _progressions(config: Config, axis: int) -> list[tuple[int, int, int]]:
    """The cells read along ``axis`` as ``(start, stop, step)`` progressions (unclipped).

    For a convolution or pooling, cell ``x = r*s - p + t*d`` is read by window
    ``r`` (of ``o``) through tap ``t`` (of ``k``).  Taps ``t`` and ``t + s'``
    (``s' = s / gcd(s, d)``) read the same residue modulo ``s``, shifted by
    ``d' = d / gcd(s, d)`` windows: when ``d' <= o`` their cells join into one
    progression; windows ``r`` and ``r + d'`` likewise when ``s' <= k``.
    """
    i, o = config.input_shape[axis], config.output_shape[axis]
    a = config.axes[axis]
    k, s, d, p = a.kernel, a.stride, a.dilation, a.pad_lo
    if config.transposed:
        return _transposed_progressions(i, o, a.kernel, s, d, p)
    g = gcd(s, d)
    s1, d1 = s // g, d // g
    # Only taps and windows that reach [0, i) matter.
    t_lo, t_hi = max(0, -((-(p - (o - 1) * s)) // d)), min(k - 1, (p + i - 1) // d)
    r_lo, r_hi = max(0, -((-(p - (k - 1) * d)) // s)), min(o - 1, (p + i - 1) // s)
    taps, windows = max(0, t_hi - t_lo + 1), max(0, r_hi - r_lo + 1)
    choices: list[tuple[int, str]] = [(taps, "taps"), (windows, "windows")]
    if d1 <= o:
        choices.append((min(taps, s1), "tap classes"))
    if s1 <= k:
        choices.append((min(windows, d1), "window classes"))
    cost, how = min(choices)
    if cost > MAX_SCAN_STEPS:
        raise ConvArithError(
            f"the unread cells of input size {i} need {cost} slices to find "
            f"(limit {MAX_SCAN_STEPS}): kernel_size={k}, stride={s}, dilation={d}"
        )
    found: list[tuple[int, int, int]] = []
    if how == "taps":
        for t in range(t_lo, t_hi + 1):
            found.append((t * d - p, t * d - p + (o - 1) * s + 1, s))
    elif how == "windows":
        for r in range(r_lo, r_hi + 1):
            found.append((r * s - p, r * s - p + (k - 1) * d + 1, d))
    elif how == "tap classes":
        for t0 in range(t_lo, min(t_hi, t_lo + s1 - 1) + 1):
            last = t0 + (t_hi - t0) // s1 * s1  # the last tap of the class that matters
            found.append((t0 * d - p, last * d - p + (o - 1) * s + 1, s))
    else:
        for r0 in range(r_lo, min(r_hi, r_lo + d1 - 1) + 1):
            last = r0 + (r_hi - r0) // d1 * d1
            found.append((r0 * s - p, last * s - p + (k - 1) * d + 1, d))
    return found


def _transposed_progressions(
    i: int, o: int, k: int, s: int, d: int, p: int
) -> list[tuple[int, int, int]]:
    """Input cells of a transposed convolution that some product lands inside the output.

    Input ``q`` lands on ``q*s - p + t*d``.  Below ``qa`` every tap lands before
    the output; from ``qc`` on the first tap lands inside or after it; between
    them the first tap at or past 0 lands at ``(q*s - p) mod d``, inside when
    that is below ``o`` (a pattern of period ``d / gcd(s, d)`` in ``q``).
    """
    qa = -((-(p - (k - 1) * d)) // s)  # ceil((p - (k-1)d) / s)
    qc = -((-p) // s)  # ceil(p / s)
    found = [(qc, (o - 1 + p) // s + 1, 1)]  # the first tap lands in [0, o) or past it
    lo, hi = max(qa, 0), min(qc, i)  # the middle: taps straddle 0
    if lo >= hi:
        return found
    if o >= d:
        found.append((lo, hi, 1))
        return found
    period = d // gcd(s, d)
    if min(period, hi - lo) > MAX_SCAN_STEPS:
        raise ConvArithError(
            f"the unread cells of input size {i} need {min(period, hi - lo)} slices to find "
            f"(limit {MAX_SCAN_STEPS}): kernel_size={k}, stride={s}, dilation={d}"
        )
    for q in range(lo, min(hi, lo + period)):
        if (q * s - p) % d < o:
            found.append((q, hi, period))
    return found


def read_positions(config: Config, axis: int) -> bytearray:
    """Per input cell along ``axis``: 1 if some window (or scatter) uses it, else 0.

    Raises
    ------
    ConvArithError
        For an axis longer than :data:`~convarith.core.limits.MAX_SCAN_CELLS`,
        or one whose read cells take more than
        :data:`~convarith.core.limits.MAX_SCAN_STEPS` progressions.
    """
    i = config.input_shape[axis]
    if i > MAX_SCAN_CELLS:
        raise ConvArithError(
            f"input size {i} is too large to scan for unread cells (limit {MAX_SCAN_CELLS})"
        )
    progressions = _progressions(config, axis)
    used = bytearray(i)
    for start, stop, step in progressions:
        _mark(used, start, stop, step)
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
    result = []
    for axis in range(config.ndim):
        used = read_positions(config, axis)
        result.append(tuple(n for start, stop in _runs(used) for n in range(start, stop + 1)))
    return tuple(result)


def _runs(used: bytearray, start: int = 0) -> Iterator[tuple[int, int]]:
    """The runs of zeros in ``used`` from ``start``, as inclusive ``(first, last)`` pairs."""
    n = len(used)
    while start < n:
        first = used.find(0, start)
        if first < 0:
            return
        end = used.find(1, first)
        end = n if end < 0 else end
        yield first, end - 1
        start = end


class UnreadCells(Record):
    """The unread cells of one axis, briefly: how many, and their first and last runs.

    ``runs`` holds up to :data:`RUNS_SHOWN` runs ``(first, last)`` from the
    start; ``last`` is the last run; ``complete`` says whether ``runs`` holds
    them all.
    """

    size: int
    count: int
    runs: tuple[tuple[int, int], ...]
    last: tuple[int, int] | None
    complete: bool

    @property
    def at_end(self) -> bool:
        """Whether the unread cells are one run at the end of the axis."""
        return self.complete and len(self.runs) == 1 and self.runs[0][1] == self.size - 1


def unread_summary(config: Config, axis: int) -> UnreadCells | None:
    """:class:`UnreadCells` of one axis, or None when the axis is not scanned (too long or costly)."""
    try:
        used = read_positions(config, axis)
    except ConvArithError:
        return None
    count = used.count(0)
    runs: list[tuple[int, int]] = []
    complete = True
    for run in _runs(used):
        if len(runs) == RUNS_SHOWN:
            complete = False
            break
        runs.append(run)
    last = None
    if count:
        end = used.rfind(0)
        first = used.rfind(1, 0, end) + 1
        last = (first, end)
    return UnreadCells(len(used), count, tuple(runs), last, complete)
