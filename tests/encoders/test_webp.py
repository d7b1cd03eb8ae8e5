"""Animated lossless WebP: frames, sizes, durations, pixels, frames from a stream."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from convarith.core.errors import ConvArithError
from convarith.encoders import write_webp
from convarith.figure.primitives import Figure
from support.read_back import read_back


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
