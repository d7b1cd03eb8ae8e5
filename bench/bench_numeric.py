"""Time the numeric reference implementations next to PyTorch.

A 64x64 input with 8 channels, a 3x3 kernel to 8 channels (padding 1), for
conv and conv_transpose, each of convarith's three methods and torch's CPU
kernel.  Prints the best and median of several runs in milliseconds.

Run: ``python bench/bench_numeric.py``
"""

from __future__ import annotations

import statistics
import timeit
from collections.abc import Callable

import numpy as np

from convarith.numeric import conv, conv_matrix, conv_transpose

METHODS = ("gather", "scatter", "matrix")
REPEAT = 7


def _time(call: Callable[[], object]) -> tuple[float, float]:
    call()  # warm up: imports, allocator, BLAS threads
    number = max(1, int(0.2 / max(timeit.timeit(call, number=1), 1e-6)))
    runs = [t / number * 1e3 for t in timeit.repeat(call, number=number, repeat=REPEAT)]
    return min(runs), statistics.median(runs)


def main() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 8, 64, 64))
    w = rng.standard_normal((8, 8, 3, 3))
    b = rng.standard_normal(8)
    rows: list[tuple[str, str, float, float]] = []
    for name, fn in (("conv", conv), ("conv_transpose", conv_transpose)):
        for method in METHODS:
            best, median = _time(lambda fn=fn, m=method: fn(x, w, b, 1, 1, method=m))
            rows.append((name, method, best, median))
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        print("torch not installed: only convarith's timings")
    else:
        tx, tw, tb = (torch.from_numpy(a) for a in (x, w, b))
        with torch.no_grad():
            for name, tfn in (("conv", F.conv2d), ("conv_transpose", F.conv_transpose2d)):
                best, median = _time(lambda tfn=tfn: tfn(tx, tw, tb, 1, 1))
                rows.append((name, "torch", best, median))
    best, median = _time(lambda: conv_matrix((64, 64), w, padding=1))
    rows.append(("conv_matrix", "build (sparse)", best, median))
    print(f"input (1, 8, 64, 64) float64, kernel 3x3, 8 -> 8 channels, padding 1; {REPEAT} runs")
    print(f"{'op':<16}{'method':<16}{'best ms':>10}{'median ms':>12}")
    for op, method, best, median in rows:
        print(f"{op:<16}{method:<16}{best:>10.2f}{median:>12.2f}")


if __name__ == "__main__":
    main()
