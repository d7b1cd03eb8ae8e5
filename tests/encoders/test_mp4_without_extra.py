"""MP4 without its optional extra: refused in one line before any frame is drawn.

Apart from test_mp4.py, which needs imageio-ffmpeg installed: this test removes it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PIL import Image

from convarith.core.errors import ConvArithError
from convarith.encoders import mp4, write_mp4


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
