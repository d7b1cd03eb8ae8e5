"""Wall time of ``convarith shape ...`` against ``python3 -c pass``, in the same run.

The bar (issue 2) is at most 4x.  Both commands run with a private bytecode
cache (``PYTHONPYCACHEPREFIX``), warmed first, so an editable install on a
machine with ``PYTHONDONTWRITEBYTECODE`` set is measured as a normal install
would run (pip byte-compiles at install time).  Runs alternate between the
two commands so that machine noise hits both alike; medians are reported.

    python bench/bench_shape.py [--runs 60]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

SHAPE = ["shape", "conv", "--input", "32x32", "--kernel", "3", "--stride", "2", "--padding", "1"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    script = shutil.which("convarith")
    shape_cmd = [script, *SHAPE] if script else [sys.executable, "-m", "convarith", *SHAPE]
    pass_cmd = [sys.executable, "-c", "pass"]
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        for _ in range(3):
            subprocess.run(shape_cmd, env=env, stdout=subprocess.DEVNULL, check=True)
        times: dict[str, list[float]] = {"pass": [], "shape": []}
        for _ in range(args.runs):
            for name, cmd in (("pass", pass_cmd), ("shape", shape_cmd)):
                start = time.perf_counter()
                subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=True)
                times[name].append(time.perf_counter() - start)
    base = statistics.median(times["pass"]) * 1000
    shape = statistics.median(times["shape"]) * 1000
    print(f"command: {' '.join(os.path.basename(c) for c in shape_cmd[:1])} {' '.join(SHAPE)}")
    print(f"python3 -c pass      {base:6.1f} ms (median of {args.runs})")
    print(f"convarith shape ...  {shape:6.1f} ms (median of {args.runs})")
    print(f"ratio                {shape / base:6.2f}x   (bar: at most 4x)")


if __name__ == "__main__":
    main()
