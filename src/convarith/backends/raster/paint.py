"""Painting operations onto Pillow images, and laying translucent layers over frames.

:func:`paint` draws compiled operations onto a supersampled image.  A group
of layers that must go over something not drawn yet is painted twice, onto
black and onto white (:func:`layered`): once reduced, the two give its colour
(premultiplied) and its transmittance, and :func:`composite` lays that pair
over any image with a multiply and an add at output resolution.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw

from convarith.backends.raster.ops import Label, Op
from convarith.figure.primitives import Color
from convarith.pixels.boxes import Box, intersection, shift

__all__ = ["Call", "LayeredCache", "composite", "layered", "paint", "plan", "run", "shift_rows"]


#: A polygon's vertices as handed to Pillow: whole pixels in a plan, as they are when painting.
Points = tuple[tuple[float, float], ...] | list[tuple[float, float]]


@dataclass(frozen=True, slots=True)
class _Fill:
    """An opaque polygon, its vertices relative to the image's corner."""

    points: Points
    color: Color


@dataclass(frozen=True, slots=True)
class _Blend:
    """A translucent polygon, blended into the image pixel by pixel."""

    points: Points
    ink: tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class _Masked:
    """Translucent polygons drawn into one mask over ``box``, then blended once."""

    box: Box
    polygons: tuple[Points, ...]
    alpha: int
    color: Color


@dataclass(frozen=True, slots=True)
class _Text:
    """A label, painted at ``origin``'s offset."""

    op: Label
    origin: tuple[int, int]


Call = _Fill | _Blend | _Masked | _Text
"""One drawing call, with every argument it hands to Pillow: see :func:`plan`."""


def _whole(polygon: Sequence[tuple[float, float]], dx: int, dy: int) -> Points:
    # Pillow truncates every vertex to an int (toward zero) before it fills a
    # polygon (``_draw_polygon`` in its C core); truncating here first hands
    # it the same vertices, and makes two calls that draw alike compare equal.
    return tuple([(int(x - dx), int(y - dy)) for x, y in polygon])


def _moved(polygon: Sequence[tuple[float, float]], dx: int, dy: int) -> Points:
    # The same vertices left for Pillow to truncate: what painting without a
    # plan to keep uses, as truncating in Python costs more than drawing
    # (measured: a 64x64 figure's static part, 80,000 polygons).
    return [(x - dx, y - dy) for x, y in polygon]


def plan(ops: Sequence[Op], origin: tuple[int, int], size: tuple[int, int]) -> tuple[Call, ...]:
    """The drawing calls that paint ``ops`` onto an image of ``size`` whose corner is at ``origin``.

    A plan holds every argument of its calls, so two equal plans paint
    equal pixels onto equal images: :class:`LayeredCache` keys on them.

    Examples
    --------
    >>> from convarith.backends.raster.ops import Shapes
    >>> square = Shapes((((1.5, 0), (5.9, 0), (5.9, 4), (1.5, 4)),), (0, 0, 255), 1.0, (1, 0, 6, 4))
    >>> plan([square], (0, 0), (8, 8)) == plan([square], (0, 0), (8, 8))
    True
    >>> plan([square], (0, 0), (8, 8))[0].points
    ((1, 0), (5, 0), (5, 4), (1, 4))
    """
    return tuple(_planned(ops, origin, size, _whole))


def _planned(
    ops: Iterable[Op],
    origin: tuple[int, int],
    size: tuple[int, int],
    move: Callable[[Sequence[tuple[float, float]], int, int], Points],
) -> Iterator[Call]:
    # A generator, so that :func:`paint` makes each call as it is planned: a
    # figure's static part is tens of thousands of calls, and holding them all
    # at once woke the garbage collector over and over (three times the time).
    ox, oy = origin
    for op in ops:
        alpha = round(op.opacity * 255)
        if isinstance(op, Label):
            yield _Text(op, origin)
        elif alpha >= 255:
            for polygon in op.polygons:
                yield _Fill(move(polygon, ox, oy), op.color)
        elif len(op.polygons) == 1:
            yield _Blend(move(op.polygons[0], ox, oy), (*op.color, alpha))
        else:
            # Overlapping parts of one translucent stroke (dash ends, joins) must
            # not darken twice: they go into one mask, and the colour is blended once.
            left = max(math.floor(op.bounds[0] - ox) - 1, 0)
            top = max(math.floor(op.bounds[1] - oy) - 1, 0)
            right = min(math.ceil(op.bounds[2] - ox) + 2, size[0])
            bottom = min(math.ceil(op.bounds[3] - oy) + 2, size[1])
            if left < right and top < bottom:
                dx, dy = ox + left, oy + top
                polygons = tuple([move(polygon, dx, dy) for polygon in op.polygons])
                yield _Masked((left, top, right, bottom), polygons, alpha, op.color)


