"""How much convarith will do for one request: every limit as a named number, and its check.

Each limit lives here once, so that the library, the command line, the
gallery (and the guide and the explorer after them) refuse the same requests
with the same words.  A limit protects a person from waiting on something
they cannot use: an animation nobody would watch to its end, a raster no
viewer opens, a matrix whose cells are too small to read.

>>> MAX_FRAMES, MAX_RASTER_PIXELS
(20000, 50000000)
>>> check_scale(2)
2.0
"""

from __future__ import annotations

import math

from convarith.core.errors import ConvArithError

__all__ = [
    "MAX_FRAMES",
    "MAX_INPUT_FILE_BYTES",
    "MAX_MATRIX_SIDE",
    "MAX_RASTER_PIXELS",
    "MAX_SCALE",
    "MAX_SCAN_CELLS",
    "MAX_SUPERSAMPLED_PIXELS",
    "MIN_SCALE",
    "check_scale",
]

#: Frames of one animation: one per output cell in the classic views; beyond
#: this an animation stops being something to watch.
MAX_FRAMES = 20_000

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

#: Bytes read from a layer file (``convarith stack --file``): far more than any
#: real network's description, and a bound on what a wrong path can cost.
MAX_INPUT_FILE_BYTES = 1_000_000

#: The size multiplier of every output, raster or vector.
MIN_SCALE = 0.1
MAX_SCALE = 20.0


def check_scale(scale: object) -> float:
    """Return ``scale`` as a float, or refuse it: a number from 0.1 to 20.

    The one rule for every output and every entry point (``--scale``,
    ``Animation.save(scale=...)``, the backends' ``scale=``).

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
    if (
        isinstance(scale, bool)
        or not isinstance(scale, (int, float))
        or not math.isfinite(scale)
        or not MIN_SCALE <= scale <= MAX_SCALE
    ):
        raise ConvArithError(
            f"scale={scale!r} must be a number between {MIN_SCALE:g} and {MAX_SCALE:g}"
        )
    return float(scale)
