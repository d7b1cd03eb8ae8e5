"""APNG and WebP: frame counts, sizes, durations, pixels; MP4 without its extra."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageSequence

from convarith.core.errors import ConvArithError
from convarith.encoders import mp4, write_apng, write_mp4, write_webp
from convarith.figure.primitives import Figure


def read_back(path: Path) -> tuple[list[np.ndarray], list[int], dict[str, object]]:
    with Image.open(path) as animation:
        info = dict(animation.info)
        pixels, durations = [], []
        for frame in ImageSequence.Iterator(animation):
            pixels.append(np.asarray(frame.convert("RGB")))
            durations.append(int(frame.info["duration"]))
    return pixels, durations, info


def test_apng_streams_exact_frames(
    classic: Figure, p_frames: list[Image.Image], tmp_path: Path
) -> None:
    path = write_apng(p_frames, classic.durations, tmp_path / "a.png")
    pixels, durations, info = read_back(path)
    assert len(pixels) == 9 and durations == list(classic.durations)
    assert info["loop"] == 0
    for got, frame in zip(pixels, p_frames, strict=True):
        assert np.array_equal(got, np.asarray(frame.convert("RGB")))
    with Image.open(path) as animation:
        assert animation.mode == "P"  # palette frames stay palette frames
        animation.seek(4)
        assert animation.dispose_extent != (0, 0, *animation.size)  # a changed rectangle


def test_apng_of_rgb_frames_plays_once(rgb_frames: list[Image.Image], tmp_path: Path) -> None:
    path = write_apng(rgb_frames[:3], [100, 250, 400], tmp_path / "a.apng", loop=False)
    pixels, durations, info = read_back(path)
    assert durations == [100, 250, 400] and info["loop"] == 1
    for got, frame in zip(pixels, rgb_frames, strict=False):
        assert np.array_equal(got, np.asarray(frame))


def test_webp_is_lossless_and_timed(
    classic: Figure, rgb_frames: list[Image.Image], tmp_path: Path
) -> None:
    path = write_webp(rgb_frames, classic.durations, tmp_path / "a.webp")
    pixels, durations, info = read_back(path)
    assert len(pixels) == 9 and durations == list(classic.durations)
    assert info["loop"] == 0
    for got, frame in zip(pixels, rgb_frames, strict=True):
        assert got.shape[:2] == (frame.height, frame.width)
        assert np.array_equal(got, np.asarray(frame))


def test_webp_takes_palette_frames_from_a_stream(
    p_frames: list[Image.Image], tmp_path: Path
) -> None:
    path = write_webp(iter(p_frames[:4]), [100] * 4, tmp_path / "p.webp", loop=False)
    pixels, _, info = read_back(path)
    assert len(pixels) == 4 and info["loop"] == 1
    assert np.array_equal(pixels[3], np.asarray(p_frames[3].convert("RGB")))
    with pytest.raises(ConvArithError, match="more frames than the 3 durations"):
        write_webp(iter(p_frames[:4]), [100] * 3, tmp_path / "q.webp")
    assert not (tmp_path / "q.webp").exists()


def test_mp4_without_the_extra_fails_before_any_frame(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # import fails

    def frames() -> Image.Image:
        raise AssertionError("a frame was drawn")

    message = r"^MP4 output needs the optional extra: pip install 'convarith\[mp4\]'$"
    with pytest.raises(ConvArithError, match=message):
        write_mp4((frames() for _ in range(2)), [100, 100], tmp_path / "a.mp4")
    with pytest.raises(ConvArithError, match=message):
        mp4.require_ffmpeg()
    assert list(tmp_path.iterdir()) == []
