"""PNG frames compressed only where they changed decode to what Pillow's own writer gives.

Each file :class:`PngFrames` writes is read three ways: chunk by chunk (every
CRC checked, the chunks before and after the image data byte for byte those
Pillow writes for the same frame), as a zlib stream (``zlib.decompress``
checks the header and the Adler-32; the rows must be the frame's, each with
filter byte 0), and decoded by Pillow (mode, size, pixels, palette and
transparency those of Pillow's own file).
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

import convarith
from convarith.backends.raster import render_frames
from convarith.encoders import png as png_module
from convarith.encoders import write_frame_files
from convarith.encoders.png import PNG_LEVEL, PngFrames, adler32_combine
from convarith.figure.primitives import DynamicLayer, Figure, Polygon, StaticLayer
from convarith.gallery.catalogue import ORIGINAL, GalleryItem
from convarith.pixels.changes import KEY, mark

SIGNATURE = b"\x89PNG\r\n\x1a\n"


# ---- reading a file ---------------------------------------------------------------------


def pillow_png(frame: Image.Image) -> bytes:
    buffer = io.BytesIO()
    frame.save(buffer, format="PNG", compress_level=PNG_LEVEL)
    return buffer.getvalue()


def chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The chunks of a PNG file, each one's length and CRC checked; runs of IDAT joined."""
    assert data[:8] == SIGNATURE
    found: list[tuple[bytes, bytes]] = []
    position = 8
    while position < len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        assert len(body) == length, kind
        crc = int.from_bytes(data[position + 8 + length : position + 12 + length], "big")
        assert crc == zlib.crc32(kind + body), f"bad CRC in {kind!r}"
        if kind == b"IDAT" and found and found[-1][0] == b"IDAT":
            found[-1] = (kind, found[-1][1] + body)
        else:
            found.append((kind, body))
        position += 12 + length
    assert position == len(data)
    assert found[0][0] == b"IHDR" and found[-1] == (b"IEND", b"")
    return found


