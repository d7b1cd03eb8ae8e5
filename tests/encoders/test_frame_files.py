"""Numbered frame files, and one render feeding a GIF and PNG frames at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageSequence

from convarith.backends.raster import render_frames
from convarith.core.errors import ConvArithError
from convarith.encoders import tee_frame_files, write_frame_files, write_gif
from convarith.figure.primitives import Figure


def test_frame_files_are_numbered_with_enough_digits(tmp_path: Path) -> None:
    few = write_frame_files([Image.new("P", (2, 2))] * 9, tmp_path, "few")
    assert [p.name for p in few] == [f"few_{i:02d}.png" for i in range(9)]
    # As wide as the largest number: 100 frames end at _99, 101 at _100.
    hundred = write_frame_files(
        (Image.new("P", (2, 2)) for _ in range(100)), tmp_path, "hundred", count=100
    )
    assert hundred[0].name == "hundred_00.png" and hundred[-1].name == "hundred_99.png"
    more = write_frame_files(
        (Image.new("P", (2, 2)) for _ in range(101)), tmp_path, "more", count=101
    )
    assert more[0].name == "more_000.png" and more[-1].name == "more_100.png"
    assert len(list(tmp_path.iterdir())) == 210  # and no temporary files


def test_frame_files_need_a_count_and_a_known_suffix(tmp_path: Path) -> None:
    frames = (Image.new("P", (2, 2)) for _ in range(2))
    with pytest.raises(ConvArithError, match="count=None needs frames that know their length"):
        write_frame_files(frames, tmp_path, "f")
    with pytest.raises(ConvArithError, match=r"^ext='\.tiff' must be one of \.png, \.gif, \.webp$"):
        write_frame_files([Image.new("P", (2, 2))], tmp_path, "f", ext=".tiff")
    with pytest.raises(ConvArithError, match="it is not an existing folder"):
        write_frame_files([Image.new("P", (2, 2))], tmp_path / "nope", "f")


def test_one_render_feeds_a_gif_and_png_frames(classic: Figure, tmp_path: Path) -> None:
    drawn = 0

    def counted(frames: Iterator[Image.Image]) -> Iterator[Image.Image]:
        nonlocal drawn
        for frame in frames:
            drawn += 1
            yield frame

    stream = render_frames(classic, mode="P")
    teed = tee_frame_files(counted(stream), tmp_path, "conv", count=len(stream))
    gif = write_gif(teed, classic.durations, tmp_path / "conv.gif")
    assert drawn == classic.frame_count == 9
    pngs = sorted(tmp_path.glob("conv_*.png"))
    assert [p.name for p in pngs] == [f"conv_{i:02d}.png" for i in range(9)]
    with Image.open(gif) as animation:
        for frame, png in zip(ImageSequence.Iterator(animation), pngs, strict=True):
            with Image.open(png) as single:
                assert single.mode == "P" and single.size == animation.size
                assert np.array_equal(
                    np.asarray(frame.convert("RGB")), np.asarray(single.convert("RGB"))
                )
