"""MP4 through imageio-ffmpeg: frame rate, durations, even size, ffmpeg's errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from convarith.core.errors import ConvArithError
from convarith.encoders import mp4, write_mp4
from convarith.figure.primitives import Figure

imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")


def test_mp4_honours_durations_and_even_size(
    classic: Figure, p_frames: list[Image.Image], tmp_path: Path
) -> None:
    path = write_mp4(p_frames, classic.durations, tmp_path / "a.mp4")
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(path))
    assert frames == 10  # 1 fps: eight 1 s frames and one 2 s frame
    assert seconds == pytest.approx(10, abs=0.05)
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    width, height = p_frames[0].size
    assert meta["size"] == (width + width % 2, height + height % 2)
    first = np.frombuffer(next(reader), np.uint8).reshape(meta["size"][1], meta["size"][0], 3)
    reader.close()
    expected = np.asarray(p_frames[0].convert("RGB"), dtype=int)
    # Lossy, but close: the padding takes the background colour.
    assert np.abs(first[:height, :width].astype(int) - expected).mean() < 3
    assert np.abs(first[:, width:].astype(int) - 255).max() < 8


def test_mp4_rate_for_short_frames(rgb_frames: list[Image.Image], tmp_path: Path) -> None:
    path = write_mp4(rgb_frames[:3], [40, 80, 120], tmp_path / "b.mp4")
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(path))
    assert frames == 6 and seconds == pytest.approx(0.24, abs=0.01)  # 25 fps: 1 + 2 + 3


def test_mp4_failure_shows_ffmpegs_message(
    monkeypatch: pytest.MonkeyPatch, p_frames: list[Image.Image], tmp_path: Path
) -> None:
    command = mp4._command

    def broken(*args: object) -> list[str]:
        words = command(*args)  # type: ignore[arg-type]
        words[words.index("libx264")] = "no_such_codec"
        return words

    monkeypatch.setattr(mp4, "_command", broken)
    with pytest.raises(ConvArithError, match=r"^ffmpeg could not write .*a\.mp4: .*no_such_codec"):
        write_mp4(p_frames[:2], [100, 100], tmp_path / "a.mp4")
    assert list(tmp_path.iterdir()) == []
