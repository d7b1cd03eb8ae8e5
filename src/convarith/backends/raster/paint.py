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

from convarith.backends.raster.boxes import Box, intersection, shift
from convarith.backends.raster.ops import Label, Op, Shapes

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
