"""What every encoder needs: checked durations, counted frames, changed boxes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from PIL import Image, ImageChops

from convarith.core.errors import ConvArithError
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
    "has_alpha",
    "on_palette",
    "palette_of",
]

Box = tuple[int, int, int, int]


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
    if current.mode == "P":
        delta = ImageChops.subtract_modulo(current, previous)
    else:
        delta = ImageChops.difference(current, previous)
    return delta.getbbox(alpha_only=False)


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
