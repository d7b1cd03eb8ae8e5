"""Cost of the raster backend and of each encoder, per frame; memory of a long GIF.

Figures come from ``tests/support/raster_figures.py``: the guide's
"padding, strides" (9 frames, about 400x480 px) and a 64x64 input with a 3x3
kernel (3,844 frames, about 910x1290 px).  Reported: setup and per-frame
medians of rendering ("P" and "RGB"), GIF, PNG frame files, APNG, WebP and
MP4 (rendered frames handed over from memory, so encoding alone is timed),
then the 3,844-frame GIF end to end in a subprocess (wall time and peak RSS
from ``getrusage(RUSAGE_CHILDREN)``), and the same animation with every
frame twice, to show that time grows linearly with the frame count.

    python bench/bench_raster.py [--repeat 20] [--skip-large] [--large-runs 3]
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))

from raster_figures import classic_figure, large, padding_strides  # noqa: E402

from convarith.backends.raster import Rasterizer, render_frames  # noqa: E402
from convarith.encoders import (  # noqa: E402
    tee_frame_files,
    write_apng,
    write_frame_files,
    write_gif,
    write_mp4,
    write_webp,
)

_LARGE_GIF = """
import sys, time
sys.path.insert(0, {figures!r})
from raster_figures import large
from convarith.backends.raster import render_frames
from convarith.encoders import write_gif
from convarith.figure.primitives import DynamicLayer, Figure
figure = large()
if {times} > 1:
    layers = tuple(DynamicLayer(l.frames * {times}) if isinstance(l, DynamicLayer) else l
                   for l in figure.layers)
    figure = Figure(figure.width, figure.height, layers, figure.durations * {times})
start = time.perf_counter()
write_gif(render_frames(figure, mode="P"), figure.durations, {path!r})
print(time.perf_counter() - start, figure.frame_count)
"""


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1e3


def per_frame(action: Callable[[], object], frames: int, repeat: int) -> float:
    """Median over ``repeat`` runs of the time of ``action`` divided by ``frames``, in ms."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) / frames)
    return median_ms(times)


