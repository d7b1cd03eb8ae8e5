"""PNG files of the rasterizer's palette frames, compressed only where a frame changed.

Why this is written by hand: each frame of an animation is its static image
with one box redrawn (:mod:`convarith.pixels.changes`), yet Pillow's PNG
writer compresses every row of every frame again.  That compression was
most of what the gallery's PNG frames cost: 0.64 s of CPU in the PNG stage
of ``bench/bench_gallery.py`` (358 frames, out of about 6 s for the whole
build), nearly all of it in zlib.  No library keeps the compressed rows of
one PNG to put them together again in the next, so this module writes the
few chunks of such a file itself, and leaves the compression to zlib.

The rows are cut into blocks of :data:`BLOCK_ROWS`.  Each block outside the
frame's noted box holds the static image's rows: it is compressed once per
static image, on its own (a raw deflate stream ended by a sync flush, or
ending the stream if it is the last block, so that blocks joined in order
make one valid stream), and kept for the next frames.  The rows from the
first to the last block the box touches are compressed for every frame, as
one stream; the zlib stream's checksum (Adler-32) is put together from the
parts' checksums (:func:`adler32_combine`).  The file holds the chunks
Pillow's ``save`` writes for the same frame, byte for byte but for the
image data: ``IHDR``, ``PLTE``, ``tRNS`` when the frame has transparency,
the image data (one ``IDAT``), ``IEND``.  It decodes to the same pixels,
palette and transparency.  The rows are unfiltered (filter 0), as Pillow
writes 8-bit palette rows (rows packed at 1, 2 or 4 bits, for palettes of
16 colours or fewer, Pillow filters; unfiltered they decode the same).
Other frames (another mode, no note, anything in ``info`` or left by an
earlier ``save`` that Pillow would also write) are left to Pillow:
:meth:`PngFrames.encode` returns None for them, :meth:`PngFrames.write`
saves them with Pillow at :data:`PNG_LEVEL`.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from convarith.pixels.boxes import Box, intersection, union
from convarith.pixels.changes import KEY

__all__ = ["BLOCK_ROWS", "LEVEL", "PNG_LEVEL", "STATIC_LEVEL", "PngFrames", "adler32_combine"]

#: zlib level of the PNG frames Pillow writes (those :class:`PngFrames` does not
#: take), with zlib's default strategy.  Measured on the gallery's 358 palette
#: frames (``bench/bench_gallery.py``), each compressed whole, against the bar
#: of a tenth of the original's 67 MB (6.7 MB), aiming at 6.4 MB or less.
#: Levels alone, on a quiet machine: 1: 0.79 ms a frame, 6.78 MB; 2: 0.82 ms,
#: 6.42 MB; 3: 0.89 ms, 5.96 MB; 4: 1.12 ms, 5.54 MB; 6 (Pillow's default):
#: 1.69 ms, 4.93 MB.  With zlib's strategies (``compress_type``), the best
#: of 15 interleaved rounds on a busy machine (so all times are higher):
#:
#: =====  ===============  ===============  ===============  ===============
#: level  default (0)      filtered (1)     RLE (3)          fixed codes (4)
#: =====  ===============  ===============  ===============  ===============
#: 1      1.15 ms, 6.78 MB 1.29 ms, 6.78 MB 1.23 ms, 8.14 MB 1.36 ms, 7.62 MB
#: 2      1.22 ms, 6.42 MB 1.24 ms, 6.42 MB 1.24 ms, 8.14 MB 1.22 ms, 7.20 MB
#: 3      1.52 ms, 5.96 MB 1.42 ms, 5.96 MB 1.21 ms, 8.14 MB 1.39 ms, 6.64 MB
#: 4      2.33 ms, 5.54 MB 2.49 ms, 5.64 MB 1.19 ms, 8.14 MB 2.40 ms, 6.30 MB
#: 6      3.44 ms, 4.93 MB 3.30 ms, 5.03 MB 1.24 ms, 8.14 MB 3.20 ms, 5.49 MB
#: =====  ===============  ===============  ===============  ===============
#:
#: Huffman only (2): 3.09 ms, 18.35 MB; ``optimize`` (level 9): 24 ms,
#: 4.70 MB.  Pillow writes palette frames unfiltered (filter 0 on every
#: row), so "filtered" gives the same bytes as the default at levels 1 to 3
#: (the difference in time there is noise) and more bytes above; RLE and
#: fixed codes, which miss the repeats between rows or the fitted codes,
#: are no faster than levels 1 and 2 and much larger.  Level 3 is the
#: fastest at 6.4 MB or less (level 2 is 7 to 20 % faster but 6.42 MB);
#: below it, bytes grow faster than time falls.
PNG_LEVEL = 3

#: Rows in a block.  Measured on the gallery's 358 frames (one writer for each
#: animation, as ``bench/bench_gallery.py`` runs it), against the same bar as
#: :data:`PNG_LEVEL` (6.4 MB or less).  Each cell: zlib's CPU time for the
#: 358 frames (the changed rows, plus the static blocks of the 19 animations;
#: the best of 20 interleaved rounds on a busy machine, within about 5 %),
#: and the bytes of the 358 files.  Pillow at level 3 (all rows of every
#: frame): 350 to 430 ms of zlib on the same machine, 5.96 MB.
#:
#: ====  ============  ===============  ===============  ===============  ===============
#: rows  rows changed  levels 2 and 3   levels 3 and 3   levels 2 and 4   levels 1 and 6
#: ====  ============  ===============  ===============  ===============  ===============
#: 8     50.6 %        190 ms, 6.87 MB  217 ms, 6.58 MB  204 ms, 6.64 MB  209 ms, 6.74 MB
#: 16    51.9 %        175 ms, 6.58 MB  225 ms, 6.28 MB  192 ms, 6.34 MB  192 ms, 6.45 MB
#: 24    53.3 %        168 ms, 6.41 MB  197 ms, 6.10 MB  182 ms, 6.18 MB  183 ms, 6.28 MB
#: 32    54.9 %        174 ms, 6.38 MB  210 ms, 6.06 MB  185 ms, 6.16 MB  192 ms, 6.26 MB
#: 48    57.4 %        190 ms, 6.30 MB  220 ms, 5.96 MB  202 ms, 6.08 MB  212 ms, 6.19 MB
#: 64    60.2 %        186 ms, 6.26 MB  226 ms, 5.91 MB  200 ms, 6.06 MB  226 ms, 6.18 MB
#: ====  ============  ===============  ===============  ===============  ===============
#:
#: ("Levels 2 and 4": the changed rows at level 2, the static blocks at 4.)
#: On the changed rows, level 1 is no faster than 2 here (24 rows: 138 and
#: 145 ms) and larger; level 3 costs a fifth more (174 ms).  The static
#: blocks, compressed once an animation, cost 23, 37 and 45 ms at levels 3,
#: 4 and 6 (24 rows); smaller blocks compress worse, larger ones widen the
#: changed rows.  24 rows at levels 2 and 4 is among the fastest, with a
#: margin below 6.4 MB (32 rows at levels 2 and 3 is about as fast, at
#: 6.38 MB).  The rest of the writer (reading the changed pixels, the
#: checksums, the chunks) costs about 60 ms more; the PNG stage of the
#: benchmark went from 0.64 s to 0.32 s.  Measured and left out: blocks of
#: changed rows compressed each on its own (16 rows, level 3: 7.22 MB, not
#: 6.28), and the rows above the changed ones as a preset dictionary (8 to
#: 32 KB: 0.07 MB less, for 0.03 to 0.1 ms more a frame).
BLOCK_ROWS = 24
#: zlib level of the rows a frame changed, compressed for every frame.
LEVEL = 2
#: zlib level of the static image's blocks, compressed once per static image.
STATIC_LEVEL = 4

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_IEND = b"\x00\x00\x00\x00IEND\xaeB`\x82"
#: Adler-32's modulus.
_BASE = 65521
#: What a frame's ``info`` may hold for this writer to take it: the note, and
#: the transparency Pillow writes as ``tRNS``.  Any other key (an ICC profile,
#: say) may be something Pillow writes: such frames are left to it.
_INFO_KEYS = frozenset({KEY, "transparency"})
#: zlib's ``memLevel``: its default, 8.  Pillow's PNG encoder sets 9, which here
#: is slower (a larger hash table) for a few bytes more, not fewer.
_MEMORY = 8

#: A compressed run of rows: (deflate bytes, Adler-32 of the filtered rows, their length).
_Part = tuple[bytes, int, int]


def adler32_combine(first: int, second: int, second_length: int) -> int:
    """The Adler-32 of two byte strings joined, from each one's checksum (zlib's ``adler32_combine``).

    Parameters
    ----------
    first, second
        The checksums (``zlib.adler32``) of the first and the second string.
    second_length
        The length of the second string.

    Returns
    -------
    int
        ``zlib.adler32(a + b)`` for strings ``a``, ``b`` with these checksums.

    Examples
    --------
    >>> import zlib
    >>> a, b = b"static rows", b"changed rows" * 1000
    >>> adler32_combine(zlib.adler32(a), zlib.adler32(b), len(b)) == zlib.adler32(a + b)
    True
    >>> adler32_combine(1, zlib.adler32(b), len(b)) == zlib.adler32(b)  # 1: the empty string's
    True
    """
    rem = second_length % _BASE
    low = first & 0xFFFF
    high = (rem * low) % _BASE
    low += (second & 0xFFFF) + _BASE - 1
    high += (first >> 16) + (second >> 16) + _BASE - rem
    return ((high % _BASE) << 16) | (low % _BASE)


def _chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC-32 of type and data."""
    crc = zlib.crc32(data, zlib.crc32(kind))
    return len(data).to_bytes(4, "big") + kind + data + crc.to_bytes(4, "big")


