"""A large animation to GIF: time, peak memory, and linearity in the frame count.

Linearity is measured on one canvas (a 64x64 input with strides 4..1, 256 to
3,844 frames) and fitted to ``fixed + per_frame * frames``.

Bars: a 64x64 input with a 3x3 kernel (3,844 frames) to GIF in at most 4 s
of CPU time (issue 11; issue 3 asked for 10 s wall) with peak memory at most
500 MB, time growing linearly with the number of frames.  Each size runs
``convarith animate`` in its own process; its CPU time (user + sys) and
peak memory (maximum resident set size) come from ``getrusage(RUSAGE_CHILDREN)``.

    python bench/bench_large.py
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Every process measured reads its bytecode, as an installed package's do (pip
# compiles it): with PYTHONDONTWRITEBYTECODE set in the environment, a source
# checkout would compile itself again in every process (0.3 s of each start-up).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

SIZES = (16, 32, 45, 64)


#: ``convarith``'s command, and the same with every frame's head left undrawn (a floor).
CONVARITH = [sys.executable, "-m", "convarith"]
UNDRAWN_HEADS = [sys.executable, str(Path(__file__).with_name("undrawn_heads.py"))]


def measure(
    size: int, out: Path, stride: int = 1, program: list[str] = CONVARITH
) -> tuple[float, float, int, float]:
    command = [
        *program,
        "animate",
        "conv",
        "--input",
        f"{size}x{size}",
        "--kernel",
        "3",
        "--stride",
        str(stride),
        "-o",
        str(out),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=CHILD_ENV)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # ru_maxrss of children is the largest child so far: sizes run smallest first.
    return seconds, max(after.ru_maxrss, before.ru_maxrss) / 1024, out.stat().st_size, cpu


def main() -> None:
    print(
        f"{'input':>7} {'frames':>7} {'wall s':>8} {'CPU s':>7} {'CPU ms/frame':>13} "
        f"{'peak MB':>8} {'GIF MB':>7}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            seconds, peak, nbytes, cpu = measure(size, Path(tmp) / f"conv{size}.gif")
            frames = (size - 2) ** 2
            print(
                f"{size:>4}x{size:<2} {frames:>7} {seconds:>8.2f} {cpu:>7.2f} "
                f"{1000 * cpu / frames:>13.2f} {peak:>8.0f} {nbytes / 1e6:>7.2f}"
            )
    # Linearity on one canvas: a 64x64 input with strides 4..1 has the same figure and
    # 256 to 3,844 frames; fit time = fixed + per_frame * frames.
    series = []
    with tempfile.TemporaryDirectory() as tmp:
        for stride in (4, 3, 2, 1):
            _, _, _, cpu = measure(64, Path(tmp) / f"s{stride}.gif", stride)
            series.append((((64 - 3) // stride + 1) ** 2, cpu))
    n = len(series)
    mean_f = sum(f for f, _ in series) / n
    mean_t = sum(t for _, t in series) / n
    slope = sum((f - mean_f) * (t - mean_t) for f, t in series) / sum(
        (f - mean_f) ** 2 for f, _ in series
    )
    fixed = mean_t - slope * mean_f
    worst = max(abs(t - (fixed + slope * f)) / t for f, t in series)
    print(
        "64x64, strides 4..1 (one canvas), CPU: "
        + ", ".join(f"{f} frames {t:.2f} s" for f, t in series)
    )
    print(
        f"  fit: {fixed:.2f} s + {1000 * slope:.2f} ms/frame; largest deviation from the line {100 * worst:.1f} %"
    )
    print("bar: 64x64 (3,844 frames) in at most 4 s of CPU, peak memory at most 500 MB")
    with tempfile.TemporaryDirectory() as tmp:
        floors = [
            measure(64, Path(tmp) / "undrawn.gif", program=UNDRAWN_HEADS)[3] for _ in range(3)
        ]
    print(
        f"floor: 64x64 with no frame head drawn (bench/undrawn_heads.py), CPU min {min(floors):.2f} s "
        "of 3 runs: no faster head drawing goes below it"
    )


if __name__ == "__main__":
    main()
