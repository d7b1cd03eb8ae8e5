"""Animated PNG, written one frame at a time.

Pillow's APNG writer keeps every frame in memory until the end.  This one
streams: the frame count is known from the durations, so the ``acTL`` chunk
can come first, and each frame after the first is stored as the rectangle
that changed.  The pixels of each rectangle are compressed by Pillow's own
PNG encoder (same filters, same palette handling); only its ``IDAT`` chunks
are kept and re-labelled as the frame's ``fdAT`` chunks.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterable, Iterator, Sequence
from fractions import Fraction
from pathlib import Path
from typing import BinaryIO

from PIL import Image

from convarith.core.errors import ConvArithError
from convarith.encoders._stream import (
    carrier_of,
    changed_box,
    check_size,
    counted,
    has_alpha,
    on_palette,
    palette_of,
)
from convarith.figure.checks import check_durations
from convarith.files.atomic import atomic_output
from convarith.files.places import PathLike, check_file_place

__all__ = ["ApngStream", "write_apng"]

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_chunks(image: Image.Image) -> Iterator[tuple[bytes, bytes]]:
    """(type, data) of each chunk of ``image`` encoded as a PNG by Pillow."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    data = buffer.getvalue()
    at = len(_SIGNATURE)
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        yield data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        at += 12 + length


def _delay(duration: int) -> tuple[int, int]:
    delay = Fraction(duration, 1000).limit_denominator(0xFFFF)
    if delay.numerator > 0xFFFF:
        raise ConvArithError(f"duration={duration} ms is too long for an APNG frame")
    return delay.numerator, delay.denominator


class ApngStream:
    """Writes an animated PNG of ``count`` frames to an open binary file.

    Frames are kept as ``P`` images on the first frame's palette when the
    first frame is a ``P`` image (with the alpha of its palette, if it has
    one), as RGBA when the first frame has transparency, and as RGB otherwise.

    Examples
    --------
    >>> from PIL import Image
    >>> buffer = io.BytesIO()
    >>> apng = ApngStream(buffer, 2)
    >>> apng.add(Image.new("RGB", (4, 3), "red"), 500)
    >>> apng.add(Image.new("RGB", (4, 3), "blue"), 500)
    >>> apng.close()
    >>> Image.open(buffer).n_frames
    2
    """

    def __init__(self, file: BinaryIO, count: int, *, loop: bool = True) -> None:
        self._file = file
        self._count = count
        self._loop = loop
        self._previous: Image.Image | None = None
        self._palette: list[int] | None = None
        self._carrier: Image.Image | None = None
        self._sequence = 0
        self._mode = "RGB"

    def _normalised(self, frame: Image.Image) -> Image.Image:
        if self._palette is None:
            return frame if frame.mode == self._mode else frame.convert(self._mode)
        assert self._carrier is not None
        return on_palette(frame, self._palette, self._carrier)

    def add(self, frame: Image.Image, duration: int) -> None:
        """Append ``frame``, shown for ``duration`` ms."""
        first = self._previous is None
        if first:
            if frame.mode == "P":
                self._palette = palette_of(frame)
                self._carrier = carrier_of(self._palette)
            elif has_alpha(frame):
                self._mode = "RGBA"
            current = self._normalised(frame)
            box = (0, 0, *current.size)
        else:
            assert self._previous is not None
            check_size(frame, self._previous.size)
            current = self._normalised(frame)
            box = changed_box(self._previous, current) or (0, 0, 1, 1)
        chunks = list(_png_chunks(current.crop(box)))
        if first:
            self._file.write(_SIGNATURE)
            for kind, data in chunks:
                if kind in (b"IHDR", b"PLTE", b"tRNS"):
                    self._file.write(_chunk(kind, data))
            plays = 0 if self._loop else 1
            self._file.write(_chunk(b"acTL", struct.pack(">II", self._count, plays)))
        numerator, denominator = _delay(duration)
        width, height = box[2] - box[0], box[3] - box[1]
        control = struct.pack(
            ">IIIIIHHBB", self._sequence, width, height, box[0], box[1],
            numerator, denominator, 0, 0,  # dispose: none; blend: source
        )  # fmt: skip
        self._file.write(_chunk(b"fcTL", control))
        self._sequence += 1
        for kind, data in chunks:
            if kind != b"IDAT":
                continue
            if first:
                self._file.write(_chunk(b"IDAT", data))
            else:
                self._file.write(_chunk(b"fdAT", struct.pack(">I", self._sequence) + data))
                self._sequence += 1
        self._previous = current

    def close(self) -> None:
        """Write the end chunk (the file itself stays open)."""
        self._file.write(_chunk(b"IEND", b""))


def write_apng(
    frames: Iterable[Image.Image], durations: Sequence[int], path: PathLike, *, loop: bool = True
) -> Path:
    """Write an animated PNG, streaming: one frame in memory at a time.

    Parameters
    ----------
    frames
        The frames, all of one size; ``P`` frames sharing one palette make
        the smallest files (``render_frames(figure, mode="P")``).
    durations
        Display time of each frame in ms.
    path
        The file to write (``.png`` or ``.apng``); it appears only once complete.
    loop
        Repeat forever (default) or play once.

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from PIL import Image
    >>> frames = [Image.new("RGB", (8, 8), c) for c in ("red", "green")]
    >>> path = write_apng(frames, [100, 300], pathlib.Path(tempfile.mkdtemp()) / "a.png")
    >>> Image.open(path).n_frames
    2
    """
    checked = check_durations(durations)
    target = check_file_place(path)
    with atomic_output(target) as temporary, open(temporary, "wb") as file:
        apng = ApngStream(file, len(checked), loop=loop)
        for frame, duration in zip(counted(frames, len(checked)), checked):
            apng.add(frame, duration)
        apng.close()
    return target