def run(image: Image.Image, calls: Iterable[Call]) -> None:
    """Make the drawing calls of a :func:`plan` on ``image``."""
    plain = ImageDraw.Draw(image)
    # The blending drawer is made when first needed: making one costs as much as a polygon.
    blend: ImageDraw.ImageDraw | None = None
    for call in calls:
        if isinstance(call, _Fill):
            plain.polygon(call.points, fill=call.color)
        elif isinstance(call, _Blend):
            blend = blend or ImageDraw.Draw(image, "RGBA")
            blend.polygon(call.points, fill=call.ink)
        elif isinstance(call, _Masked):
            left, top, right, bottom = call.box
            mask = Image.new("L", (right - left, bottom - top), 0)
            draw = ImageDraw.Draw(mask)
            for polygon in call.polygons:
                draw.polygon(polygon, fill=call.alpha)
            image.paste(call.color, call.box, mask)
        else:
            op, origin = call.op, call.origin
            alpha = round(op.opacity * 255)
            position = (op.position[0] - origin[0], op.position[1] - origin[1])
            if alpha >= 255:
                if not _stamp(image, op, origin):
                    plain.text(position, op.text, fill=op.color, font=op.font, anchor=op.anchor)
            else:
                blend = blend or ImageDraw.Draw(image, "RGBA")
                blend.text(
                    position, op.text, fill=(*op.color, alpha), font=op.font, anchor=op.anchor
                )


def shift_rows(calls: Sequence[Call], rows: int) -> tuple[Call, ...] | None:
    """``calls`` for an image that starts ``rows`` lower; None if a call draws text.

    Pillow fills a polygon row by row from its whole-pixel vertices, and
    each row's span depends only on the row's distance from an edge's first
    vertex: moving every vertex and the image's first row alike moves the
    spans and nothing else (``polygon_generic`` in its C core).  So a plan
    run on a band of an image paints what the whole plan paints in those
    rows.  Text is placed at fractional positions and is not moved here.

    Examples
    --------
    >>> from convarith.backends.raster.ops import Shapes
    >>> square = Shapes((((1.5, 6), (5.9, 6), (5.9, 9), (1.5, 9)),), (0, 0, 255), 1.0, (1, 6, 6, 9))
    >>> shift_rows(plan([square], (0, 0), (8, 12)), 4)[0].points
    ((1, 2), (5, 2), (5, 5), (1, 5))
    """
    moved: list[Call] = []
    for call in calls:
        if isinstance(call, _Fill):
            moved.append(_Fill(tuple([(x, y - rows) for x, y in call.points]), call.color))
        elif isinstance(call, _Blend):
            moved.append(_Blend(tuple([(x, y - rows) for x, y in call.points]), call.ink))
        elif isinstance(call, _Masked):
            left, top, right, bottom = call.box
            box = (left, top - rows, right, bottom - rows)
            moved.append(_Masked(box, call.polygons, call.alpha, call.color))
        else:
            return None
    return tuple(moved)


def paint(image: Image.Image, ops: Sequence[Op], origin: tuple[int, int]) -> None:
    """Draw ``ops`` (supersampled pixels) onto ``image``, whose corner is at ``origin``."""
    run(image, _planned(ops, origin, image.size, _moved))


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
    return _layered(lambda image: paint(image, ops, origin), size, factor)


def _layered(
    draw: Callable[[Image.Image], None], size: tuple[int, int], factor: int
) -> tuple[Image.Image, Image.Image]:
    black = Image.new("RGB", size, (0, 0, 0))
    white = Image.new("RGB", size, (255, 255, 255))
    draw(black)
    draw(white)
    color = black.reduce(factor)
    return color, ImageChops.subtract(white.reduce(factor), color)


class LayeredCache:
    """:func:`layered` for the frames of one figure, each distinct drawing made once.

    A frame's dynamic layer above a static one (an output cell's highlight)
    is drawn onto black and onto white at the supersampled size, and the
    same highlight comes back, whole pixels apart, in frame after frame:
    what it draws depends only on the :func:`plan` of its drawing calls
    relative to its box (Pillow truncates vertices to whole pixels), so
    equal plans share one result.  At most ``limit`` output pixels are kept.

    Examples
    --------
    >>> from convarith.backends.raster.ops import Shapes
    >>> square = lambda x: Shapes((((x, 0), (x + 8, 0), (x + 8, 8), (x, 8)),), (255, 0, 0), 0.5,
    ...                           (x, 0, x + 8, 8))
    >>> cache = LayeredCache()
    >>> first = cache.layered([square(4)], (0, 0, 4, 3), 4)
    >>> cache.layered([square(16)], (3, 0, 7, 3), 4) is first
    True
    """

    def __init__(self, limit: int = 4_000_000) -> None:
        self.limit = limit
        self._kept: dict[tuple[object, ...], tuple[Image.Image, Image.Image]] = {}
        self._pixels = 0

    def layered(self, ops: Sequence[Op], box: Box, factor: int) -> tuple[Image.Image, Image.Image]:
        """:func:`layered` (the same images, shared: do not change them)."""
        size = ((box[2] - box[0]) * factor, (box[3] - box[1]) * factor)
        calls = plan(ops, (box[0] * factor, box[1] * factor), size)
        key = (size, factor, calls)
        found = self._kept.get(key)
        if found is None:
            found = _layered(lambda image: run(image, calls), size, factor)
            pixels = found[0].width * found[0].height
            if self._pixels + pixels > self.limit:
                self._kept.clear()
                self._pixels = 0
            self._kept[key] = found
            self._pixels += pixels
        return found


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
