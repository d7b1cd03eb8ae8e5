"""The gallery against issue 3's bars: time, GIF bytes, pixel sizes.

- The original's 19 animations (358 frames) as GIF + PNG + PDF: at most 2 s
  wall on this 2-core machine (the original toolchain took about 366 s).
- Their 19 GIFs at most 2 MB together (the original's: 4.1 MB), at no smaller
  pixel size than the original's GIFs (read from ../shared/reference/gif when
  it is there).

Runs ``convarith gallery --force`` in a fresh temporary folder several times
(a new process each time, as a user runs it) and reports medians; also times
the full gallery with the explanatory views.

    python bench/bench_gallery.py [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "gif"


def run_gallery(out: Path, *extra: str) -> float:
    command = [sys.executable, "-m", "convarith", "gallery", "--out", str(out), "--force", *extra]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "gallery"
        times = [run_gallery(out, "--only", "original") for _ in range(args.runs)]
        gifs = sorted((out / "gif").glob("*.gif"))
        pngs = list((out / "png").glob("*.png"))
        pdfs = list((out / "pdf").glob("*.pdf"))
        total = sum(p.stat().st_size for p in gifs)
        print(f"original gallery: {len(gifs)} GIFs, {len(pngs)} PNG frames, {len(pdfs)} PDF frames")
        print(
            f"  wall time   median {statistics.median(times):.2f} s (min {min(times):.2f}, "
            f"max {max(times):.2f}, {args.runs} runs)   bar: at most 2 s; the original: ~366 s"
        )
        print(
            f"  GIF bytes   {total / 1e6:.2f} MB for 19 GIFs   bar: at most 2 MB; the original: 4.1 MB"
        )
        if REFERENCE.is_dir():
            smaller = []
            print(f"  {'animation':40} {'ours':>10} {'original':>10}")
            for gif in gifs:
                ref = REFERENCE / gif.name
                if not ref.exists():
                    continue
                ours, theirs = Image.open(gif).size, Image.open(ref).size
                flag = "" if ours[0] >= theirs[0] and ours[1] >= theirs[1] else "  SMALLER"
                if flag:
                    smaller.append(gif.name)
                print(
                    f"  {gif.stem:40} {ours[0]:>4}x{ours[1]:<5} {theirs[0]:>4}x{theirs[1]:<5}{flag}"
                )
            print(f"  pixel size  {smaller or 'no GIF is smaller than the original'}")
        shutil.rmtree(out)
        full = [run_gallery(out) for _ in range(max(1, args.runs // 2))]
        count = len(list((out / "gif").glob("*.gif")))
        frames = len(list((out / "png").glob("*.png")))
        print(
            f"full gallery (with the explanatory views): {count} animations, {frames} frames, "
            f"median {statistics.median(full):.2f} s"
        )


if __name__ == "__main__":
    main()