def _zlib_header(level: int) -> bytes:
    """A zlib stream's two header bytes, as zlib writes them: deflate, 32 KB window, the level's class."""
    flevel = 0 if level < 2 else 1 if level < 6 else 2 if level == 6 else 3
    head = 0x7800 | (flevel << 6)
    return (head + 31 - head % 31).to_bytes(2, "big")


def _deflate(data: np.ndarray, level: int, last: bool) -> bytes:
    """``data`` as raw deflate blocks that end on a byte boundary, or end the stream if ``last``."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15, _MEMORY)
    body = compressor.compress(data)  # type: ignore[arg-type]
    return body + compressor.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


@dataclass(eq=False)
class _Static:
    """What is kept of one static image: its file's header and its rows' compressed blocks."""

    token: object  # held, so that its identity cannot pass to another static image
    header: bytes  # signature, IHDR, PLTE, tRNS: all the chunks before the image data
    rawmode: str  # Pillow's packing of a row: "P", or "P;1", "P;2", "P;4"
    per_byte: int  # pixels in a byte of a row
    rows: np.ndarray  # (height, 1 + row bytes): the last frame's rows, filter byte 0 first
    box: Box | None  # where that frame may differ from the static image
    blocks: list[_Part | None] = field(default_factory=list)
    runs: dict[tuple[int, int], _Part] = field(default_factory=dict)  # blocks start to stop, joined


class PngFrames:
    """Writes the palette frames of the rasterizer as PNG files, compressing only what they changed.

    Frames are taken by :meth:`encode` when they are ``P`` images carrying
    the rasterizer's note (:mod:`convarith.pixels.changes`) and nothing in
    ``info`` or earlier ``save`` settings that Pillow would also write; the
    others are written by :meth:`write` through Pillow's ``save``, at
    :data:`PNG_LEVEL`.  Either way the file decodes to the frame.

    Parameters
    ----------
    block_rows
        Rows in a block: the static rows are kept in blocks of this many,
        and a frame's changed rows are widened to whole blocks.
    level
        zlib level of the changed rows, compressed for every frame.
    static_level
        zlib level of the static image's blocks, compressed once.
    keep
        How many static images are remembered (the most recently used).

    Examples
    --------
    >>> import io
    >>> from PIL import Image
    >>> from convarith.pixels.changes import mark
    >>> token = object()
    >>> frame = Image.new("P", (40, 30), 7)
    >>> frame.putpalette(list(range(256)) * 3)
    >>> mark(frame, token, (5, 10, 9, 12))
    >>> data = PngFrames().encode(frame)
    >>> decoded = Image.open(io.BytesIO(data))
    >>> decoded.mode, decoded.size, decoded.tobytes() == frame.tobytes()
    ('P', (40, 30), True)
    >>> print(PngFrames().encode(Image.new("P", (40, 30))))  # no note: Pillow's to write
    None
    """

    def __init__(
        self,
        *,
        block_rows: int = BLOCK_ROWS,
        level: int = LEVEL,
        static_level: int = STATIC_LEVEL,
        keep: int = 2,
    ) -> None:
        self.block_rows = block_rows
        self.level = level
        self.static_level = static_level
        self.keep = keep
        self._statics: list[_Static] = []  # the most recently used first

    def write(self, frame: Image.Image, path: str | Path) -> None:
        """Write ``frame`` to ``path`` as a PNG file: by :meth:`encode`, or else by Pillow.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> from PIL import Image
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "f.png"
        >>> PngFrames().write(Image.new("RGB", (3, 2), "red"), path)
        >>> Image.open(path).getpixel((0, 0))
        (255, 0, 0)
        """
        data = self.encode(frame)
        if data is None:
            frame.save(path, format="PNG", compress_level=PNG_LEVEL)
        else:
            Path(path).write_bytes(data)

    def encode(self, frame: Image.Image) -> bytes | None:
        """The PNG file of ``frame``, or None if it is not a frame this writer takes.

        Examples
        --------
        >>> from PIL import Image
        >>> from convarith.pixels.changes import mark
        >>> frame = Image.new("P", (4, 4))
        >>> mark(frame, object(), None)
        >>> PngFrames().encode(frame)[1:4]
        b'PNG'
        """
        note = frame.info.get(KEY)
        if (
            frame.mode != "P"
            or not isinstance(note, tuple)
            or len(note) != 2
            or not _INFO_KEYS.issuperset(frame.info)
            or getattr(frame, "encoderinfo", None)
            or frame.width == 0
            or frame.height == 0
        ):
            return None
        token, box = note
        if box is not None and not (
            isinstance(box, tuple) and len(box) == 4 and all(type(v) is int for v in box)
        ):
            return None
        frame.load()
        found = _header(frame)
        if found is None:
            return None
        header, rawmode = found
        dirty = intersection(box, (0, 0, *frame.size)) if box is not None else None
        static = self._static(frame, token, header, rawmode, dirty)
        return header + _chunk(b"IDAT", self._image_data(static, dirty)) + _IEND

    def _static(
        self, frame: Image.Image, token: object, header: bytes, rawmode: str, box: Box | None
    ) -> _Static:
        """The static image of ``token`` (with the frame's size, palette and depth), its rows the frame's.

        Remembered, its rows brought from the previous frame to this one
        (:meth:`_follow`), or new, its rows read from the frame.
        """
        for n, static in enumerate(self._statics):
            # The header holds all else the rows depend on: size, depth (and palette).
            if static.token is token and static.header == header:
                if n:
                    self._statics.insert(0, self._statics.pop(n))
                self._follow(static, frame, box)
                return static
        per_byte = 8 // (int(rawmode[2:]) if rawmode != "P" else 8)
        width, height = frame.size
        rows = np.zeros((height, 1 + -(-width // per_byte)), np.uint8)
        rows[:, 1:] = _pixels(frame, (0, 0, width, height), rawmode)
        blocks: list[_Part | None] = [None] * -(-height // self.block_rows)
        static = _Static(token, header, rawmode, per_byte, rows, box, blocks)
        self._statics.insert(0, static)
        del self._statics[self.keep :]
        return static

    def _follow(self, static: _Static, frame: Image.Image, box: Box | None) -> None:
        """Bring the kept rows from the previous frame to ``frame``.

        Outside both frames' boxes, both are the static image: only inside
        their union do the rows take the frame's pixels.
        """
        changed = union([static.box, box])
        static.box = box
        if changed is None:
            return
        left, top, right, bottom = changed
        per = static.per_byte
        # Whole bytes of the packed row: a box from a byte's first pixel to a last one's.
        left, right = left // per * per, min(-(-right // per) * per, frame.width)
        start = 1 + left // per
        pixels = _pixels(frame, (left, top, right, bottom), static.rawmode)
        static.rows[top:bottom, start : start + pixels.shape[1]] = pixels

    def _image_data(self, static: _Static, box: Box | None) -> bytes:
        """The zlib stream of the frame's filtered rows (those :meth:`_follow` brought in)."""
        count = len(static.blocks)
        if box is None:
            first = last = count  # no changed block
        else:
            first, last = box[1] // self.block_rows, -(-box[3] // self.block_rows)
        parts = [self._run(static, 0, first)]
        if first < last:
            rows = static.rows[first * self.block_rows : last * self.block_rows]
            body = _deflate(rows, self.level, last == count)
            parts.append((body, zlib.adler32(rows), rows.nbytes))  # type: ignore[arg-type]
            parts.append(self._run(static, last, count))
        checksum = 1
        for _, adler, length in parts:
            checksum = adler32_combine(checksum, adler, length)
        return b"".join(
            [
                _zlib_header(self.level),
                *(data for data, _, _ in parts),
                checksum.to_bytes(4, "big"),
            ]
        )

    def _run(self, static: _Static, start: int, stop: int) -> _Part:
        """Blocks ``start`` to ``stop`` (excluded) of the static image, joined (kept for next time)."""
        run = static.runs.get((start, stop))
        if run is None:
            checksum, length = 1, 0
            for n in range(start, stop):
                block = static.blocks[n]
                if block is None:
                    rows = static.rows[n * self.block_rows : (n + 1) * self.block_rows]
                    last = n == len(static.blocks) - 1
                    data = _deflate(rows, self.static_level, last)
                    block = (data, zlib.adler32(rows), rows.nbytes)  # type: ignore[arg-type]
                    static.blocks[n] = block
                checksum = adler32_combine(checksum, block[1], block[2])
                length += block[2]
            data = b"".join(block[0] for block in static.blocks[start:stop])  # type: ignore[index]
            run = static.runs[start, stop] = (data, checksum, length)
        return run


def _header(frame: Image.Image) -> tuple[bytes, str] | None:
    """The chunks Pillow writes before the image data of a ``P`` frame, and its row packing.

    None for what Pillow would refuse or treat otherwise.  As
    ``PngImagePlugin._save`` does: as many ``PLTE`` entries as the palette
    has (at least one, at most 256); rows packed at 1, 2 or 4 bits for at
    most 2, 4 or 16 entries; ``tRNS`` from ``info["transparency"]`` (an
    index or one alpha a colour) or from an RGBA palette's alphas, cut to
    the ``PLTE`` entries.
    """
    if not frame.palette:
        return None
    palette = frame.getpalette() or []
    colors = max(1, min(len(palette) // 3, 256))
    bits = 1 if colors <= 2 else 2 if colors <= 4 else 4 if colors <= 16 else 8
    rawmode = "P" if bits == 8 else f"P;{bits}"
    width, height = frame.size
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([bits, 3, 0, 0, 0])
    chunks = [_SIGNATURE, _chunk(b"IHDR", ihdr)]
    chunks.append(_chunk(b"PLTE", (palette and bytes(palette[: colors * 3])) or b"\x00\x00\x00"))
    transparency = frame.info.get("transparency")
    if isinstance(transparency, bytes):
        chunks.append(_chunk(b"tRNS", transparency[:colors]))
    elif type(transparency) is int:
        clear = max(0, min(255, transparency))
        chunks.append(_chunk(b"tRNS", (b"\xff" * clear + b"\x00")[:colors]))
    elif transparency is not None:
        return None  # Pillow refuses it
    elif frame.palette.mode == "RGBA":
        alphas = frame.getpalette("RGBA") or []
        chunks.append(_chunk(b"tRNS", bytes(alphas[3::4])[:colors]))
    return b"".join(chunks), rawmode


def _pixels(frame: Image.Image, box: Box, rawmode: str) -> np.ndarray:
    """The packed rows of ``frame`` inside ``box``, as Pillow's PNG writer packs them."""
    part = frame if box == (0, 0, *frame.size) else frame.crop(box)
    data = part.tobytes("raw", rawmode)
    return np.frombuffer(data, np.uint8).reshape(box[3] - box[1], -1)
