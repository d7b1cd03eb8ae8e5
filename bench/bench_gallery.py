"""The gallery against issue 11's bars: CPU time, bytes of every output, pixel sizes, stages.

- The original's 19 animations (358 frames) as GIF + PNG + PDF: at most 2.0 s
  of CPU time (user + sys of the whole process tree: the command, its
  workers, start-up included) with the default ``--jobs`` on this 2-core
  machine; the original toolchain took 369 s of CPU (187 s wall).
- Their PDF frames no larger together than the original's (1.63 MB); their
  PNG frames at most a tenth of the original's 67 MB; their 19 GIFs at most
  2 MB, at no smaller pixel size than the original's GIFs (read from
  ../shared/reference/gif when it is there).
- Where the time goes, stage by stage, in one process (``--jobs 1``-like):
  scene, drawing, rasterizing, each encoder, file I/O, and start-up.

Each gallery run is ``convarith gallery --force`` in a fresh process, as a
user runs it; CPU time comes from ``getrusage(RUSAGE_CHILDREN)`` around it.
The machine is shared and noisy: the minimum of several runs is quoted.

    python bench/bench_gallery.py [--runs 5] [--skip-full]
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from processes import CHILD_ENV, CONVARITH, UNDRAWN_HEADS, measure

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "gif"
#: The original's outputs, for the bars (see docs/design/rendering.md).
ORIGINAL_PDF_BYTES = 1.63e6
ORIGINAL_PNG_BYTES = 67e6


def run_gallery(out: Path, *extra: str, program: list[str] = CONVARITH) -> tuple[float, float]:
    """(CPU seconds of the process tree, wall seconds) of one ``convarith gallery --force``."""
    done = measure([*program, "gallery", "--out", str(out), "--force", *extra])
    return done.cpu, done.wall


def folder_bytes(folder: Path, pattern: str) -> int:
    return sum(p.stat().st_size for p in folder.glob(pattern))


def report_totals(runs: int) -> None:
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "gallery"
        results = [run_gallery(out, "--only", "original") for _ in range(runs)]
        cpus = [cpu for cpu, _ in results]
        walls = [wall for _, wall in results]
        gifs = sorted((out / "gif").glob("*.gif"))
        pngs = list((out / "png").glob("*.png"))
        pdfs = list((out / "pdf").glob("*.pdf"))
        print(f"original gallery: {len(gifs)} GIFs, {len(pngs)} PNG frames, {len(pdfs)} PDF frames")
        print(
            f"  CPU time    min {min(cpus):.2f} s, median {statistics.median(cpus):.2f} s "
            f"({runs} runs, default --jobs)   bar: at most 2.0 s; the original: 369 s"
        )
        print(f"  wall time   min {min(walls):.2f} s, median {statistics.median(walls):.2f} s")
        floors = [
            run_gallery(Path(tmp) / "undrawn", "--only", "original", program=UNDRAWN_HEADS)[0]
            for _ in range(runs)
        ]
        print(
            f"  floor       min {min(floors):.2f} s, median {statistics.median(floors):.2f} s of CPU "
            "with no frame head drawn (bench/undrawn_heads.py): no faster head drawing goes below it"
        )
        pdf_bytes = folder_bytes(out / "pdf", "*.pdf")
        png_bytes = folder_bytes(out / "png", "*.png")
        gif_bytes = folder_bytes(out / "gif", "*.gif")
        print(
            f"  PDF bytes   {pdf_bytes / 1e6:.2f} MB for {len(pdfs)} frames   "
            f"bar: at most {ORIGINAL_PDF_BYTES / 1e6:.2f} MB (the original's)"
        )
        print(
            f"  PNG bytes   {png_bytes / 1e6:.2f} MB for {len(pngs)} frames   "
            f"bar: at most {ORIGINAL_PNG_BYTES / 10e6:.1f} MB (a tenth of the original's)"
        )
        print(f"  GIF bytes   {gif_bytes / 1e6:.2f} MB for 19 GIFs   bar: at most 2 MB")
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


def report_full(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "gallery"
        results = [run_gallery(out) for _ in range(runs)]
        count = len(list((out / "gif").glob("*.gif")))
        frames = len(list((out / "png").glob("*.png")))
        print(
            f"full gallery (with the explanatory views): {count} animations, {frames} frames, "
            f"CPU min {min(c for c, _ in results):.2f} s, wall min {min(w for _, w in results):.2f} s"
        )


# ---- stages -----------------------------------------------------------------------------


class Stages:
    """CPU seconds (this process) spent in each stage, summed over the animations."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def time(self, stage: str, action: Callable[[], Any]) -> Any:
        start = time.process_time()
        result = action()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + time.process_time() - start
        return result