def filtered_rows(frame: Image.Image, bits: int) -> bytes:
    """The frame's rows packed at ``bits`` per pixel, each after a filter byte 0."""
    rawmode = "P" if bits == 8 else f"P;{bits}"
    packed = frame.tobytes("raw", rawmode)
    stride = -(-frame.width * bits // 8)
    assert len(packed) == stride * frame.height
    return b"".join(b"\x00" + packed[y * stride : (y + 1) * stride] for y in range(frame.height))


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def check(frame: Image.Image, data: bytes | None) -> None:
    """``data`` is a sound PNG file that decodes as Pillow's file of ``frame`` does."""
    assert data is not None, "the frame should have been taken"
    theirs_bytes = pillow_png(frame)
    ours, theirs = chunks(data), chunks(theirs_bytes)
    # The same chunks, in the same order; all but the image data byte for byte.
    assert [kind for kind, _ in ours] == [kind for kind, _ in theirs]
    assert [c for c in ours if c[0] != b"IDAT"] == [c for c in theirs if c[0] != b"IDAT"]
    bits = ours[0][1][8]
    idat = dict(ours)[b"IDAT"]
    assert idat[0] == 0x78 and int.from_bytes(idat[:2], "big") % 31 == 0
    rows = zlib.decompress(idat)  # checks the Adler-32 too
    assert rows == filtered_rows(frame, bits)
    if bits == 8:  # Pillow filters rows packed at fewer bits; 8-bit palette rows it does not
        assert rows == zlib.decompress(dict(theirs)[b"IDAT"])
    mine, pillows = decoded(data), decoded(theirs_bytes)
    assert (mine.mode, mine.size) == (pillows.mode, pillows.size) == (frame.mode, frame.size)
    assert mine.tobytes() == pillows.tobytes() == frame.tobytes()
    assert mine.getpalette() == pillows.getpalette()
    assert mine.info.get("transparency") == pillows.info.get("transparency")
    assert mine.convert("RGBA").tobytes() == pillows.convert("RGBA").tobytes()


def encode_all(frames: list[Image.Image], writer: PngFrames | None = None) -> None:
    writer = writer or PngFrames()
    for frame in frames:
        check(frame, writer.encode(frame))


# ---- frames from the rasterizer ---------------------------------------------------------


def gallery_frames(item: GalleryItem) -> list[Image.Image]:
    figure = item.animation().figure
    return list(render_frames(figure, mode="P"))


@pytest.mark.slow
@pytest.mark.parametrize("item", ORIGINAL, ids=[item.name for item in ORIGINAL])
def test_every_gallery_frame_decodes_as_pillows(item: GalleryItem) -> None:
    frames = gallery_frames(item)
    assert all(frame.info[KEY][1] is not None for frame in frames)
    encode_all(frames)


@pytest.mark.parametrize("scale", [0.3, 1.0, 1.7])
def test_transparent_frames_keep_their_alpha(scale: float) -> None:
    figure = convarith.animate(
        "conv", (5, 5), background=None, kernel_size=3, stride=2, padding=1
    ).figure
    frames = list(render_frames(figure, mode="P", scale=scale))
    assert frames[0].palette is not None and frames[0].palette.mode == "RGBA"
    encode_all(frames)
    # The tRNS chunk is there, from the palette's alphas.
    kinds = [kind for kind, _ in chunks(PngFrames().encode(frames[0]) or b"")]
    assert kinds == [b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"]


@pytest.mark.parametrize(
    ("op", "shape", "params"),
    [
        ("conv", (7,), {"kernel_size": 3}),
        ("conv_transpose", (4,), {"kernel_size": 3, "stride": 2}),
        ("conv", (6, 5), {"kernel_size": 3, "padding": 1, "stride": 2}),
        ("max_pool", (4, 4), {"kernel_size": 2, "stride": 2}),
    ],
)
@pytest.mark.parametrize("scale", [0.25, 0.6, 2.0])
def test_other_figures_and_scales(
    op: str, shape: tuple[int, ...], params: dict, scale: float
) -> None:
    figure = convarith.animate(op, shape, **params).figure
    encode_all(list(render_frames(figure, mode="P", scale=scale)))


def test_the_classic_frames_written_as_files_decode_as_pillows(
    p_frames: list[Image.Image], tmp_path: Path
) -> None:
    paths = write_frame_files(p_frames, tmp_path, "f")
    for frame, path in zip(p_frames, paths, strict=True):
        check(frame, path.read_bytes())


def tiny_figure(width: float, height: float, frames: int) -> Figure:
    """A square that moves to the right, on a figure ``width`` x ``height``."""

    def square(x: float) -> Polygon:
        return Polygon(((x, 0), (x + 1, 0), (x + 1, 1), (x, 1)), fill=(200, 30, 30))

    base = Polygon(((0, 0), (width, 0), (width, height), (0, height)), fill=(20, 60, 200))
    moving = DynamicLayer(tuple((square(n % max(1, int(width))),) for n in range(frames)))
    return Figure(width, height, (StaticLayer((base,)), moving), (100,) * frames)


@pytest.mark.parametrize("size", [(1, 1), (7, 1), (1, 9), (3, 2), (40, 1), (40, 33)])
def test_tiny_figures(size: tuple[int, int]) -> None:
    frames = list(render_frames(tiny_figure(*size, frames=4), mode="P"))
    assert frames[0].size == size
    encode_all(frames)
    still = list(render_frames(Figure(*size, (), (100, 100)), mode="P"))
    assert all(frame.info[KEY][1] is None for frame in still)
    encode_all(still)


# ---- frames made here: every depth, every place of the box ------------------------------


def palette_frame(
    size: tuple[int, int], colors: int, seed: int = 0, rgba: bool = False
) -> Image.Image:
    """A ``P`` image of random pixels below ``colors``, with ``colors`` palette entries."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, colors, (size[1], size[0]), dtype=np.uint8)
    frame = Image.frombytes("P", size, pixels.tobytes())
    # Runs of one index too, as drawings have: what deflate finds in rows above.
    frame.paste(colors - 1, (0, 0, size[0] // 2, size[1] // 2))
    if rgba:
        entries = rng.integers(0, 256, colors * 4, dtype=np.uint8)
        frame.putpalette(bytes(entries), "RGBA")
    else:
        frame.putpalette(bytes(rng.integers(0, 256, colors * 3, dtype=np.uint8)))
    return frame


def changed(
    static: Image.Image, token: object, box: tuple[int, int, int, int] | None, seed: int
) -> Image.Image:
    """``static`` with new pixels inside ``box`` (clipped), noted as the rasterizer notes it."""
    frame = static.copy()
    if box is not None:
        left, top = max(box[0], 0), max(box[1], 0)
        right, bottom = min(box[2], static.width), min(box[3], static.height)
        if left < right and top < bottom:
            colors = len(static.getpalette() or []) // 3
            rng = np.random.default_rng(seed)
            patch = rng.integers(0, colors, (bottom - top, right - left), dtype=np.uint8)
            frame.paste(Image.frombytes("P", patch.shape[::-1], patch.tobytes()), (left, top))
    mark(frame, token, box)
    return frame


BOX_ROWS = png_module.BLOCK_ROWS


def boxes(width: int, height: int) -> Iterator[tuple[int, int, int, int] | None]:
    """Boxes that touch the first and the last row, block edges, the whole frame, or nothing."""
    yield None
    yield (0, 0, width, height)
    yield (0, 0, 1, 1)  # the first row
    yield (width - 1, height - 1, width, height)  # the last row
    yield (1, 0, width, min(height, BOX_ROWS + 1))
    yield (width // 3, max(0, height - BOX_ROWS - 1), width, height)
    yield (width // 4, height // 3, width // 2 + 1, 2 * height // 3 + 1)
    yield (2, BOX_ROWS - 1, 3, BOX_ROWS + 1)  # across a block edge
    yield (-5, -5, width + 5, 2)  # partly outside the frame
    yield (width + 1, 0, width + 9, height)  # wholly outside: no pixel may differ
    yield (3, 3, 3, 9)  # no pixels


@pytest.mark.parametrize("colors", [1, 2, 3, 4, 5, 16, 17, 200, 256])
@pytest.mark.parametrize("size", [(13, 37), (1, 1), (9, 1), (1, BOX_ROWS * 2 + 1), (64, 48)])
def test_every_depth_and_every_place_of_the_box(colors: int, size: tuple[int, int]) -> None:
    static = palette_frame(size, colors, seed=colors)
    token = object()
    writer = PngFrames()
    frames = [changed(static, token, box, seed) for seed, box in enumerate(boxes(*size))]
    encode_all(frames + frames[::-1], writer)


@pytest.mark.parametrize(
    "transparency", [0, 3, 255, 300, -2, b"\x00\x80", b"\x10" * 300, b""], ids=repr
)
@pytest.mark.parametrize("colors", [40, 256])
def test_transparency_in_info_as_pillow_writes_it(transparency: object, colors: int) -> None:
    static = palette_frame((20, 30), colors)
    static.info["transparency"] = transparency
    token = object()
    encode_all([changed(static, token, box, n) for n, box in enumerate(boxes(20, 30))])


def test_rgba_palette_frames_with_few_colours() -> None:
    for colors in (1, 2, 5, 16, 40):
        static = palette_frame((21, 19), colors, seed=colors, rgba=True)
        token = object()
        encode_all([changed(static, token, box, n) for n, box in enumerate(boxes(21, 19))])


@settings(max_examples=60, deadline=None)
@given(
    width=st.integers(1, 50),
    height=st.integers(1, 70),
    colors=st.integers(1, 256),
    block_rows=st.integers(1, 20),
    data=st.data(),
)
def test_random_frames_and_blocks(
    width: int, height: int, colors: int, block_rows: int, data: st.DataObject
) -> None:
    static = palette_frame((width, height), colors, seed=width * height + colors)
    token = object()
    coordinate = st.integers(-3, max(width, height) + 3)
    box = st.none() | st.tuples(coordinate, coordinate, coordinate, coordinate)
    noted = data.draw(st.lists(box, min_size=1, max_size=6))
    writer = PngFrames(block_rows=block_rows, level=1, static_level=2)
    encode_all([changed(static, token, b, n) for n, b in enumerate(noted)], writer)


# ---- what the writer remembers, and what it leaves to Pillow ----------------------------


def same_palette(frame: Image.Image, like: Image.Image) -> Image.Image:
    frame.putpalette(like.getpalette(None) or [], like.palette.mode if like.palette else "RGB")
    return frame


def test_frames_of_other_static_images_share_nothing() -> None:
    """Another token, or the same token with another palette, depth or size, is another image."""
    writer = PngFrames(keep=2)
    a = palette_frame((30, 40), 100, seed=1)
    b = same_palette(palette_frame((30, 40), 100, seed=2), a)  # only the pixels differ
    token_a, token_b = object(), object()
    frames = [
        changed(a, token_a, None, 0),
        changed(b, token_b, None, 1),
        changed(a, token_a, (0, 0, 5, 5), 2),
        changed(b, token_b, (0, 30, 5, 40), 3),
    ]
    # The same token on the same pixels with another palette: 100 other colours,
    # then 16 (rows packed at 4 bits), then 2 (1 bit).
    few = Image.frombytes("P", (30, 40), bytes(n % 2 for n in range(30 * 40)))
    few.putpalette(bytes(range(256)) * 3)
    token_few = object()
    for colors in (256, 100, 16, 2):
        frame = few.copy()
        frame.putpalette(bytes(range(colors)) * 3)
        mark(frame, token_few, (0, 0, 3, 3))
        frames.append(frame)
    # The same token on a frame of another size.
    frames.append(changed(palette_frame((31, 40), 100, seed=1), token_a, (0, 0, 1, 1), 5))
    # More static images than the writer keeps, taken in turn.
    c = same_palette(palette_frame((30, 40), 100, seed=3), a)
    token_c = object()
    frames += [changed(c, token_c, (2, 2, 9, 9), 6), changed(a, token_a, (4, 4, 8, 8), 7)]
    frames += [changed(b, token_b, None, 8), changed(c, token_c, None, 9)]
    encode_all(frames, writer)


@pytest.fixture
def compressed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the pieces the writer compresses, in order (it is patched to record them)."""
    sizes: list[int] = []
    deflate = png_module._deflate

    def counting(data: object, level: int, last: bool) -> bytes:
        sizes.append(memoryview(data).nbytes)  # type: ignore[arg-type]
        return deflate(data, level, last)

    monkeypatch.setattr(png_module, "_deflate", counting)
    return sizes


def test_the_static_images_used_last_are_kept(compressed: list[int]) -> None:
    statics = {name: palette_frame((20, 64), 100, seed=n) for n, name in enumerate("abc")}
    tokens = {name: object() for name in "abc"}
    writer = PngFrames(block_rows=16, keep=2)

    def blocks_compressed(name: str) -> int:
        compressed.clear()
        frame = changed(statics[name], tokens[name], None, 0)
        check(frame, writer.encode(frame))
        return len(compressed)

    assert [blocks_compressed(name) for name in "abab"] == [4, 4, 0, 0]
    # c pushes out the one used least recently (b, after a is used again), then b pushes out c.
    assert [blocks_compressed(name) for name in "acab"] == [0, 4, 0, 4]
    assert [blocks_compressed(name) for name in "bac"] == [0, 0, 4]


def test_an_unnoted_frame_is_left_to_pillow_and_written_whole(tmp_path: Path) -> None:
    static = palette_frame((30, 40), 100)
    token = object()
    writer = PngFrames()
    first = changed(static, token, (0, 0, 3, 3), 0)
    check(first, writer.encode(first))
    # Other pixels everywhere, no note: not this writer's; written whole, by Pillow.
    unnoted = palette_frame((30, 40), 100, seed=9)
    assert writer.encode(unnoted) is None
    writer.write(unnoted, tmp_path / "unnoted.png")
    assert (tmp_path / "unnoted.png").read_bytes() == pillow_png(unnoted)
    # The noted frames after it are still right.
    encode_all([changed(static, token, box, n) for n, box in enumerate(boxes(30, 40))], writer)
    noted = changed(static, token, (5, 5, 9, 9), 1)
    writer.write(noted, tmp_path / "noted.png")
    check(noted, (tmp_path / "noted.png").read_bytes())


def test_what_is_left_to_pillow() -> None:
    static = palette_frame((10, 12), 50)
    token = object()
    writer = PngFrames()

    def noted(**info: object) -> Image.Image:
        frame = changed(static, token, (1, 1, 4, 4), 0)
        frame.info.update(info)
        return frame

    assert writer.encode(noted()) is not None
    assert writer.encode(static) is None  # no note
    rgb = Image.new("RGB", (10, 12))
    mark(rgb, token, None)
    assert writer.encode(rgb) is None  # not a palette image
    assert writer.encode(noted(icc_profile=b"profile")) is None  # Pillow writes it
    assert writer.encode(noted(transparency=(1, 2, 3))) is None  # Pillow refuses it
    assert writer.encode(noted(transparency=True)) is None
    bad = noted()
    bad.info[KEY] = (token, (1, 1, 4))
    assert writer.encode(bad) is None  # not a note
    bad.info[KEY] = (token, (1.0, 1, 4, 4))
    assert writer.encode(bad) is None
    bad.info[KEY] = token
    assert writer.encode(bad) is None
    saved = noted()
    saved.encoderinfo = {"dpi": (72, 72)}  # type: ignore[attr-defined]
    assert writer.encode(saved) is None  # Pillow writes what an earlier save left on it
    empty = Image.new("P", (0, 0))
    mark(empty, token, None)
    assert writer.encode(empty) is None
    # A frame Pillow has saved before has an empty encoderinfo: taken.
    again = noted()
    pillow_png(again)
    check(again, writer.encode(again))


def test_only_the_blocks_the_box_touches_are_compressed_again(compressed: list[int]) -> None:
    width, rows = 50, 8
    static = palette_frame((width, 10 * rows), 200)
    token = object()
    writer = PngFrames(block_rows=rows)
    stride = width + 1
    first = changed(static, token, (3, 3 * rows + 2, 9, 4 * rows + 1), 0)  # blocks 3 and 4
    check(first, writer.encode(first))
    # The changed rows as one stream, and each of the 8 other blocks once.
    assert sorted(compressed) == sorted([2 * rows * stride] + [rows * stride] * 8)
    compressed.clear()
    second = changed(static, token, (0, 5 * rows, 2, 5 * rows + 1), 1)  # block 5
    check(second, writer.encode(second))
    assert compressed == [rows * stride, rows * stride, rows * stride]  # block 5; 3, 4 now static
    compressed.clear()
    for n in range(3):
        third = changed(static, token, (0, 5 * rows, 2, 5 * rows + 1), 2 + n)
        check(third, writer.encode(third))
    assert compressed == [rows * stride] * 3  # block 5 only
    compressed.clear()
    # Every block has been seen as the static image's (block 5 in the first frame).
    for n in range(2):
        unchanged = changed(static, token, None, 9 + n)
        check(unchanged, writer.encode(unchanged))
    assert compressed == []


def test_adler32_combine_matches_zlib() -> None:
    rng = np.random.default_rng(1)
    for length_a, length_b in [(0, 0), (1, 0), (0, 1), (5, 70_000), (70_000, 65_521), (3, 1)]:
        a = rng.integers(0, 256, length_a, dtype=np.uint8).tobytes()
        b = rng.integers(0, 256, length_b, dtype=np.uint8).tobytes()
        assert adler32_combine(zlib.adler32(a), zlib.adler32(b), len(b)) == zlib.adler32(a + b)
    ones = b"\xff" * 200_000  # sums that wrap many times
    assert adler32_combine(zlib.adler32(ones), zlib.adler32(ones), len(ones)) == zlib.adler32(
        ones + ones
    )
