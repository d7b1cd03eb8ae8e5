"""The whole guide, PDF and HTML, against issue 9's bar: at most 10 s on this 2-core machine.

Runs ``convarith guide -o guide.pdf -o guide.html`` in a new process each
time (imports, drawing every figure in both themes, typesetting both, the
fonts cut down), as a user runs it, and reports the wall time and the CPU
time of the process (user + sys), median and min over the runs, and the
sizes of the two files.  Also times each format alone.

    python bench/bench_guide.py [--runs 5]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(*outputs: Path) -> tuple[float, float]:
    """(wall, cpu) seconds of one ``convarith guide`` run writing ``outputs``."""
    command = [sys.executable, "-m", "convarith", "guide"]
    for path in outputs:
        command += ["-o", str(path)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def report(label: str, runs: list[tuple[float, float]]) -> None:
    walls, cpus = [w for w, _ in runs], [c for _, c in runs]
    print(
        f"{label:22} wall median {statistics.median(walls):5.2f} s (min {min(walls):.2f})   "
        f"cpu median {statistics.median(cpus):5.2f} s (min {min(cpus):.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pdf, html = Path(tmp) / "guide.pdf", Path(tmp) / "guide.html"
        both = [run(pdf, html) for _ in range(args.runs)]
        report("both formats", both)
        report("PDF alone", [run(pdf) for _ in range(args.runs)])
        report("HTML alone", [run(html) for _ in range(args.runs)])
        print(
            f"bar: both formats at most 10 s; sizes: PDF {pdf.stat().st_size / 1e6:.2f} MB, "
            f"HTML {html.stat().st_size / 1e6:.2f} MB"
        )


if __name__ == "__main__":
    main()
