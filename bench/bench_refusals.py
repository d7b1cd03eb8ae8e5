"""How long an oversized request takes to be refused (or answered), in process and as a process.

Every class of oversized request of the issue: too many frames, too many grid
cells or window positions, a raster too large, a stride, padding or dilation
of 10^8 in ``shape``, ``animate``, ``scene`` and the scatter and matrix views
and ``stack``, long stacks, and echoed input of 10,000 digits.  Each request
runs in process (``convarith.cli.main``, median of ``--runs``) and as a whole
``convarith`` process (median of ``--process-runs``); the table gives both in
milliseconds and the worst case of each class.  Every request must end with
exit status 0 (an answer) or 2 (a one-line refusal), never 1 or a traceback.

    python bench/bench_refusals.py [--runs 5] [--process-runs 3]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BIG = "100000000"  # 10^8

#: class -> [(label, argv)]; "{out}" stands for a file in a temporary folder.
CASES: dict[str, list[tuple[str, list[str]]]] = {
    "frames": [
        ("animate 1000x1000 k3", ["animate", "conv", "-i", "1000x1000", "-k", "3", "-o", "{out}.gif"]),
        ("animate 100000x100000 k3", ["animate", "conv", "-i", "100000x100000", "-k", "3", "-o", "{out}.gif"]),
        ("scene 3000x3000 k3 --json", ["scene", "conv", "-i", "3000x3000", "-k", "3", "--json"]),
        ("animate 3-D 300x300x300", ["animate", "conv", "-i", "300x300x300", "-k", "3", "-o", "{out}.gif"]),
    ],
    "grid cells": [
        ("animate 1001x1001 k3 s10", ["animate", "conv", "-i", "1001x1001", "-k", "3", "-s", "10", "-o", "{out}.gif"]),
        ("scene 1-D 2000000 k3 s100", ["scene", "conv", "-i", "2000000", "-k", "3", "-s", "100", "--json"]),
    ],
    "window positions": [
        ("scene 200x200 k100 --json", ["scene", "conv", "-i", "200x200", "-k", "100", "--json"]),
        ("animate 200x200 k100", ["animate", "conv", "-i", "200x200", "-k", "100", "-o", "{out}.gif"]),
    ],
    "raster pixels": [
        ("animate 5x5 cell 100 scale 20", ["animate", "conv", "-i", "5x5", "-k", "3", "--cell", "100", "--scale", "20", "-o", "{out}.gif"]),
    ],
    "huge parameter: shape": [
        ("conv-transpose s=1e8", ["shape", "conv-transpose", "-i", "5", "-k", "3", "-s", BIG]),
        ("conv-transpose s=1e8 --json", ["shape", "conv-transpose", "-i", "5", "-k", "3", "-s", BIG, "--json"]),
        ("conv-transpose d=1e8 2-D", ["shape", "conv-transpose", "-i", "5x5", "-k", "3", "-d", BIG]),
        ("conv k=1e8 p=5e7", ["shape", "conv", "-i", "5", "-k", BIG, "-p", "50000000"]),
        ("conv p=1e8 s=3", ["shape", "conv", "-i", "5", "-k", "3", "-p", BIG, "-s", "3"]),
        ("max-pool k=1e8 p=5e7 d=1", ["shape", "max-pool", "-i", "5", "-k", BIG, "-p", "50000000"]),
        ("conv 10^7 cells k1 s2", ["shape", "conv", "-i", "10000000", "-k", "1", "-s", "2"]),
    ],
    "huge parameter: animate": [
        ("conv-transpose s=1e8", ["animate", "conv-transpose", "-i", "5x5", "-k", "3", "-s", BIG, "-o", "{out}.gif"]),
        ("conv p=1e8", ["animate", "conv", "-i", "5x5", "-k", "3", "-p", BIG, "-o", "{out}.gif"]),
        ("conv d=1e8 p=1e8", ["animate", "conv", "-i", "5", "-k", "2", "-d", BIG, "-p", BIG, "-o", "{out}.gif"]),
    ],
    "huge parameter: scene": [
        ("conv-transpose s=1e8 --json", ["scene", "conv-transpose", "-i", "5", "-k", "3", "-s", BIG, "--json"]),
        ("conv p=1e8", ["scene", "conv", "-i", "5x5", "-k", "3", "-p", BIG]),
        ("conv d=1e8 p=1e8 3-D", ["scene", "conv", "-i", "5x5x5", "-k", "2", "-d", BIG, "-p", BIG]),
    ],
    "huge parameter: scatter/compare": [
        ("scatter s=1e8", ["animate", "conv-transpose", "-i", "5x5", "-k", "3", "-s", BIG, "--view", "scatter", "-o", "{out}.gif"]),
        ("compare d=1e8", ["animate", "conv-transpose", "-i", "5x5", "-k", "3", "-d", BIG, "--view", "compare", "-o", "{out}.gif"]),
    ],
    "huge parameter: matrix": [
        ("conv p=1e8", ["animate", "conv", "-i", "5x5", "-k", "3", "-p", BIG, "--view", "matrix", "-o", "{out}.gif"]),
        ("conv-transpose s=1e8", ["animate", "conv-transpose", "-i", "2x2", "-k", "3", "-s", BIG, "--view", "matrix", "-o", "{out}.gif"]),
        ("conv d=1e8 p=1e8", ["animate", "conv", "-i", "5", "-k", "2", "-d", BIG, "-p", BIG, "--view", "matrix", "-o", "{out}.gif"]),
    ],
    "huge parameter: stack": [
        ("6 layers s,p,d=1e8", ["stack", "-i", "5", *[f"conv-transpose k=3 s={BIG} p={BIG} d={BIG}", f"conv k=3 s={BIG} p={BIG} d={BIG}"] * 3]),
        ("conv-transpose k=1e8 s=1e8+1", ["stack", "-i", "5", f"conv-transpose k={BIG} s=100000001"]),
    ],
    "long stacks": [
        ("8000 x conv k3 p1", ["stack", "-i", "64", "-f", "{dir}/conv8000.txt"]),
        ("8000 x conv k3 s2 p1", ["stack", "-i", "64", "-f", "{dir}/stride8000.txt", "--json"]),
        ("60 x conv-transpose k3 s2", ["stack", "-i", "1", *["conv-transpose k=3 s=2"] * 60]),
    ],
    "echoed input": [
        ("--input of 10000 digits", ["shape", "conv", "-i", "1" * 10000, "-k", "3"]),
        ("--kernel of 2000 sizes", ["shape", "conv", "-i", "5", "-k", "x".join(["3"] * 2000)]),
    ],
}  # fmt: skip


def _files(folder: str) -> None:
    with open(os.path.join(folder, "conv8000.txt"), "w") as handle:
        handle.write("conv k=3 p=1\n" * 8000)
    with open(os.path.join(folder, "stride8000.txt"), "w") as handle:
        handle.write("conv k=3 s=2 p=1\n" * 8000)


def _argv(argv: list[str], folder: str, n: int) -> list[str]:
    out = os.path.join(folder, f"out{n}")
    return [a.replace("{out}", out).replace("{dir}", folder) for a in argv]


def in_process(argv: list[str]) -> tuple[float, int, str]:
    from convarith.cli import main

    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        start = time.perf_counter()
        code = main(argv)
        elapsed = time.perf_counter() - start
    return elapsed * 1000, code, err.getvalue()


def as_process(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    script = shutil.which("convarith")
    cmd = [script, *argv] if script else [sys.executable, "-m", "convarith", *argv]
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, check=False)
    return (time.perf_counter() - start) * 1000, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--process-runs", type=int, default=3)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as folder:
        env["PYTHONPYCACHEPREFIX"] = os.path.join(folder, "pycache")
        _files(folder)
        # Imports once in process, and a byte-code cache for the processes (as an install has).
        warm = [
            ["shape", "conv", "-i", "5", "-k", "3"],
            ["stack", "-i", "5", "conv k=3"],
            ["scene", "conv", "-i", "5", "-k", "3"],
            ["animate", "conv", "-i", "5", "-k", "3", "-o", os.path.join(folder, "w.svg")],
        ]
        for argv in warm:
            in_process(argv)
            as_process(argv, env)
        print(f"{'class / request':<48} {'status':>6} {'in-process ms':>14} {'process ms':>11}")
        worst: dict[str, tuple[float, float]] = {}
        n = 0
        for kind, cases in CASES.items():
            print(kind)
            for label, argv in cases:
                n += 1
                runs = [in_process(_argv(argv, folder, n)) for _ in range(args.runs)]
                inside = statistics.median(r[0] for r in runs)
                code, err = runs[0][1], runs[0][2]
                if code not in (0, 2) or "Traceback" in err or err.count("\n") > 1:
                    raise SystemExit(f"{label}: exit {code}: {err!r}")
                procs = [as_process(_argv(argv, folder, n), env) for _ in range(args.process_runs)]
                outside = statistics.median(p[0] for p in procs)
                status = "answer" if code == 0 else "refuse"
                print(f"  {label:<46} {status:>6} {inside:>14.1f} {outside:>11.1f}")
                before = worst.get(kind, (0.0, 0.0))
                worst[kind] = (max(before[0], inside), max(before[1], outside))
        print("\nworst case per class (median ms)")
        for kind, (inside, outside) in worst.items():
            print(f"  {kind:<46} {inside:>14.1f} {outside:>11.1f}")


if __name__ == "__main__":
    main()
