"""A figure without a background (``--background none``) is transparent in every raster format.

Each file is decoded and read at three places: the margin (clear in every
frame), an input cell (opaque), and a padding cell that the window shades in
the first frame only (translucent, then clear again in the last frame, so a
format that stores changed rectangles must take pixels back to clear).  MP4,
which has no alpha, refuses such a figure in one line before drawing a frame.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageSequence

import convarith
from convarith.backends.raster import render_frames
from convarith.core.errors import ConvArithError
from convarith.encoders import mp4, write_mp4
from convarith.figure.primitives import Polygon
from support.views_cases import centroid, dynamic_frame

PARAMS = {"kernel_size": 3, "stride": 2, "padding": 1}
INPUT, SHADE = (38, 139, 210), (7, 54, 66)


@pytest.fixture(scope="module")
def clear() -> convarith.Animation:
    return convarith.animate("conv", (5, 5), background=None, **PARAMS)


@pytest.fixture(scope="module")
def places(clear: convarith.Animation) -> dict[str, tuple[int, int]]:
    """Pixel positions: the margin, an input cell, a padding cell shaded in frame 0 only."""
    fig, sc = clear.figure, clear.scene
    static = [p for layer in fig.layers if hasattr(layer, "primitives") for p in layer.primitives]
    cell = next(p for p in static if isinstance(p, Polygon) and p.fill == INPUT)
    first = sc.frames[0]
    last_taps = {t.grid for t in sc.frames[-1].taps}
    shaded = [p for p in dynamic_frame(fig, 0, 0) if isinstance(p, Polygon) and p.fill == SHADE]
    padding = [
        poly
        for tap, poly in zip(first.taps, shaded)
        if tap.input is None and tap.grid not in last_taps
    ]
    assert padding, "the first window should shade padding the last one does not"

    def pixel(point: tuple[float, float]) -> tuple[int, int]:
        return round(point[0]), round(point[1])

    return {
        "margin": (1, 1),
        "cell": pixel(centroid(cell.points)),
        "padding": pixel(centroid(padding[0].points)),
    }


def _frames(path: Path) -> list[Image.Image]:
    with Image.open(path) as image:
        return [f.convert("RGBA") for f in ImageSequence.Iterator(image)]


def _check(frames: list[Image.Image], places: dict[str, tuple[int, int]], gif: bool) -> None:
    assert len(frames) == 9
    for frame in frames:
        assert frame.getpixel(places["margin"])[3] == 0
        assert frame.getpixel(places["cell"])[3] == 255
    shaded = frames[0].getpixel(places["padding"])
    if gif:
        # One transparent index: the shading is drawn as it looks on white.
        expected = tuple(round(255 + (s - 255) * 0.4) for s in SHADE)
        assert shaded[3] == 255
        assert all(abs(a - b) <= 3 for a, b in zip(shaded[:3], expected)), shaded
    else:
        assert abs(shaded[3] - round(0.4 * 255)) <= 3, shaded
        assert all(abs(a - b) <= 4 for a, b in zip(shaded[:3], SHADE)), shaded
    assert frames[-1].getpixel(places["padding"])[3] == 0


@pytest.mark.parametrize("ext", ["gif", "webp", "apng", "png"])
def test_animation_files_keep_the_transparent_background(
    clear: convarith.Animation, places: dict, ext: str, tmp_path: Path
) -> None:
    (path,) = clear.save(tmp_path / f"a.{ext}")
    _check(_frames(path), places, gif=ext == "gif")


def test_png_frames_keep_the_transparent_background(
    clear: convarith.Animation, places: dict, tmp_path: Path
) -> None:
    paths = clear.save(f"{tmp_path}/frames/")
    frames = [Image.open(p).convert("RGBA") for p in paths]
    _check(frames, places, gif=False)


def test_opaque_figures_stay_opaque(tmp_path: Path) -> None:
    anim = convarith.animate("conv", (5, 5), **PARAMS)
    for ext in ("gif", "webp", "apng"):
        (path,) = anim.save(tmp_path / f"a.{ext}")
        for frame in _frames(path):
            assert np.asarray(frame)[..., 3].min() == 255


def test_mp4_refuses_transparency_before_drawing_a_frame(
    clear: convarith.Animation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ConvArithError, match=r"^background=None .*MP4") as info:
        mp4.check_opaque(clear.figure)
    assert "\n" not in str(info.value)
    stream = render_frames(clear.figure)
    drawn = []
    monkeypatch.setattr(stream.raster, "frame", lambda *a, **k: drawn.append(a))
    with pytest.raises(ConvArithError, match=r"^background=None .*MP4"):
        write_mp4(stream, clear.figure.durations, tmp_path / "a.mp4")
    assert drawn == []
    # Frames that are not a stream are read up to the first.
    rgba = [Image.new("RGBA", (4, 4))] * 2
    with pytest.raises(ConvArithError, match=r"^background=None .*MP4"):
        write_mp4(rgba, [100, 100], tmp_path / "b.mp4")
    assert list(tmp_path.iterdir()) == []


def test_saving_a_transparent_mp4_is_refused_in_one_line(
    clear: convarith.Animation, tmp_path: Path
) -> None:
    pytest.importorskip("imageio_ffmpeg")  # without it, the missing extra is said first
    with pytest.raises(ConvArithError) as info:
        clear.save(tmp_path / "a.mp4")
    assert "\n" not in str(info.value)
    assert "background" in str(info.value) and "MP4" in str(info.value)
    assert list(tmp_path.iterdir()) == []
