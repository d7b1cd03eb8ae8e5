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
import statistics
import tempfile
from pathlib import Path

from processes import CONVARITH, measure


def run(*outputs: Path) -> tuple[float, float]:
    """(wall, cpu) seconds of one ``convarith guide`` run writing ``outputs``."""
    command = [*CONVARITH, "guide"]
    for path in outputs:
        command += ["-o", str(path)]
    done = measure(command)
    return done.wall, done.cpu


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
