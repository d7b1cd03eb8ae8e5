"""The GIF writer against a straightforward reference: the same bytes, the same decoded frames.

The reference does each step the plain way: numpy finds the changed box and
the unchanged pixels, ``GifImagePlugin.getdata`` writes each frame.  The
writer does the same with Pillow operations and its own frame headers, so
any difference in a box, a transparent pixel or a header byte shows here.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable

import numpy as np
import pytest
from PIL import GifImagePlugin, Image, ImageSequence

from convarith.encoders._stream import changed_box, difference, unchanged_mask
from convarith.encoders.gif import GifStream, _Clear, _frame_bytes

Frames = list[Image.Image]


def p_frame(indices: np.ndarray, palette: list[int]) -> Image.Image:
    image = Image.fromarray(indices.astype(np.uint8), "P")
    image.putpalette(palette)
    return image


def reference_gif(frames: Frames, durations: list[int]) -> bytes:
    """An opaque GIF of ``P`` frames sharing one palette, each step done the plain way."""
    palette = frames[0].getpalette() or []
    colors = len(palette) // 3
    transparent = colors if colors < 256 else None
    width, height = frames[0].size
    bits = max(1, (colors + (transparent is not None) - 1).bit_length())
    table = bytes(palette) + bytes(3 * (1 << bits) - len(palette))
    packed = 0x80 | ((bits - 1) << 4) | (bits - 1)
    out = [b"GIF89a", struct.pack("<HHBBB", width, height, packed, 0, 0), table]
    out.append(b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00")
    previous: np.ndarray | None = None
    for frame, duration in zip(frames, durations, strict=True):
        now = np.array(frame)
        extra: dict[str, int] = {}
        if previous is None:
            box = (0, 0, width, height)
            part = now
        else:
            rows, columns = np.nonzero(now != previous)
            if rows.size:
                box = (columns.min(), rows.min(), columns.max() + 1, rows.max() + 1)
            else:
                box = (0, 0, 1, 1)
            left, top, right, bottom = (int(v) for v in box)
            box = (left, top, right, bottom)
            part = now[top:bottom, left:right]
            if transparent is not None:
                same = part == previous[top:bottom, left:right]
                part = np.where(same, transparent, part)
                extra["transparency"] = transparent
        centiseconds = min(max(round(duration / 10), 1), 0xFFFF)
        image = Image.fromarray(part.astype(np.uint8), "P")
        out += GifImagePlugin.getdata(
            image, offset=box[:2], duration=centiseconds * 10, disposal=1, **extra
        )
        previous = now
    out.append(b";")
    return b"".join(out)


def written(frames: Frames, durations: list[int]) -> bytes:
    buffer = io.BytesIO()
    gif = GifStream(buffer)
    for frame, duration in zip(frames, durations, strict=True):
        gif.add(frame, duration)
    gif.close()
    return buffer.getvalue()


def decoded_rgba(data: bytes) -> list[np.ndarray]:
    with Image.open(io.BytesIO(data)) as gif:
        return [np.asarray(f.convert("RGBA")) for f in ImageSequence.Iterator(gif)]


def changes_in_several_places(colors: int, seed: int = 0) -> Frames:
    """Frames whose changes are scattered (one box holds unchanged pixels), with repeats."""
    rng = np.random.default_rng(seed)
    palette = rng.integers(0, 256, 3 * colors).tolist()
    height, width = 40, 70
    current = rng.integers(0, colors, (height, width))
    frames = [p_frame(current, palette)]
    for n in range(1, 24):
        current = current.copy()
        if n % 6 == 3:
            pass  # a frame equal to the one before
        elif n % 6 == 5:
            current[height - 1, width - 1] = (current[height - 1, width - 1] + 1) % colors
        else:
            for _ in range(rng.integers(2, 5)):  # a few spots far apart
                y, x = rng.integers(0, height - 3), rng.integers(0, width - 3)
                size = rng.integers(1, 4, 2)
                current[y : y + size[0], x : x + size[1]] = rng.integers(0, colors)
        frames.append(p_frame(current, palette))
    return frames


def same_everywhere(colors: int) -> Frames:
    palette = [n % 256 for n in range(3 * colors)]
    return [p_frame(np.full((5, 7), colors - 1), palette) for _ in range(4)]


def edges_and_corners(colors: int) -> Frames:
    """Changes at the four edges, a single pixel, and the whole frame at once."""
    palette = [(7 * i) % 256 for i in range(3 * colors)]
    base = np.zeros((9, 12), dtype=int)
    steps = [base]
    for change in [(0, 0), (8, 11), (0, 11), (8, 0), (4, 5)]:
        frame = steps[-1].copy()
        frame[change] = colors - 1 - frame[change]
        steps.append(frame)
    steps.append((steps[-1] + 1) % colors)
    return [p_frame(frame, palette) for frame in steps]


CASES: dict[str, Callable[[], Frames]] = {
    "several places, 200 colours": lambda: changes_in_several_places(200),
    "several places, 256 colours (no free index)": lambda: changes_in_several_places(256, 1),
    "several places, 2 colours": lambda: changes_in_several_places(2, 2),
    "unchanged frames, 16 colours": lambda: same_everywhere(16),
    "unchanged frames, 256 colours": lambda: same_everywhere(256),
    "edges and corners, 255 colours": lambda: edges_and_corners(255),
    "edges and corners, 256 colours": lambda: edges_and_corners(256),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bytes_are_those_of_the_reference(case: str) -> None:
    frames = CASES[case]()
    durations = [10 * (n + 1) + 3 for n in range(len(frames))]
    assert written(frames, durations) == reference_gif(frames, durations)


@pytest.mark.parametrize("case", list(CASES))
def test_every_frame_decodes_to_its_pixels(case: str) -> None:
    frames = CASES[case]()
    data = written(frames, [100] * len(frames))
    got = decoded_rgba(data)
    assert len(got) == len(frames)
    for image, frame in zip(got, frames, strict=True):
        assert np.array_equal(image, np.asarray(frame.convert("RGBA")))


def test_unchanged_pixels_inside_the_box_are_stored_transparent() -> None:
    palette = list(range(30))
    first = np.zeros((6, 10), dtype=np.uint8)
    second = first.copy()
    second[1, 1] = second[4, 8] = 3  # two spots: the box between them is mostly unchanged
    data = written([p_frame(first, palette), p_frame(second, palette)], [100, 100])
    with Image.open(io.BytesIO(data)) as gif:
        gif.seek(1)
        assert gif.dispose_extent == (1, 1, 9, 5)
    # The second frame's graphic control: leave in place (1), transparent index 10,
    # the first past the palette's 10 colours.
    control = data.index(b"!\xf9\x04", data.index(b"!\xf9\x04") + 1)
    flags, _, index = struct.unpack("<BHB", data[control + 3 : control + 7])
    assert flags == (1 << 2) | 1 and index == 10
    # The box's pixels: the two changed ones, and index 10 everywhere between them.
    image = data.index(b",", control + 8)
    assert struct.unpack("<HHHH", data[image + 1 : image + 9]) == (1, 1, 8, 4)
    width, height = 8, 4
    stored = np.full((height, width), 10)
    stored[0, 0] = stored[3, 7] = 3
    part = p_frame(stored, palette)
    assert data[image + 11 :].startswith(part.tobytes("gif", "P"))


@pytest.mark.parametrize("transparent", [None, 0, 7, 255])
@pytest.mark.parametrize("disposal", [1, 2])
@pytest.mark.parametrize(
    ("size", "offset", "duration"),
    [
        ((1, 1), (0, 0), 1),
        ((3, 2), (5, 9), 1234),
        ((700, 300), (300, 2), 655350),
        ((9, 4), (1, 0), 10**7),
    ],
)
def test_frame_bytes_are_those_of_getdata(
    transparent: int | None,
    disposal: int,
    size: tuple[int, int],
    offset: tuple[int, int],
    duration: int,
) -> None:
    rng = np.random.default_rng(size[0])
    # Noise: the 700x300 part takes more than one 64 kB round of the encoder.
    part = Image.fromarray(rng.integers(0, 256, size[::-1], dtype=np.uint8), "P")
    part.putpalette(list(range(256)) * 3)
    extra = {} if transparent is None else {"transparency": transparent}
    centiseconds = min(max(round(duration / 10), 1), 0xFFFF)
    expected = b"".join(
        GifImagePlugin.getdata(
            part, offset=offset, duration=centiseconds * 10, disposal=disposal, **extra
        )
    )
    assert _frame_bytes(part, offset, duration, disposal, transparent) == expected


def test_settings_left_on_a_frame_by_another_encoder_do_not_matter() -> None:
    frames = changes_in_several_places(100)[:3]
    clean = written(frames, [100] * 3)
    for frame in frames:
        frame.save(io.BytesIO(), format="PNG", compress_level=1)  # leaves encoderconfig behind
    assert written(frames, [100] * 3) == clean


@pytest.mark.parametrize("mode", ["P", "L", "RGB"])
def test_difference_box_and_unchanged_mask_match_numpy(mode: str) -> None:
    rng = np.random.default_rng(3)
    shape = (17, 23, 3) if mode == "RGB" else (17, 23)
    before = rng.integers(0, 256, shape, dtype=np.uint8)
    after = before.copy()
    after[2:5, 7] += 1  # wraps 255 -> 0: still a change
    after[11, 3:9] = 255 - after[11, 3:9]
    previous, current = Image.fromarray(before, mode), Image.fromarray(after, mode)
    changed = (before != after).reshape(17, 23, -1).any(axis=2)
    rows, columns = np.nonzero(changed)
    box = (columns.min(), rows.min(), columns.max() + 1, rows.max() + 1)
    assert changed_box(previous, current) == box
    assert changed_box(previous, previous) is None
    if mode != "RGB":
        delta = difference(previous, current)
        assert np.array_equal(np.asarray(delta) == 0, ~changed)
        mask = unchanged_mask(delta.crop(box))
        left, top, right, bottom = box
        assert mask.mode == "1"
        assert np.array_equal(np.asarray(mask), ~changed[top:bottom, left:right])


def reference_indexed(clear: _Clear, frame: Image.Image) -> np.ndarray:
    """What :meth:`_Clear.indexed` gives for a ``P`` frame, computed with numpy."""
    rgba = [tuple(c) for c in np.array(frame.getpalette("RGBA")).reshape(-1, 4)]
    table = [clear.index if c[3] < 64 else n for n, c in enumerate(rgba)]
    table += [clear.index] * (256 - len(table))
    indices: np.ndarray = np.array(table, dtype=np.uint8)[np.asarray(frame)]
    return indices


def test_transparent_p_frames_map_clear_entries_to_one_index() -> None:
    rng = np.random.default_rng(5)
    colors = 40
    palette = rng.integers(0, 256, (colors, 4))
    palette[::3, 3] = rng.integers(0, 64, len(palette[::3]))  # some clear entries
    palette[1, 3] = 64  # the least opaque entry still drawn
    flat = bytes(palette.astype(np.uint8).ravel())
    frames = []
    for _ in range(3):
        frame = Image.fromarray(rng.integers(0, colors, (13, 21), dtype=np.uint8), "P")
        frame.putpalette(flat, "RGBA")
        frames.append(frame)
    clear = _Clear(frames[0])
    assert clear.index == 0
    for frame in frames:
        got = clear.indexed(frame)
        assert got.mode == "P" and got.getpalette() == clear.palette
        assert np.array_equal(np.asarray(got), reference_indexed(clear, frame))


def test_transparent_rgba_frames_clear_what_is_less_than_a_quarter_opaque() -> None:
    rng = np.random.default_rng(6)
    colors = rng.integers(0, 256, (6, 3))
    pixels = colors[rng.integers(0, 6, (11, 15))]
    alpha = rng.choice([0, 63, 64, 200, 255], (11, 15))
    frame = Image.fromarray(np.dstack([pixels, alpha]).astype(np.uint8), "RGBA")
    clear = _Clear(frame)
    got = np.asarray(clear.indexed(frame))
    assert np.array_equal(got == clear.index, alpha < 64)
    # The drawn pixels are the colours laid over white, on the palette.
    table = np.array(clear.palette).reshape(-1, 3)
    a = alpha[..., None] / 255
    shown = np.round(pixels * a + 255 * (1 - a))
    opaque = alpha >= 64
    assert np.abs(table[got[opaque]] - shown[opaque]).max() <= 4
