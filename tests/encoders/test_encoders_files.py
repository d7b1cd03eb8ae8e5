"""Every animation writer checks its destination first and writes atomically: a failure leaves no file."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image

from convarith.core.errors import ConvArithError
from convarith.encoders import write_apng, write_gif, write_mp4, write_webp

Writer = Callable[..., Path]


WRITERS = [
    pytest.param(write_gif, "gif", id="gif"),
    pytest.param(write_apng, "png", id="apng"),
    pytest.param(write_webp, "webp", id="webp"),
    pytest.param(
        write_mp4,
        "mp4",
        id="mp4",
        marks=pytest.mark.skipif(
            importlib.util.find_spec("imageio_ffmpeg") is None, reason="needs convarith[mp4]"
        ),
    ),
]


def failing(frames: list[Image.Image], after: int, error: BaseException) -> Iterator[Image.Image]:
    yield from frames[:after]
    raise error


@pytest.mark.parametrize(("writer", "suffix"), WRITERS)
@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt()])
def test_a_failure_mid_stream_leaves_no_file(
    writer: Writer,
    suffix: str,
    error: BaseException,
    p_frames: list[Image.Image],
    tmp_path: Path,
) -> None:
    with pytest.raises(type(error)):
        writer(failing(p_frames, 3, error), [100] * 9, tmp_path / f"a.{suffix}")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("writer", "suffix"), WRITERS)
def test_a_failure_leaves_an_existing_file_intact(
    writer: Writer, suffix: str, p_frames: list[Image.Image], tmp_path: Path
) -> None:
    target = tmp_path / f"a.{suffix}"
    target.write_bytes(b"the previous animation")
    with pytest.raises(RuntimeError):
        writer(failing(p_frames, 2, RuntimeError("boom")), [100] * 9, target)
    assert target.read_bytes() == b"the previous animation"
    assert list(tmp_path.iterdir()) == [target]


@pytest.mark.parametrize(("writer", "suffix"), WRITERS)
def test_an_unwritable_path_fails_before_any_frame(
    writer: Writer, suffix: str, tmp_path: Path
) -> None:
    def frames() -> Iterator[Image.Image]:
        raise AssertionError("a frame was drawn")
        yield  # pragma: no cover

    with pytest.raises(
        ConvArithError, match=r"^cannot write to path='.*': the folder '.*missing' does not exist$"
    ):
        writer(frames(), [100], tmp_path / "missing" / f"a.{suffix}")
