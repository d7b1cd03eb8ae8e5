"""Painting operations onto Pillow images, and laying translucent layers over frames.

:func:`paint` draws compiled operations onto a supersampled image.  A group
of layers that must go over something not drawn yet is painted twice, onto
black and onto white (:func:`layered`): once reduced, the two give its colour
(premultiplied) and its transmittance, and :func:`composite` lays that pair
over any image with a multiply and an add at output resolution.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PIL import Image, ImageChops, ImageDraw

from convarith.backends.raster.ops import Label, Op, Shapes
from convarith.pixels.boxes import Box, intersection, shift

__all__ = ["composite", "layered", "paint"]


def paint(image: Image.Image, ops: Sequence[Op], origin: tuple[int, int]) -> None:
    """Draw ``ops`` (supersampled pixels) onto ``image``, whose corner is at ``origin``."""
    ox, oy = origin
    plain = ImageDraw.Draw(image)
    # The blending drawer is made when first needed: making one costs as much as a polygon.
    blend: ImageDraw.ImageDraw | None = None
    for op in ops:
        alpha = round(op.opacity * 255)
        if isinstance(op, Label):
            position = (op.position[0] - ox, op.position[1] - oy)
            if alpha >= 255:
                if not _stamp(image, op, origin):
                    plain.text(position, op.text, fill=op.color, font=op.font, anchor=op.anchor)
            else:
                blend = blend or ImageDraw.Draw(image, "RGBA")
                blend.text(
                    position, op.text, fill=(*op.color, alpha), font=op.font, anchor=op.anchor
                )
        elif alpha >= 255:
            for polygon in op.polygons:
                plain.polygon([(x - ox, y - oy) for x, y in polygon], fill=op.color)
        elif len(op.polygons) == 1:
            shifted = [(x - ox, y - oy) for x, y in op.polygons[0]]
            blend = blend or ImageDraw.Draw(image, "RGBA")
            blend.polygon(shifted, fill=(*op.color, alpha))
        else:
            _paint_translucent(image, op, origin, alpha)


#: Labels' glyph masks kept for reuse, at most this many.
_STAMPS = 4096
# Room around a label's measured box, so that no antialiased edge is cut off.
_STAMP_MARGIN = 4
_stamps: dict[Label, tuple[Image.Image, int, int] | None] = {}


def _stamp(image: Image.Image, op: Label, origin: tuple[int, int]) -> bool:
    """Paint an opaque label from its cached glyph mask; False if it must be drawn as text.

    A window's value labels come back in up to k*k frames: rendering their
    glyphs each time was a sixth of a numerical animation's painting
    (measured).  Pillow draws text by rendering a mask at the position's
    fractional offset and filling the colour through it at the integer
    position (``ImageDraw.text``); the same mask is made here once, on its
    own canvas at the same fractional offset, and the colour is filled
    through it with ``paste``, which blends exactly as that fill does.
    Fractions match only where the label lies right of and below the
    image's corner, as it does in every box the rasterizer draws; anywhere
    else the text is drawn as usual.
    """
    x, y = op.position[0] - origin[0], op.position[1] - origin[1]
    if x < 0 or y < 0 or op.position[0] < 0 or op.position[1] < 0 or "\n" in op.text:
        return False  # lines of a multi-line text are placed by their own rules
    if op not in _stamps:
        if len(_stamps) >= _STAMPS:
            _stamps.clear()
        _stamps[op] = _glyph_mask(op)
    found = _stamps[op]
    if found is None:
        return False
    mask, left, top = found
    # The canvas's corner lies ``left, top`` whole pixels from the position's.
    corner = (int(x) + left, int(y) + top)
    image.paste(op.color, (*corner, corner[0] + mask.width, corner[1] + mask.height), mask)
    return True


def _glyph_mask(op: Label) -> tuple[Image.Image, int, int] | None:
    """``op``'s glyph mask and its corner relative to the position's whole pixels, or None."""
    whole_x, whole_y = math.floor(op.position[0]), math.floor(op.position[1])
    left = math.floor(op.bounds[0]) - whole_x - _STAMP_MARGIN
    top = math.floor(op.bounds[1]) - whole_y - _STAMP_MARGIN
    width = math.ceil(op.bounds[2]) - whole_x - left + _STAMP_MARGIN
    height = math.ceil(op.bounds[3]) - whole_y - top + _STAMP_MARGIN
    mask = Image.new("L", (width, height), 0)
    # Whole pixels moved, the same fraction kept: the glyphs render as in place.
    at = (op.position[0] - whole_x - left, op.position[1] - whole_y - top)
    ImageDraw.Draw(mask).text(at, op.text, fill=255, font=op.font, anchor=op.anchor)
    inked = mask.getbbox()
    if inked is not None and (
        inked[0] == 0 or inked[1] == 0 or inked[2] == width or inked[3] == height
    ):
        return None  # ink reaches the canvas's edge: it may have been cut off
    return mask, left, top


def _paint_translucent(image: Image.Image, op: Shapes, origin: tuple[int, int], alpha: int) -> None:
    # Overlapping parts of one translucent stroke (dash ends, joins) must not
    # darken twice: draw them all into one mask, then blend the colour once.
    left = max(math.floor(op.bounds[0] - origin[0]) - 1, 0)
    top = max(math.floor(op.bounds[1] - origin[1]) - 1, 0)
    right = min(math.ceil(op.bounds[2] - origin[0]) + 2, image.width)
    bottom = min(math.ceil(op.bounds[3] - origin[1]) + 2, image.height)
    if left >= right or top >= bottom:
        return
    mask = Image.new("L", (right - left, bottom - top), 0)
    draw = ImageDraw.Draw(mask)
    dx, dy = origin[0] + left, origin[1] + top
    for polygon in op.polygons:
        draw.polygon([(x - dx, y - dy) for x, y in polygon], fill=alpha)
    image.paste(op.color, (left, top, right, bottom), mask)


def layered(ops: Sequence[Op], box: Box, factor: int) -> tuple[Image.Image, Image.Image]:
    """``ops`` over ``box`` as (colour drawn on black, transmittance), reduced.

    ``box`` is in output pixels, ``factor`` the supersampling of ``ops``.

    Examples
    --------
    >>> from convarith.backends.raster.ops import Shapes
    >>> half_red = Shapes((((0, 0), (4, 0), (4, 4), (0, 4)),), (255, 0, 0), 0.5, (0, 0, 4, 4))
    >>> color, transmittance = layered([half_red], (0, 0, 1, 1), 4)
    >>> color.getpixel((0, 0)), transmittance.getpixel((0, 0))
    ((128, 0, 0), (127, 127, 127))
    """
    size = ((box[2] - box[0]) * factor, (box[3] - box[1]) * factor)
    origin = (box[0] * factor, box[1] * factor)
    black = Image.new("RGB", size, (0, 0, 0))
    white = Image.new("RGB", size, (255, 255, 255))
    paint(black, ops, origin)
    paint(white, ops, origin)
    color = black.reduce(factor)
    return color, ImageChops.subtract(white.reduce(factor), color)


def composite(
    target: Image.Image, target_box: Box, box: Box, color: Image.Image, transmittance: Image.Image
) -> None:
    """Lay a (premultiplied colour, transmittance) pair covering ``box`` over ``target``.

    ``target`` covers ``target_box``; all boxes are in output pixels.
    """
    common = intersection(target_box, box)
    if common is None:
        return
    here = shift(common, -target_box[0], -target_box[1])
    there = shift(common, -box[0], -box[1])
    below = target.crop(here)
    above = ImageChops.add(ImageChops.multiply(below, transmittance.crop(there)), color.crop(there))
    target.paste(above, here[:2])
