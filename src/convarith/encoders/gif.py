"""Animated GIF, written one frame at a time.

Pillow's ``save_all`` keeps every frame in memory until the end; this writer
keeps only the previous frame, so a 3,844-frame animation costs the memory of
two frames.  All frames share one global colour table (the first frame's
palette, which :func:`convarith.backends.raster.render_frames` gives every
frame in ``"P"`` mode), and each frame after the first is stored as the
rectangle that changed, left in place for the next one (disposal 1), with
the pixels that did not change inside it made transparent: long runs of one
index are what LZW compresses best (this is what gifsicle's optimiser does;
it makes the gallery's GIFs about a third smaller).
Pillow's LZW encoder does the compression (``Image.tobytes("gif")``, the
encoder behind ``GifImagePlugin.getdata``; this module writes the few header
bytes around it itself, the same bytes ``getdata`` writes).

What a frame costs, for a 64x64 convolution (3,844 frames of 1028x1448
pixels, about 3 % of each changing): 1.06 ms as the frames are drawn, down
from 1.40 ms, most of it in the LZW encoding of the changed rectangle
(0.35 to 0.4 ms) and in the one pass over the whole frame that finds it
(``ImageChops.subtract_modulo``, then ``getbbox``: 0.4 to 0.45 ms).  The rest
stays inside the rectangle and in Pillow's C code: the difference image that
gave the rectangle also says which pixels inside it did not change, so the
previous frame is not cropped again and no pixel goes through numpy.

Frames with transparency (a figure without a background: ``P`` frames with
an RGBA palette, or RGBA frames) keep it on one transparent palette index:
pixels at least a quarter opaque are drawn as they would look on white, the
others are clear.  Those frames
are stored whole, each cleared when the next comes (disposal 2).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image

from convarith.encoders._stream import (
    carrier_of,
    check_size,
    counted,
    difference,
    has_alpha,
    on_palette,
    palette_of,
    unchanged_mask,
)
from convarith.figure.checks import check_durations
from convarith.files.atomic import atomic_output
from convarith.files.places import PathLike, check_file_place
from convarith.pixels.boxes import Box
from convarith.pixels.changes import where_changed
from convarith.pixels.palette import choose_palette, count_colors, to_palette

__all__ = ["GifStream", "write_gif"]

_LEAVE_IN_PLACE = 1  # GIF disposal method: the next frame draws over this one
_CLEAR = 2  # GIF disposal method: the frame's rectangle is cleared (to transparent) after it
#: A pixel at least this opaque (a quarter) is drawn, as over white; a more transparent
#: one is left clear (GIF has no partial alpha): translucent shading over the clear
#: background keeps its look on white, faint edges go.
_OPAQUE = 64
#: ``point`` table of an alpha band to the mask of its clear pixels.
_CLEAR_ALPHA = tuple(255 if a < _OPAQUE else 0 for a in range(256))


class GifStream:
    """Writes an animated GIF to an open binary file, frame by frame.

    Parameters
    ----------
    file
        Where the bytes go.
    loop
        Repeat forever (a NETSCAPE2.0 extension) or play once.

    Examples
    --------
    >>> import io
    >>> from PIL import Image
    >>> buffer = io.BytesIO()
    >>> gif = GifStream(buffer)
    >>> gif.add(Image.new("RGB", (4, 3), "red"), 500)
    >>> gif.add(Image.new("RGB", (4, 3), "blue"), 500)
    >>> gif.close()
    >>> Image.open(buffer).n_frames
    2
    """

    def __init__(self, file: BinaryIO, *, loop: bool = True) -> None:
        self._file = file
        self._loop = loop
        self._previous: Image.Image | None = None
        self._palette: list[int] = []
        self._carrier: Image.Image | None = None
        self._transparent: int | None = None
        self._clear: _Clear | None = None
        self._marked = False  # the previous frame reached us as the rasterizer drew it

    def add(self, frame: Image.Image, duration: int) -> None:
        """Append ``frame``, shown for ``duration`` ms (GIF keeps centiseconds)."""
        if self._clear is not None or (self._previous is None and has_alpha(frame)):
            self._add_clear(frame, duration)
            return
        transparent: int | None = None
        if self._previous is None:
            self._palette = palette_of(frame)
            self._carrier = carrier_of(self._palette)
            # The first index past the palette marks "unchanged" pixels (if there is one free).
            colors = len(self._palette) // 3
            self._transparent = colors if colors < 256 else None
            current = on_palette(frame, self._palette, self._carrier)
            self._file.write(self._header(current.size))
            box: tuple[int, int, int, int] = (0, 0, *current.size)
            # Encoded as it is: _frame_bytes reads only the pixels, none of the
            # settings another format's encoder may have left on the caller's frame.
            part = current
        else:
            assert self._carrier is not None
            check_size(frame, self._previous.size)
            current = on_palette(frame, self._palette, self._carrier)
            box, delta = self._changes(current, current is frame)
            part = current.crop(box)
            if self._transparent is not None:
                transparent = self._transparent
                part.paste(transparent, None, unchanged_mask(delta))
        self._file.write(_frame_bytes(part, box[:2], duration, _LEAVE_IN_PLACE, transparent))
        self._previous = current
        self._marked = current is frame

    def _changes(self, current: Image.Image, marked: bool) -> tuple[Box, Image.Image]:
        """The box of the pixels changed since the previous frame, and the difference inside it.

        One pass of :func:`difference` gives both the box and, inside it,
        which pixels are unchanged (0).  Frames drawn by the rasterizer note
        where they may differ from their static image
        (:mod:`convarith.pixels.changes`): the pass then covers only those
        places, not the whole frame (a 64x64 convolution's frames change in
        about 4 % of their pixels).  Notes are trusted only on frames that
        reach the encoder as they were drawn, not mapped onto the palette.
        """
        assert self._previous is not None
        known = where_changed(self._previous, current) if marked and self._marked else None
        if known is None:
            delta = difference(self._previous, current)
            found = delta.getbbox(alpha_only=False)
            if found is not None:
                return found, delta.crop(found)
        elif known[2] > known[0] and known[3] > known[1]:
            delta = difference(self._previous.crop(known), current.crop(known))
            found = delta.getbbox(alpha_only=False)
            if found is not None:
                left, top = known[0], known[1]
                box = (found[0] + left, found[1] + top, found[2] + left, found[3] + top)
                return box, delta.crop(found)
        # A frame with no change still needs a rectangle to carry its delay.
        box = (0, 0, 1, 1)
        return box, difference(self._previous.crop(box), current.crop(box))

    def _add_clear(self, frame: Image.Image, duration: int) -> None:
        """Append a frame with transparent pixels: whole, on one transparent index, cleared after.

        Changed rectangles cannot take a pixel back to transparent (a
        transparent pixel leaves what is under it), so each frame is stored
        whole and cleared when the next one comes.
        """
        if self._clear is None:
            self._clear = _Clear(frame)
            self._palette = self._clear.palette
            self._transparent = self._clear.index
            self._file.write(self._header(frame.size, extra=False))
        else:
            assert self._previous is not None
            check_size(frame, self._previous.size)
        current = self._clear.indexed(frame)
        self._file.write(_frame_bytes(current, (0, 0), duration, _CLEAR, self._clear.index))
        self._previous = current

    def close(self) -> None:
        """Write the trailer (the file itself stays open)."""
        self._file.write(b";")

    def _header(self, size: tuple[int, int], extra: bool = True) -> bytes:
        colors = len(self._palette) // 3 + (extra and self._transparent is not None)
        bits = max(1, (colors - 1).bit_length())  # the table holds 2**bits entries
        table = bytes(self._palette) + bytes(3 * (1 << bits) - len(self._palette))
        packed = 0x80 | ((bits - 1) << 4) | (bits - 1)  # global table, its depth and size
        header = b"GIF89a" + struct.pack("<HHBBB", size[0], size[1], packed, 0, 0) + table
        if self._loop:
            header += b"!\xff\x0bNETSCAPE2.0\x03\x01" + struct.pack("<H", 0) + b"\x00"
        return header


def _frame_bytes(
    part: Image.Image,
    offset: tuple[int, int],
    duration: int,
    disposal: int,
    transparent: int | None,
) -> bytes:
    """One GIF frame: graphic control extension, image descriptor, LZW data.

    The same bytes as ``GifImagePlugin.getdata(part, offset=offset,
    duration=..., disposal=disposal, transparency=transparent)`` with the
    duration rounded to whole centiseconds (``getdata`` truncates ms to
    them), without what ``getdata`` costs around the encoder: a class
    defined on every call, a file object, and the encoder settings put on
    and taken off the image (0.017 ms here against 0.067 ms for a 1x1
    frame: 0.05 ms of the 64x64 convolution's 0.8 to 1 ms a frame).  Only
    ``part``'s pixels are read, so its palette, ``info`` and settings left by
    other encoders do not matter.
    """
    centiseconds = min(max(round(duration / 10), 1), 0xFFFF)
    flags = (disposal << 2) | (transparent is not None)
    control = b"!\xf9\x04" + struct.pack("<BHBB", flags, centiseconds, transparent or 0, 0)
    # No local colour table; LZW codes start at 8 bits, as getdata writes them.
    descriptor = b"," + struct.pack("<HHHHBB", *offset, *part.size, 0, 8)
    return control + descriptor + part.tobytes("gif", "P") + b"\x00"


class _Clear:
    """How frames with transparency map onto one GIF palette with one transparent index.

    A ``P`` frame keeps its palette's colours (laid over white); its entries
    less than a quarter opaque all become the transparent index.  Any other frame gets the first
    frame's colours (its opaque pixels) and one more index for the clear ones.
    """

    def __init__(self, first: Image.Image) -> None:
        if first.mode == "P":
            rgba = _palette_rgba(first)
            self.palette = [channel for color in rgba for channel in _on_white(color)]
            clear = [n for n, color in enumerate(rgba) if color[3] < _OPAQUE]
            if clear:
                self.index = clear[0]
            else:  # only "transparency" in info can be missing from the palette
                self.index = len(rgba)
            # A table of indices: every clear entry (and any index past the palette) -> index.
            self._table: list[int] = np.array(
                [self.index if c[3] < _OPAQUE else n for n, c in enumerate(rgba)]
                + [self.index] * (256 - len(rgba)),
                dtype=np.uint8,
            ).tolist()
            self._carrier: Image.Image | None = None
        else:
            image = first.convert("RGBA")
            opaque = np.asarray(image)[..., 3] >= _OPAQUE
            shown = Image.fromarray(np.asarray(_over_white(image))[opaque][None, :, :], "RGB")
            colors = choose_palette(count_colors([shown]), 255) if opaque.any() else []
            self.palette = [channel for color in colors for channel in color] or [0, 0, 0]
            self.index = len(self.palette) // 3
            self._carrier = carrier_of(self.palette)

    def indexed(self, frame: Image.Image) -> Image.Image:
        """``frame`` as a ``P`` image on the palette, its clear pixels on :attr:`index`.

        Pillow's ``point`` and ``paste`` do it without copying the frame out
        to numpy and back: 2 ms for a 1028x1448 ``P`` frame, where numpy
        took 11 ms.
        """
        if self._carrier is None and frame.mode == "P":
            image = frame.point(self._table)
        else:
            rgba = frame.convert("RGBA")
            carrier = self._carrier or carrier_of(self.palette)
            image = to_palette(_over_white(rgba), carrier)
            image.paste(self.index, None, rgba.getchannel("A").point(_CLEAR_ALPHA, "1"))
        image.putpalette(self.palette)
        return image


def _on_white(color: tuple[int, int, int, int]) -> tuple[int, int, int]:
    """An RGBA colour laid over white."""
    a = color[3] / 255
    return tuple(round(c * a + 255 * (1 - a)) for c in color[:3])  # type: ignore[return-value]


def _over_white(image: Image.Image) -> Image.Image:
    """An RGBA image laid over white, as RGB."""
    paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
    paper.alpha_composite(image)
    return paper.convert("RGB")


def _palette_rgba(frame: Image.Image) -> list[tuple[int, int, int, int]]:
    """The palette of a ``P`` frame with each entry's alpha (from the palette or ``transparency``)."""
    if frame.palette is not None and frame.palette.mode == "RGBA":
        flat = frame.getpalette("RGBA") or []
        return [(flat[i], flat[i + 1], flat[i + 2], flat[i + 3]) for i in range(0, len(flat), 4)]
    flat = frame.getpalette() or []
    alphas = [255] * (len(flat) // 3)
    clear = frame.info.get("transparency")
    if isinstance(clear, int):
        if clear >= len(alphas):
            alphas += [255] * (clear + 1 - len(alphas))
            flat += [0, 0, 0] * (clear + 1 - len(flat) // 3)
        alphas[clear] = 0
    elif isinstance(clear, bytes):
        for n, a in enumerate(clear[: len(alphas)]):
            alphas[n] = a
    return [(flat[3 * n], flat[3 * n + 1], flat[3 * n + 2], a) for n, a in enumerate(alphas)]


def write_gif(
    frames: Iterable[Image.Image], durations: Sequence[int], path: PathLike, *, loop: bool = True
) -> Path:
    """Write an animated GIF, streaming: one frame in memory at a time.

    Parameters
    ----------
    frames
        The frames, all of one size; best ``P`` images sharing one palette
        (``render_frames(figure, mode="P")``).  Other frames are mapped onto
        the first frame's palette.
    durations
        Display time of each frame in ms (stored as whole centiseconds).
    path
        The GIF to write; it appears only once complete.
    loop
        Repeat forever (default) or play once.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ConvArithError
        If ``path`` cannot be written, a duration is not a whole number of
        ms >= 1, or there are not as many frames as durations.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from PIL import Image
    >>> frames = [Image.new("RGB", (8, 8), c) for c in ("red", "green", "blue")]
    >>> path = write_gif(frames, [100, 100, 400], pathlib.Path(tempfile.mkdtemp()) / "a.gif")
    >>> Image.open(path).n_frames
    3
    """
    checked = check_durations(durations)
    target = check_file_place(path)
    with atomic_output(target) as temporary, open(temporary, "wb") as file:
        gif = GifStream(file, loop=loop)
        for frame, duration in zip(counted(frames, len(checked)), checked):
            gif.add(frame, duration)
        gif.close()
    return target
