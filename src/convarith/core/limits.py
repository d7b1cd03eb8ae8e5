"""How much convarith will do for one request: every limit as a named number, and its check.

Each limit lives here once, so that the library, the command line, the
gallery (and the guide and the explorer after them) refuse the same requests
with the same words.  A limit protects a person from waiting on something
they cannot use: an animation nobody would watch to its end, a raster no
viewer opens, a matrix whose cells are too small to read.

Every limit is checked from the arithmetic, before the work it bounds is
done: the frames, grid cells and window positions of a scene are known from
the sizes alone.  A refusal names the limit and, through
:func:`largest_fitting` and :func:`largest_text`, the largest input that
fits with the same parameters.

>>> MAX_FRAMES, MAX_RASTER_PIXELS, MAX_GRID_CELLS
(20000, 50000000, 1000000)
>>> check_scale(2)
2.0
"""

from __future__ import annotations

import math
import operator

from convarith.core.errors import ConvArithError
from convarith.core.text import brief

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "EXPLORER_MAX_BODY_BYTES",
    "EXPLORER_MAX_FRAMES",
    "EXPLORER_MAX_GRID_CELLS",
    "EXPLORER_MAX_INPUT_CELLS",
    "EXPLORER_MAX_QUERY_BYTES",
    "EXPLORER_MAX_TAPS",
    "MAX_FIELD_STEPS",
    "MAX_FRAMES",
    "MAX_GRID_CELLS",
    "MAX_INPUT_FILE_BYTES",
    "MAX_MATRIX_SIDE",
    "MAX_RASTER_PIXELS",
    "MAX_SCALE",
    "MAX_SCAN_CELLS",
    "MAX_SCAN_STEPS",
    "MAX_SIZE",
    "MAX_SUPERSAMPLED_PIXELS",
    "MAX_TAPS",
    "MIN_SCALE",
    "check_scale",
    "largest_fitting",
    "largest_text",
]

#: Frames of one animation: one per output cell in the classic views, one per
#: input cell in the scatter view; beyond this an animation stops being
#: something to watch.
MAX_FRAMES = 20_000

#: Cells of the grids one scene draws: the padded input (a transposed
#: convolution's stretched and padded input), the scatter view's full result.
#: A thousand by a thousand: every grid a person can look at cell by cell, far
#: beyond what fits a screen at the smallest legible cell.
MAX_GRID_CELLS = 1_000_000

#: Window positions of one scene, over all its frames (frames times kernel
#: cells): each is listed in the scene's data and drawn in its frame.  The
#: largest animation of a 10x10 window (20,000 frames) fits.
MAX_TAPS = 2_000_000

#: Pixels of one raster frame (width times height, after ``scale``).
MAX_RASTER_PIXELS = 50_000_000

#: Pixels of the supersampled canvas a raster frame is drawn on; above it the
#: raster backend supersamples less (it never refuses for this one).
MAX_SUPERSAMPLED_PIXELS = 40_000_000

#: Rows or columns of the convolution matrix the matrix view draws.
MAX_MATRIX_SIDE = 64

#: Cells of one axis that the unread-cells analysis scans; longer axes are
#: answered without the list of unread cells.
MAX_SCAN_CELLS = 10_000_000

#: Slices the unread-cells analysis writes for one axis (one per kernel tap or
#: per window, whichever is fewer); beyond it the axis is answered without the
#: list of unread cells.
MAX_SCAN_STEPS = 100_000

#: Steps of the receptive-field analysis of one stack, one axis (a step is one
#: phase of the output carried through one class of kernel taps of one layer,
#: about a microsecond).  Only transposed layers make more than one phase: a
#: vocoder's decoder (strides 8, 8, 2, 2 and dilated blocks) takes about
#: 100,000.  Beyond this the field is reported as unknown.
MAX_FIELD_STEPS = 300_000

#: Every size and parameter: PyTorch holds them in 64-bit integers.
MAX_SIZE = 2**63 - 1

#: Bytes read from a layer file (``convarith stack --file``): far more than any
#: real network's description, and a bound on what a wrong path can cost.
MAX_INPUT_FILE_BYTES = 1_000_000

#: The size multiplier of every output, raster or vector.
MIN_SCALE = 0.1
MAX_SCALE = 20.0


