"""What every encoder needs: checked durations, counted frames, changed boxes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from PIL import Image, ImageChops

from convarith.core.errors import ConvArithError
from convarith.pixels.boxes import Box
from convarith.pixels.palette import (
    choose_palette,
    count_colors,
    palette_image,
    to_palette,
)

__all__ = [
    "carrier_of",
    "changed_box",
    "check_size",
    "counted",
    "difference",
    "has_alpha",
    "on_palette",
    "palette_of",
    "unchanged_mask",
]


def counted(frames: Iterable[Image.Image], count: int) -> Iterator[Image.Image]:
    """Yield ``frames``, raising if there are not exactly ``count`` of them.

    Examples
    --------
    >>> from PIL import Image
    >>> len(list(counted([Image.new("RGB", (1, 1))] * 2, 2)))
    2
    """
    seen = 0
    for frame in frames:
        seen += 1
        if seen > count:
            raise ConvArithError(f"frames: more frames than the {count} durations")
        yield frame
    if seen < count:
        raise ConvArithError(f"frames: {seen} frames for {count} durations")


def check_size(frame: Image.Image, size: tuple[int, int]) -> None:
    """Raise unless ``frame`` has the animation's ``size`` (that of its first frame).

    >>> from PIL import Image
    >>> check_size(Image.new("RGB", (2, 3)), (2, 3))
    """
    if frame.size != size:
        raise ConvArithError(f"frame size {frame.size} differs from the first frame's {size}")


def palette_of(frame: Image.Image) -> list[int]:
    """The palette (flat RGB list) that a first frame sets for a whole animation.

    A ``P`` frame brings its own; any other frame gets up to 256 of its
    colours, the frequent ones exactly (later frames are mapped onto them
    without dithering).

    Examples
    --------
    >>> from PIL import Image
    >>> len(palette_of(Image.new("RGB", (4, 4), (9, 9, 9)))) % 3
    0
    """
    if frame.mode == "P":
        palette = frame.getpalette()
        if palette:
            return palette
    colors = choose_palette(count_colors([frame.convert("RGB")]), 256)
    return [channel for color in colors for channel in color]


def on_palette(frame: Image.Image, palette: list[int], carrier: Image.Image) -> Image.Image:
    """``frame`` as a ``P`` image on ``palette`` (``carrier`` is :func:`palette_image` of it).

    Frames that already use the palette pass through untouched, which is the
    case for every frame of :func:`convarith.backends.raster.render_frames`
    in ``"P"`` mode.

    Examples
    --------
    >>> from PIL import Image
    >>> from convarith.pixels.palette import palette_image
    >>> palette = [0, 0, 0, 255, 255, 255]
    >>> white = Image.new("RGB", (2, 2), "white")
    >>> frame = on_palette(white, palette, palette_image([(0, 0, 0), (255, 255, 255)]))
    >>> frame.mode, frame.getpixel((0, 0))
    ('P', 1)
    """
    if frame.mode == "P" and frame.getpalette() == palette:
        return frame
    return to_palette(frame.convert("RGB"), carrier)


def carrier_of(palette: list[int]) -> Image.Image:
    """The :func:`palette_image` of a flat RGB palette list.

    >>> carrier_of([1, 2, 3]).getpalette()
    [1, 2, 3]
    """
    colors = [(palette[i], palette[i + 1], palette[i + 2]) for i in range(0, len(palette), 3)]
    return palette_image(colors)


def difference(previous: Image.Image, current: Image.Image) -> Image.Image:
    """An image of ``current``'s mode that is 0 exactly where the two frames are equal.

    ``P`` frames are compared index by index (they share a palette), with
    ``ImageChops.subtract_modulo``: its value is 0 only for equal indices
    and, unlike ``ImageChops.difference``, it does not go through the
    palette.  Its :meth:`~PIL.Image.Image.getbbox` is the changed box, and
    a crop of it gives :func:`unchanged_mask`: one pass over the whole frame
    serves both.

    Examples
    --------
    >>> from PIL import Image
    >>> a = Image.new("P", (3, 1), 5); b = a.copy(); b.putpixel((1, 0), 4)
    >>> list(difference(a, b).tobytes())
    [0, 255, 0]
    """
    if current.mode == "P":
        return ImageChops.subtract_modulo(current, previous)
    return ImageChops.difference(current, previous)


def changed_box(previous: Image.Image, current: Image.Image) -> Box | None:
    """The bounding box of the pixels that differ between two frames of one mode, or None.

    ``P`` frames are compared index by index (they share a palette).

    Examples
    --------
    >>> from PIL import Image
    >>> a = Image.new("RGB", (5, 5)); b = a.copy(); b.putpixel((3, 1), (1, 0, 0))
    >>> changed_box(a, b)
    (3, 1, 4, 2)
    """
    return difference(previous, current).getbbox(alpha_only=False)


#: ``point`` table of a ``P`` or ``L`` difference to a mask: 0 (unchanged) -> 255.
_UNCHANGED = (255,) + (0,) * 255


def unchanged_mask(delta: Image.Image) -> Image.Image:
    """A ``1`` mask, set where the one-band :func:`difference` ``delta`` is 0.

    Used with :meth:`~PIL.Image.Image.paste` to put one index on every
    unchanged pixel of a ``P`` frame.  All in Pillow's C code: on the
    changed rectangles of a 64x64 convolution (a few per cent of a
    1028x1448 frame) this and the paste take 0.07 ms a frame where numpy
    (``np.where`` on the two crops) took 0.3 ms, mostly in copying the
    images out of Pillow and back.

    Examples
    --------
    >>> from PIL import Image
    >>> a = Image.new("P", (3, 1), 5); b = a.copy(); b.putpixel((1, 0), 4)
    >>> b.paste(9, None, unchanged_mask(difference(a, b)))
    >>> list(b.tobytes())
    [9, 4, 9]
    """
    return delta.point(_UNCHANGED, "1")


def has_alpha(frame: Image.Image) -> bool:
    """Whether ``frame`` carries transparency: an alpha band, or a palette with transparent entries.

    >>> has_alpha(Image.new("RGBA", (1, 1))), has_alpha(Image.new("RGB", (1, 1)))
    (True, False)
    """
    if frame.mode in ("RGBA", "LA", "PA"):
        return True
    if frame.mode == "P":
        return "transparency" in frame.info or (
            frame.palette is not None and frame.palette.mode == "RGBA"
        )
    return False
