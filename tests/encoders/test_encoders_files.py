"""Atomic writing, the writability check, numbered frame files, and one render feeding two outputs."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageSequence

from convarith.backends.raster import render_frames
from convarith.core.errors import ConvArithError
from convarith.encoders import (
    tee_frame_files,
    write_apng,
    write_frame_files,
    write_gif,
    write_mp4,
    write_webp,
)
from convarith.figure.primitives import Figure
from convarith.files.atomic import atomic_output
from convarith.files.places import check_file_place

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
        ConvArithError, match=r"^cannot write to .*: the folder .*missing does not exist$"
    ):
        writer(frames(), [100], tmp_path / "missing" / f"a.{suffix}")


def test_check_writable_names_the_reason(tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("")
    with pytest.raises(
        ConvArithError, match=r"^cannot write to .*file/a\.gif: .* is not a folder$"
    ):
        check_file_place(a_file / "a.gif")
    with pytest.raises(ConvArithError, match=r"^cannot write to .*: it is a directory$"):
        check_file_place(tmp_path)
    assert check_file_place(tmp_path / "ok.gif") == tmp_path / "ok.gif"
    assert list(tmp_path.iterdir()) == [a_file]  # the probe is gone


def test_atomic_output_replaces_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with atomic_output(target) as temporary:
        assert temporary.parent == tmp_path and temporary.suffix == ".txt"
        temporary.write_text("first")
        assert not target.exists()
    assert target.read_text() == "first"
    with pytest.raises(KeyboardInterrupt), atomic_output(target) as temporary:
        temporary.write_text("second")
        raise KeyboardInterrupt
    assert target.read_text() == "first"
    assert list(tmp_path.iterdir()) == [target]


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