def _real(value: object) -> float | None:
    """``value`` as a float when it is a real number of any type (numpy's too), else None."""
    if isinstance(value, bool) or getattr(getattr(value, "dtype", None), "kind", None) == "b":
        return None
    try:
        if isinstance(value, (int, float)):
            return float(value)
        try:
            return float(operator.index(value))  # type: ignore[arg-type]
        except TypeError:
            pass
        import numbers

        if isinstance(value, numbers.Real):
            return float(value)
    except OverflowError:  # an int beyond any float: no scale
        return None
    return None


def check_scale(scale: object) -> float:
    """Return ``scale`` as a float, or refuse it: a number from 0.1 to 20.

    The one rule for every output and every entry point (``--scale``,
    ``Animation.save(scale=...)``, the backends' ``scale=``).  Any real number
    is taken (numpy's too); a bool is not.

    Examples
    --------
    >>> check_scale(0.5)
    0.5
    >>> try:
    ...     check_scale(0)
    ... except ConvArithError as error:
    ...     print(error)
    scale=0 must be a number between 0.1 and 20
    """
    value = _real(scale)
    if value is None or not math.isfinite(value) or not MIN_SCALE <= value <= MAX_SCALE:
        raise ConvArithError(
            f"scale={brief(scale)} must be a number between {MIN_SCALE:g} and {MAX_SCALE:g}"
        )
    return value


def largest_fitting(fits: Callable[[int], bool | None], valid: int) -> tuple[int, int | None]:
    """The smallest valid size and the largest ``n`` with ``fits(n)``, by bisection.

    ``fits(n)`` is None where ``n`` is no valid size (too small for the
    parameters), else whether a request of size ``n`` fits a limit.  Valid
    sizes are every ``n`` from some smallest one up (``valid`` is one of
    them), and a larger size never costs less.  About 130 calls, whatever the
    sizes.  The largest is None when even the smallest valid size does not fit.

    >>> largest_fitting(lambda n: None if n < 3 else (n - 2) ** 2 <= 20000, valid=1000)
    (3, 143)
    >>> largest_fitting(lambda n: n * 10**9 <= 5, valid=7)
    (1, None)
    """
    # The smallest valid size lies in [1, valid].
    low, high = 1, max(1, valid)
    while low < high:
        mid = (low + high) // 2
        low, high = (low, mid) if fits(mid) is not None else (mid + 1, high)
    smallest = low
    if not fits(smallest):
        return smallest, None
    # The first size past the limit: double, then bisect (sizes stop at MAX_SIZE).
    step = 1
    while smallest + step <= MAX_SIZE and fits(smallest + step):
        step *= 2
    low, high = smallest + step // 2, min(smallest + step, MAX_SIZE + 1)
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (mid, high) if fits(mid) else (low, mid)
    return smallest, low


def largest_text(ndim: int, largest: int | None, smallest: str = "") -> str:
    """The end of a refusal: the largest input that fits, as a square or cube for 2-D or 3-D.

    >>> largest_text(2, 143)
    'the largest square input with these parameters is 143x143'
    >>> largest_text(1, None, "1")
    'no input fits these parameters (not even the smallest, 1)'
    """
    if largest is None:
        tail = f" (not even the smallest, {smallest})" if smallest else ""
        return f"no input fits these parameters{tail}"
    kind = {1: "", 2: "square ", 3: "cube "}.get(ndim, "")
    return f"the largest {kind}input with these parameters is {'x'.join([str(largest)] * ndim)}"


# The explorer redraws while a slider moves, so it draws less than a file may
# hold: a picture a student watches cell by cell (checked in explorer.limits).

#: Input cells of a drawn operation (32x32, or a 1-D strip of 1024).
EXPLORER_MAX_INPUT_CELLS = 1024
#: Frames of a drawn animation (one per output cell in the classic views).
EXPLORER_MAX_FRAMES = 1024
#: Cells of the grid the window slides over (a transposed convolution's
#: stretched and padded input grows with the stride squared).
EXPLORER_MAX_GRID_CELLS = 4096
#: Window positions over all frames (frames times kernel cells): what the frames draw.
EXPLORER_MAX_TAPS = 65536
#: Bytes of a request's query string: every control at its longest fits many times over.
EXPLORER_MAX_QUERY_BYTES = 2048
#: Bytes of a request's body: the explorer's routes take none.
EXPLORER_MAX_BODY_BYTES = 0
