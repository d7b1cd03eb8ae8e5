"""Commands measured as whole processes, for the benchmarks beside this file.

Each benchmark runs ``convarith`` in a new process, as a user does, and
reads its CPU time (user + sys of the process and every child it waited
for), wall time and peak memory from ``getrusage(RUSAGE_CHILDREN)``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# Every process measured reads its bytecode, as an installed package's do (pip
# compiles it): with PYTHONDONTWRITEBYTECODE set in the environment, a source
# checkout would compile itself again in every process (0.3 s of each start-up).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

#: ``convarith``'s command.
CONVARITH = [sys.executable, "-m", "convarith"]
#: The same with every frame's head left undrawn: the floor of faster drawing (undrawn_heads.py).
UNDRAWN_HEADS = [sys.executable, str(Path(__file__).with_name("undrawn_heads.py"))]


@dataclass(frozen=True)
class Measured:
    """One finished process: CPU and wall seconds, and the largest child's peak memory in MB."""

    cpu: float
    wall: float
    peak_mb: float


def measure(command: list[str]) -> Measured:
    """Run ``command`` (its output thrown away) and measure it; fails if it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=CHILD_ENV)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # ru_maxrss of children is the largest child so far, in KB on Linux.
    return Measured(cpu, wall, max(after.ru_maxrss, before.ru_maxrss) / 1024)
