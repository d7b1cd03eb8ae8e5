"""Numbered frame files, and one render feeding a GIF and PNG frames at once."""

from __future__ import annotations

import zlib
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


def _frames(count: int, color: str = "red") -> list[Image.Image]:
    return [Image.new("RGB", (3, 3), color) for _ in range(count)]


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_new_render_replaces_the_old_frames_whole(tmp_path: Path) -> None:
    write_frame_files(_frames(100), tmp_path, "conv")
    for name in ("other.txt", "conv2_00.png", "conv_00.gif"):
        (tmp_path / name).write_text("unrelated")
    written = write_frame_files(_frames(9, "blue"), tmp_path, "conv")
    frames = [f"conv_{n:02d}.png" for n in range(9)]
    assert [p.name for p in written] == frames
    # The other 91 frames of the older render are gone; nothing else is touched.
    assert _listing(tmp_path) == sorted([*frames, "conv2_00.png", "conv_00.gif", "other.txt"])
    with Image.open(tmp_path / "conv_08.png") as image:
        assert image.convert("RGB").getpixel((1, 1)) == (0, 0, 255)
    assert (tmp_path / "other.txt").read_text() == "unrelated"


def test_frames_appear_together_after_the_last_one(tmp_path: Path) -> None:
    write_frame_files(_frames(3), tmp_path, "conv")
    before = {name: (tmp_path / name).read_bytes() for name in _listing(tmp_path)}
    teed = tee_frame_files(_frames(4, "blue"), tmp_path, "conv")
    for _ in range(3):
        next(teed)
        # Mid-render: the previous set, whole and unchanged, and a hidden temporary folder.
        assert {n: (tmp_path / n).read_bytes() for n in _listing(tmp_path) if n[0] != "."} == before
    next(teed)  # the last frame: the set is swapped in before it is passed on
    assert [n for n in _listing(tmp_path)] == [f"conv_{n:02d}.png" for n in range(4)]


@pytest.mark.parametrize("stop", ["close", "consumer fails", "fewer frames"])
def test_a_render_that_stops_leaves_the_previous_frames(tmp_path: Path, stop: str) -> None:
    write_frame_files(_frames(5), tmp_path, "conv")
    before = {name: (tmp_path / name).read_bytes() for name in _listing(tmp_path)}
    if stop == "close":
        teed = tee_frame_files(_frames(9, "blue"), tmp_path, "conv")
        next(teed)
        teed.close()
    elif stop == "consumer fails":
        with pytest.raises(RuntimeError):
            write_gif(
                (
                    frame if n < 4 else (_ for _ in ()).throw(RuntimeError("encoder failed"))
                    for n, frame in enumerate(tee_frame_files(_frames(9, "blue"), tmp_path, "conv"))
                ),
                [100] * 9,
                tmp_path / "conv.gif",
            )
    else:
        with pytest.raises(ConvArithError, match=r"^frames: 6 frames, fewer than count=9"):
            write_frame_files(_frames(6, "blue"), tmp_path, "conv", count=9)
    assert {name: (tmp_path / name).read_bytes() for name in _listing(tmp_path)} == before


def test_png_frames_are_compressed_at_the_chosen_level(tmp_path: Path) -> None:
    from convarith.encoders.frame_files import PNG_LEVEL

    frames = [Image.new("P", (40, 30), 1), Image.new("P", (40, 30), 2)]
    [first, _] = write_frame_files(frames, tmp_path, "f")
    data = first.read_bytes()
    idat = data[data.index(b"IDAT") + 4 :]
    # zlib's header says how hard it worked: level 2 to 5 is "fast" (1), 6 "default" (2).
    expected = 0 if PNG_LEVEL < 2 else 1 if PNG_LEVEL < 6 else 2 if PNG_LEVEL == 6 else 3
    assert idat[0] == 0x78 and idat[1] >> 6 == expected
    assert Image.open(first).getpixel((0, 0)) == 1


def _idat_rows(data: bytes, width: int, height: int) -> list[bytes]:
    """The unfiltered rows of an 8-bit palette PNG, each with its filter byte first."""
    position, idat = 8, b""
    while position < len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        if data[position + 4 : position + 8] == b"IDAT":
            idat += data[position + 8 : position + 8 + length]
        position += 12 + length
    raw = zlib.decompress(idat)
    assert len(raw) == height * (width + 1)
    return [raw[y * (width + 1) : (y + 1) * (width + 1)] for y in range(height)]


def test_png_frames_decode_to_the_frames_pixels(
    p_frames: list[Image.Image], tmp_path: Path
) -> None:
    rng = np.random.default_rng(0)
    rgba = Image.fromarray(rng.integers(0, 256, (20, 30, 4), dtype=np.uint8), "RGBA")
    rgb = rgba.convert("RGB")
    frames = [*p_frames[:3], rgb, rgba]
    paths = write_frame_files(frames, tmp_path, "f")
    for frame, path in zip(frames, paths, strict=True):
        with Image.open(path) as single:
            assert single.mode == frame.mode
            assert single.tobytes() == frame.tobytes()
            assert single.getpalette() == frame.getpalette()
        if frame.mode == "P":
            # Unfiltered rows: what the measured levels and strategies assume.
            rows = _idat_rows(path.read_bytes(), *frame.size)
            assert {row[0] for row in rows} == {0}
            assert b"".join(row[1:] for row in rows) == frame.tobytes()