def bench_small(repeat: int) -> None:
    figure = padding_strides()
    count = figure.frame_count
    setups, palettes = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        raster = Rasterizer(figure)
        setups.append(time.perf_counter() - start)
        start = time.perf_counter()
        raster.palette  # noqa: B018  (chooses the palette, rendering 8 sample frames)
        palettes.append(time.perf_counter() - start)
    raster = Rasterizer(figure)
    print(f"padding_strides: {count} frames of {raster.size[0]}x{raster.size[1]} px")
    print(f"  setup (static part drawn once)   {median_ms(setups):7.2f} ms per figure")
    print(f"  palette (incl. 8 sample frames)  {median_ms(palettes):7.2f} ms per figure")
    for mode in ("P", "RGB"):
        raster = Rasterizer(figure)
        if mode == "P":
            raster.frame(0, "P")  # choose the palette outside the timing
        samples = []
        for _ in range(repeat):
            for index in range(count):
                start = time.perf_counter()
                raster.frame(index, mode)
                samples.append(time.perf_counter() - start)
        print(f"  render {mode:<3}                      {median_ms(samples):7.2f} ms/frame")

    raster = Rasterizer(figure)
    p_frames = [raster.frame(i, "P") for i in range(count)]
    rgb_frames = [raster.frame(i, "RGB") for i in range(count)]
    durations = figure.durations
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        encoders: list[tuple[str, Callable[[], object]]] = [
            ("GIF (P frames)", lambda: write_gif(p_frames, durations, out / "a.gif")),
            ("PNG files (P frames)", lambda: write_frame_files(p_frames, out, "f")),
            ("APNG (P frames)", lambda: write_apng(p_frames, durations, out / "a.png")),
            ("WebP lossless (RGB)", lambda: write_webp(rgb_frames, durations, out / "a.webp")),
            ("MP4 (RGB)", lambda: write_mp4(rgb_frames, durations, out / "a.mp4")),
        ]
        for name, action in encoders:
            ms = per_frame(action, count, max(3, repeat // 4))
            print(f"  {name:<32} {ms:7.2f} ms/frame")
        for name in ("a.gif", "a.png", "a.webp", "a.mp4"):
            print(f"  size of {name:<25} {(out / name).stat().st_size / 1024:7.1f} KB")
        pngs = sum(p.stat().st_size for p in out.glob("f_*.png"))
        print(f"  size of {count} PNG frames          {pngs / 1024:7.1f} KB")


# (input size, padding, kernel, stride) of 19 figures shaped like the guide's
# animations (transposed ones as their equivalent direct convolutions): 358 frames.
GALLERY = [
    (4, 0, 3, 1), (5, 2, 4, 1), (5, 1, 3, 1), (5, 2, 3, 1), (5, 0, 3, 2), (5, 1, 3, 2),
    (6, 1, 3, 2), (7, 0, 5, 1), (2, 2, 3, 1), (6, 1, 4, 1), (5, 1, 3, 1), (7, 0, 3, 1),
    (3, 2, 3, 1), (5, 1, 3, 1), (6, 1, 3, 1), (5, 0, 3, 1), (5, 0, 3, 1), (5, 1, 3, 2),
    (5, 1, 3, 2),
]  # fmt: skip


def gallery_cell(shape: tuple[int, int, int, int]) -> float:
    """Cell size that keeps a gallery figure near 400x480 px, as the gallery does."""
    padded = shape[0] + 2 * shape[1]
    return 30.0 * 7 / max(7, padded)


def gallery_figure(shape: tuple[int, int, int, int]) -> None:
    """Render one gallery figure once, writing its GIF and its PNG frames."""
    figure = classic_figure(*shape, gallery_cell(shape))
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        frames = render_frames(figure, mode="P")
        teed = tee_frame_files(frames, out, "f", count=len(frames))
        write_gif(teed, figure.durations, out / "a.gif")


def bench_gallery(repeat: int) -> None:
    """The gallery's raster share: 19 figures, GIF + PNG frames from one render each."""
    figures = [classic_figure(*shape, gallery_cell(shape)) for shape in GALLERY]
    frames = sum(figure.frame_count for figure in figures)
    pixels = statistics.mean(math.ceil(f.width) * math.ceil(f.height) for f in figures)
    serial, parallel = [], []
    for _ in range(max(3, repeat // 5)):
        start = time.perf_counter()
        for shape in GALLERY:
            gallery_figure(shape)
        serial.append(time.perf_counter() - start)
        with multiprocessing.Pool(2) as pool:
            start = time.perf_counter()
            pool.map(gallery_figure, GALLERY, chunksize=1)
            parallel.append(time.perf_counter() - start)
    print(
        f"gallery-like set: {len(GALLERY)} figures, {frames} frames of {pixels / 1e3:.0f} kpx "
        "on average, GIF + PNG frames: "
        f"{statistics.median(serial):.2f} s on one core, "
        f"{statistics.median(parallel):.2f} s with 2 processes (medians)"
    )


def bench_large(runs: int) -> None:
    figure = large()
    raster = Rasterizer(figure)
    print(
        f"large: {figure.frame_count} frames of {raster.size[0]}x{raster.size[1]} px "
        f"(supersample {raster.supersample}x)"
    )
    start = time.perf_counter()
    raster = Rasterizer(figure)
    print(f"  setup                            {(time.perf_counter() - start) * 1e3:7.0f} ms")
    samples = []
    raster.frame(0, "P")
    for index in range(0, figure.frame_count, 7):
        start = time.perf_counter()
        raster.frame(index, "P")
        samples.append(time.perf_counter() - start)
    print(f"  render P                         {median_ms(samples):7.2f} ms/frame")
    with tempfile.TemporaryDirectory() as folder:
        for times in (1, 2):
            path = str(Path(folder) / f"large{times}.gif")
            code = _LARGE_GIF.format(
                figures=str(ROOT / "tests" / "support"), times=times, path=path
            )
            inner, walls = [], []
            for _ in range(runs):
                start = time.perf_counter()
                result = subprocess.run(
                    [sys.executable, "-c", code], capture_output=True, text=True, check=True
                )
                walls.append(time.perf_counter() - start)
                seconds, frames = result.stdout.split()
                inner.append(float(seconds))
            # ru_maxrss of children: the largest of all child processes so far.
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            size = Path(path).stat().st_size / 1e6
            print(
                f"  GIF x{times}: {frames} frames, render+encode median {statistics.median(inner):.2f} s "
                f"(min {min(inner):.2f} s, {statistics.median(inner) / int(frames) * 1e3:.2f} ms/frame), "
                f"process {statistics.median(walls):.2f} s, peak RSS so far {peak:.0f} MB, {size:.1f} MB"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--large-runs", type=int, default=3)
    args = parser.parse_args()
    bench_small(args.repeat)
    bench_gallery(args.repeat)
    if not args.skip_large:
        bench_large(args.large_runs)


if __name__ == "__main__":
    main()