def one_pass(folder: Path) -> Stages:
    """The gallery's work for the original's 19 animations, stage by stage, in this process."""
    from convarith.gallery.catalogue import ORIGINAL

    stages = Stages()
    for item in ORIGINAL:
        one_animation(item, folder, stages)
    return stages


def one_animation(item: Any, folder: Path, stages: Stages) -> None:
    """One animation's scene, drawing, frames, PNG, GIF and PDF bytes, and files."""
    from convarith.backends.pdf import pdf_frame
    from convarith.backends.raster import render_frames
    from convarith.encoders.gif import GifStream
    from convarith.encoders.png import PNG_LEVEL, PngFrames

    animation = stages.time(
        "scene",
        lambda: item.animation(),
    )
    figure = stages.time("drawing", lambda: animation.figure)
    frames = stages.time("rasterizing", lambda: list(render_frames(figure, mode="P")))
    files: dict[str, bytes] = {}

    def png() -> None:
        # As the gallery writes them (frame_files): one writer for the
        # animation's frames, which reach it from the rasterizer with their notes.
        writer = PngFrames()
        for n, frame in enumerate(frames):
            data = writer.encode(frame)
            if data is None:  # not a frame the writer takes: Pillow's, as frame_files does
                buffer = io.BytesIO()
                frame.save(buffer, format="PNG", compress_level=PNG_LEVEL)
                data = buffer.getvalue()
            files[f"{item.name}_{n:02d}.png"] = data

    def gif() -> None:
        buffer = io.BytesIO()
        stream = GifStream(buffer)
        for frame, duration in zip(frames, figure.durations):
            stream.add(frame, duration)
        stream.close()
        files[f"{item.name}.gif"] = buffer.getvalue()

    def pdf() -> None:
        for n in range(figure.frame_count):
            files[f"{item.name}_{n:02d}.pdf"] = pdf_frame(figure, n)

    def write() -> None:
        for name, data in files.items():
            (folder / name).write_bytes(data)

    stages.time("encoding PNG", png)
    stages.time("encoding GIF", gif)
    stages.time("PDF", pdf)
    stages.time("file I/O", write)


def start_up() -> float:
    """CPU seconds of a process that starts and imports what rendering needs."""
    code = "import convarith.gallery.build as b, convarith.cli.gallery; b._import_renderers()"
    return measure([sys.executable, "-c", code]).cpu


def report_stages(runs: int) -> None:
    passes: list[dict[str, float]] = []
    for _ in range(runs):
        # A new process for each pass: it pays for first uses (imports, font
        # subsets) in the stage that makes them, as a build's worker does.
        done = subprocess.run(
            [sys.executable, __file__, "--stage"],
            check=True,
            capture_output=True,
            text=True,
            env=CHILD_ENV,
        )
        rows = (line.split("\t") for line in done.stdout.splitlines())
        passes.append({name: float(seconds) for name, seconds in rows})
    names = list(passes[0])
    best = {name: min(p[name] for p in passes) for name in names}
    start = min(start_up() for _ in range(runs))
    total = sum(best.values()) + start
    print(f"where the time goes (CPU, one process, min of {runs} passes; first uses included):")
    print(f"  {'start-up and imports':22} {start:6.3f} s")
    for name in names:
        print(f"  {name:22} {best[name]:6.3f} s")
    print(f"  {'total':22} {total:6.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-full", action="store_true", help="skip the full gallery")
    parser.add_argument("--stages-only", action="store_true", help="only the stage breakdown")
    parser.add_argument("--stage", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:  # one pass in this (fresh) process, printed for the parent
        with tempfile.TemporaryDirectory() as tmp:
            for name, seconds in one_pass(Path(tmp)).seconds.items():
                print(f"{name}\t{seconds}")
        return
    if not args.stages_only:
        report_totals(args.runs)
        if not args.skip_full:
            report_full(max(1, args.runs // 2))
    report_stages(args.runs)


if __name__ == "__main__":
    main()
