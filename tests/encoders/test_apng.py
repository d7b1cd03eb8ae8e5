"""The streaming APNG writer: exact frames, durations, loop, changed rectangles."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from convarith.encoders import write_apng
from convarith.figure.primitives import Figure
from support.read_back import read_back


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
