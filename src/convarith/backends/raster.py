"""Raster backend: the frames of a figure as Pillow images.

Drawing is supersampled (by :data:`SUPERSAMPLE` in each direction, then
box-reduced), which antialiases edges, thin lines and the ends of dashes
without any antialiasing support from Pillow's polygon filler.  Strokes are
outlined as polygons (:mod:`convarith.backends.raster_strokes`) so they are
centred on their path, mitred and dashed as in the SVG and PDF backends.

Speed comes from the structure of a figure (see :mod:`convarith.figure.primitives`):

* the static layers below the first dynamic layer are drawn once, at the
  supersampled size ("under");
* static layers above a dynamic layer are drawn once too, each group onto
  black and onto white; the two reduced images give the group's colour
  (premultiplied) and its transmittance, so it can be laid over any frame with
  a multiply and an add at output resolution ("overlays");
* a frame redraws only its dirty box (the bounds of its dynamic primitives):
  the consecutive dynamic layers right after "under" are drawn into a
  supersampled crop of it, and any later dynamic layer goes through the same
  black/white compositing as the overlays; the reduced result is pasted into a
  copy of the static image.

The static image itself is made by the same compositing, so a frame differs
from it only inside that frame's dirty box.  In ``"P"`` mode every frame is
mapped onto one palette chosen per figure
(:mod:`convarith.pixels.palette`), and only the dirty crop is mapped.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from PIL import Image, ImageChops, ImageDraw, ImageFont

from convarith.backends.raster_strokes import (
    dash_pieces,
    inset_polygon,
    stroke_outline,
    trim_path,
)
from convarith.core.errors import ConvArithError
from convarith.core.limits import MAX_RASTER_PIXELS, MAX_SUPERSAMPLED_PIXELS, check_scale
from convarith.figure.fonts import font_path, metrics
from convarith.figure.primitives import (
    Color,
    DynamicLayer,
    Figure,
    Polygon,
    Primitive,
    StaticLayer,
    Text,
)
from convarith.pixels.palette import (
    choose_palette,
    count_colors,
    palette_image,
    to_palette,
)

__all__ = [
    "SUPERSAMPLE",
    "Box",
    "FrameStream",
    "Rasterizer",
    "render_frame",
    "render_frames",
]

#: Box in output pixels: ``(left, top, right, bottom)``, right and bottom excluded.
Box = tuple[int, int, int, int]
Mode = Literal["RGB", "P"]

#: Supersampling factor in each direction: 16 coverage levels per pixel.
SUPERSAMPLE = 4
# Above this many supersampled pixels (~120 MB of RGB) the factor is lowered.
# Frames rendered up front to see the blends the palette must hold.
_PALETTE_SAMPLES = 8
_ANCHORS = {"start": "lm", "middle": "mm", "end": "rm"}
# Pillow fills every pixel that a polygon touches, about 0.3 px beyond its
# edges; shrinking each shape by that much (in supersampled pixels) makes the
# coverage match the shape's true area, so thin lines keep their width and
# dashes their length.
_INSET = 0.3

_Bounds = tuple[float, float, float, float]
_Point = tuple[float, float]


#: Compiled primitives kept per figure (a 64x64 animation has ~20k distinct ones).
_COMPILE_CACHE = 50_000


@dataclass(frozen=True, slots=True)
class _Shapes:
    """Polygons painted in one colour, in supersampled pixels."""

    polygons: tuple[tuple[_Point, ...], ...]
    color: Color
    opacity: float
    bounds: _Bounds


@dataclass(frozen=True, slots=True)
class _Label:
    """One text, anchored at ``position`` (supersampled pixels)."""

    position: _Point
    text: str
    font: ImageFont.FreeTypeFont
    anchor: str
    color: Color
    opacity: float
    bounds: _Bounds


_Op = _Shapes | _Label


@dataclass(frozen=True)
class _Overlay:
    """A group of static layers above a dynamic one, ready to composite."""

    box: Box
    color: Image.Image  # premultiplied: the group drawn on black
    transmittance: Image.Image  # 255 where the group leaves the pixel below as it is


@lru_cache(maxsize=64)
def _font(bold: bool, size: float) -> ImageFont.FreeTypeFont:
    # The basic layout engine needs no libraqm and matches the metrics module.
    return ImageFont.truetype(str(font_path(bold)), size, layout_engine=ImageFont.Layout.BASIC)


def _drawable(text: str, bold: bool) -> str:
    # The bundled font is a subset: draw what it lacks as "?", as measured.
    known = metrics(bold).widths
    return "".join(c if ord(c) in known else "?" for c in text)


def _union(boxes: Sequence[Box | None]) -> Box | None:
    present = [b for b in boxes if b is not None]
    if not present:
        return None
    return (
        min(b[0] for b in present),
        min(b[1] for b in present),
        max(b[2] for b in present),
        max(b[3] for b in present),
    )


def _intersection(a: Box, b: Box) -> Box | None:
    box = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    return box if box[0] < box[2] and box[1] < box[3] else None


def _shift(box: Box, dx: int, dy: int) -> Box:
    return (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)


class Rasterizer:
    """Draws the frames of one figure at one scale.

    Building it draws the static part once; :meth:`frame` then costs only
    the frame's dirty box.  :func:`render_frames` is the usual entry point.
    A figure without a background (``None``) is drawn on white: frames are
    opaque, as GIF, MP4 and palette PNGs want them.  Large rasters are
    supersampled less (down to 1x) to keep the supersampled canvas under
    about 120 MB.

    Parameters
    ----------
    figure
        What to draw.
    scale
        Output pixels per canvas unit.

    Examples
    --------
    >>> from convarith.figure.primitives import DynamicLayer, Figure, Polygon, StaticLayer
    >>> square = lambda x: Polygon(((x, 0), (x + 4, 0), (x + 4, 4), (x, 4)), fill=(0, 0, 255))
    >>> figure = Figure(12, 4, (StaticLayer((square(0),)),
    ...                         DynamicLayer(((square(4),), (square(8),)))), (500, 500))
    >>> raster = Rasterizer(figure)
    >>> raster.size, raster.dirty_box(1)
    ((12, 4), (7, 0, 12, 4))
    >>> raster.frame(1).getpixel((10, 2))
    (0, 0, 255)
    """

    def __init__(self, figure: Figure, *, scale: float = 1.0) -> None:
        self._compiled: dict[Primitive, list[_Op]] = {}
        scale = check_scale(scale)
        width, height = figure.width * scale, figure.height * scale
        if not (math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0):
            raise ConvArithError(
                f"figure size {figure.width}x{figure.height} must be positive and finite"
            )
        self.size = (max(1, math.ceil(width - 1e-6)), max(1, math.ceil(height - 1e-6)))
        if self.size[0] * self.size[1] > MAX_RASTER_PIXELS:
            raise ConvArithError(
                f"scale={scale:g} makes a {self.size[0]}x{self.size[1]} px raster, "
                f"more than {MAX_RASTER_PIXELS:,} px"
            )
        factor = SUPERSAMPLE
        while factor > 1 and self.size[0] * self.size[1] * factor**2 > MAX_SUPERSAMPLED_PIXELS:
            factor -= 1
        self.supersample = factor
        self.frame_count = figure.frame_count
        self._unit = scale * factor  # supersampled pixels per canvas unit
        self._background: Color = figure.background or (255, 255, 255)

        layers = figure.layers
        first = next(
            (i for i, layer in enumerate(layers) if isinstance(layer, DynamicLayer)), len(layers)
        )
        end = first
        while end < len(layers) and isinstance(layers[end], DynamicLayer):
            end += 1
        self._head = [layer for layer in layers[first:end] if isinstance(layer, DynamicLayer)]
        # What follows the head, in order: runs of static layers become
        # overlays, runs of dynamic layers are drawn per frame.
        self._rest: list[_Overlay | list[DynamicLayer]] = []
        static_run: list[_Op] = []
        for layer in layers[end:]:
            if isinstance(layer, StaticLayer):
                static_run.extend(self._compile_all(layer.primitives))
                continue
            self._add_overlay(static_run)
            static_run = []
            previous = self._rest[-1] if self._rest else None
            if isinstance(previous, list):
                previous.append(layer)
            else:
                self._rest.append([layer])
        self._add_overlay(static_run)

        under = Image.new("RGB", self._supersampled(self.size), self._background)
        for layer in layers[:first]:
            assert isinstance(layer, StaticLayer)
            _paint(under, self._compile_all(layer.primitives), (0, 0))
        self._under_reduced = under.reduce(factor)
        # The supersampled "under" is only read by frames with a head layer.
        self._under: Image.Image | None = under if self._head else None
        static = self._under_reduced.copy()
        for item in self._rest:
            if isinstance(item, _Overlay):
                _composite(static, (0, 0, *self.size), item.box, item.color, item.transmittance)
        self._static = static
        self._palette: Image.Image | None = None
        self._static_p: Image.Image | None = None
        self._cached: dict[int, tuple[Box, Image.Image] | None] = {}

    # ---- geometry -------------------------------------------------------

    def _supersampled(self, size: tuple[int, int]) -> tuple[int, int]:
        return (size[0] * self.supersample, size[1] * self.supersample)

    def _compile_all(self, primitives: Sequence[Primitive]) -> list[_Op]:
        # A window's cells and outline recur in up to k*k consecutive frames: compile each
        # distinct primitive once (they are frozen, hence hashable), within a bounded cache.
        cache = self._compiled
        ops: list[_Op] = []
        for primitive in primitives:
            found = cache.get(primitive)
            if found is None:
                if len(cache) >= _COMPILE_CACHE:
                    cache.clear()
                found = cache[primitive] = self._compile(primitive)
            ops.extend(found)
        return ops

    def _compile(self, primitive: Primitive) -> list[_Op]:
        unit = self._unit
        if isinstance(primitive, Text):
            if primitive.opacity <= 0 or not primitive.text or primitive.size <= 0:
                return []
            size = primitive.size * unit
            font = _font(primitive.bold, size)
            text = _drawable(primitive.text, primitive.bold)
            anchor = _ANCHORS[primitive.anchor]
            x, y = primitive.position[0] * unit, primitive.position[1] * unit
            left, top, right, bottom = font.getbbox(text, anchor=anchor)
            bounds = (x + left, y + top, x + right, y + bottom)
            return [_Label((x, y), text, font, anchor, primitive.color, primitive.opacity, bounds)]
        points = [(x * unit, y * unit) for x, y in primitive.points]
        ops: list[_Op] = []
        closed = isinstance(primitive, Polygon)
        if isinstance(primitive, Polygon) and primitive.fill is not None and len(points) > 2:
            ops.append(
                _shapes([inset_polygon(points, _INSET)], primitive.fill, primitive.fill_opacity)
            )
        if primitive.stroke is not None and primitive.stroke_width > 0:
            outline = _stroke(points, primitive.stroke_width * unit, closed, primitive.dash, unit)
            if outline:
                ops.append(_shapes(outline, primitive.stroke, primitive.stroke_opacity))
        return [op for op in ops if op.opacity > 0]

    def _box(self, ops: Sequence[_Op]) -> Box | None:
        """Output pixels that ``ops`` may touch (one pixel of margin for rounding)."""
        if not ops:
            return None
        f = self.supersample
        left = math.floor(min(op.bounds[0] for op in ops) / f) - 1
        top = math.floor(min(op.bounds[1] for op in ops) / f) - 1
        right = math.ceil((max(op.bounds[2] for op in ops) + 1) / f) + 1
        bottom = math.ceil((max(op.bounds[3] for op in ops) + 1) / f) + 1
        return _intersection((left, top, right, bottom), (0, 0, *self.size))

    def _layered(self, ops: Sequence[_Op], box: Box) -> tuple[Image.Image, Image.Image]:
        """``ops`` over ``box`` as (colour drawn on black, transmittance), reduced."""
        f = self.supersample
        size = self._supersampled((box[2] - box[0], box[3] - box[1]))
        origin = (box[0] * f, box[1] * f)
        black = Image.new("RGB", size, (0, 0, 0))
        white = Image.new("RGB", size, (255, 255, 255))
        _paint(black, ops, origin)
        _paint(white, ops, origin)
        color = black.reduce(f)
        return color, ImageChops.subtract(white.reduce(f), color)

    def _add_overlay(self, ops: list[_Op]) -> None:
        box = self._box(ops)
        if box is not None:
            color, transmittance = self._layered(ops, box)
            self._rest.append(_Overlay(box, color, transmittance))

    # ---- frames ---------------------------------------------------------

    def static_image(self) -> Image.Image:
        """The figure without its dynamic layers (every frame equals it outside its dirty box).

        Examples
        --------
        >>> from convarith.figure.primitives import Figure
        >>> Rasterizer(Figure(3, 2, (), (100,))).static_image().getpixel((0, 0))
        (255, 255, 255)
        """
        return self._static.copy()

    def dirty_box(self, index: int) -> Box | None:
        """The box where frame ``index`` may differ from the static image, or None.

        Examples
        --------
        >>> from convarith.figure.primitives import Figure
        >>> print(Rasterizer(Figure(3, 2, (), (100,))).dirty_box(0))
        None
        """
        self._check_index(index)
        boxes = [self._box(self._frame_ops([layer], index)) for layer in self._head]
        for item in self._rest:
            if isinstance(item, list):
                boxes.append(self._box(self._frame_ops(item, index)))
        return _union(boxes)

    def _check_index(self, index: int) -> None:
        if isinstance(index, bool) or not isinstance(index, int):
            raise ConvArithError(f"index={index!r} must be a whole number")
        if not 0 <= index < self.frame_count:
            raise ConvArithError(
                f"index={index} must be from 0 to {self.frame_count - 1} "
                f"(the figure has {self.frame_count} frames)"
            )

    def _frame_ops(self, layers: Sequence[DynamicLayer], index: int) -> list[_Op]:
        ops: list[_Op] = []
        for layer in layers:
            ops.extend(self._compile_all(layer.frames[index]))
        return ops

    def _dirty_region(self, index: int) -> tuple[Box, Image.Image] | None:
        """The dirty box of frame ``index`` and the frame's pixels inside it (RGB)."""
        if index in self._cached:
            return self._cached.pop(index)
        head_ops = self._frame_ops(self._head, index)
        head_box = self._box(head_ops)
        later: list[tuple[list[_Op], Box | None] | _Overlay] = []
        for item in self._rest:
            if isinstance(item, _Overlay):
                later.append(item)
            else:
                ops = self._frame_ops(item, index)
                later.append((ops, self._box(ops)))
        dirty = _union([head_box, *(i[1] for i in later if not isinstance(i, _Overlay))])
        if dirty is None:
            return None
        region = self._under_reduced.crop(dirty)
        if head_box is not None:
            assert self._under is not None
            f = self.supersample
            scaled = (head_box[0] * f, head_box[1] * f, head_box[2] * f, head_box[3] * f)
            crop = self._under.crop(scaled)
            _paint(crop, head_ops, scaled[:2])
            region.paste(crop.reduce(f), (head_box[0] - dirty[0], head_box[1] - dirty[1]))
        for entry in later:
            if isinstance(entry, _Overlay):
                _composite(region, dirty, entry.box, entry.color, entry.transmittance)
            elif entry[1] is not None:
                color, transmittance = self._layered(entry[0], entry[1])
                _composite(region, dirty, entry[1], color, transmittance)
        return dirty, region

    @property
    def palette(self) -> Image.Image:
        """The ``P`` image whose palette every ``"P"`` frame uses, chosen on first use."""
        if self._palette is None:
            count = self.frame_count
            samples = min(count, _PALETTE_SAMPLES)
            indices = sorted({round(i * (count - 1) / max(samples - 1, 1)) for i in range(samples)})
            for index in indices:
                # Kept for when the frame is asked for: sampling costs no extra render.
                self._cached[index] = self._dirty_region(index)
            regions = [r[1] for r in self._cached.values() if r is not None]
            self._palette = palette_image(choose_palette(count_colors([self._static, *regions])))
        return self._palette

    def frame(self, index: int, mode: Mode = "RGB") -> Image.Image:
        """Frame ``index`` as an RGB image, or a ``P`` image on :attr:`palette`.

        Examples
        --------
        >>> from convarith.figure.primitives import Figure
        >>> Rasterizer(Figure(3, 2, (), (100,))).frame(0, "P").mode
        'P'
        """
        self._check_index(index)
        _check_mode(mode)
        if mode == "P":
            palette = self.palette
            if self._static_p is None:
                self._static_p = to_palette(self._static, palette)
            base = self._static_p
        else:
            base = self._static
        found = self._dirty_region(index)
        image = base.copy()
        if found is not None:
            box, region = found
            image.paste(to_palette(region, palette) if mode == "P" else region, box[:2])
        return image


class FrameStream(Iterator[Image.Image]):
    """The frames of a figure, drawn one at a time as they are asked for.

    It knows how many frames remain (``len``), so a consumer that names
    files by frame number can size the numbers before the first frame.
    """

    def __init__(self, raster: Rasterizer, mode: Mode) -> None:
        self.raster = raster
        self.mode = mode
        self._next = 0

    def __iter__(self) -> FrameStream:
        return self

    def __next__(self) -> Image.Image:
        if self._next >= self.raster.frame_count:
            raise StopIteration
        image = self.raster.frame(self._next, self.mode)
        self._next += 1
        return image

    def __len__(self) -> int:
        return self.raster.frame_count - self._next


def render_frames(figure: Figure, *, scale: float = 1.0, mode: Mode = "RGB") -> FrameStream:
    """The frames of ``figure`` in order, drawn one at a time.

    Parameters
    ----------
    figure
        What to draw.
    scale
        Output pixels per canvas unit.
    mode
        ``"RGB"`` for full colour, or ``"P"`` for palette images that all
        share one palette (what GIF and small PNGs need).

    Returns
    -------
    FrameStream
        An iterator of :class:`PIL.Image.Image` with ``len``; each frame is a
        new image that the caller may keep or change.

    Examples
    --------
    >>> from convarith.figure.primitives import DynamicLayer, Figure, Polygon
    >>> dot = lambda x: Polygon(((x, 0), (x + 2, 0), (x + 2, 2), (x, 2)), fill=(0, 0, 0))
    >>> figure = Figure(6, 2, (DynamicLayer(((dot(0),), (dot(4),))),), (500, 500))
    >>> frames = render_frames(figure, mode="P")
    >>> len(frames), [f.size for f in frames]
    (2, [(6, 2), (6, 2)])
    """
    _check_mode(mode)
    return FrameStream(Rasterizer(figure, scale=scale), mode)


def render_frame(
    figure: Figure, index: int = 0, *, scale: float = 1.0, mode: Mode = "RGB"
) -> Image.Image:
    """One frame of ``figure`` (a poster image, a thumbnail).

    Examples
    --------
    >>> from convarith.figure.primitives import Figure, StaticLayer, Text
    >>> label = Text((20, 10), "input 5×5", 12, (0, 0, 0))
    >>> render_frame(Figure(40, 20, (StaticLayer((label,)),), (100,))).size
    (40, 20)
    """
    _check_mode(mode)
    return Rasterizer(figure, scale=scale).frame(index, mode)


def _check_mode(mode: str) -> None:
    if mode not in ("RGB", "P"):
        raise ConvArithError(f"mode={mode!r} must be 'RGB' or 'P'")


def _stroke(
    points: list[_Point],
    width: float,
    closed: bool,
    dash: tuple[float, float] | None,
    unit: float,
) -> list[list[_Point]]:
    """Polygons of a stroke in supersampled pixels, shrunk by :data:`_INSET` all round."""
    thinner = max(width - 2 * _INSET, 1e-3)
    if dash is None and closed:
        return stroke_outline(points, thinner, closed=True)
    pieces = (
        [points]
        if dash is None
        else dash_pieces(points, (dash[0] * unit, dash[1] * unit), closed=closed)
    )
    polygons: list[list[_Point]] = []
    for piece in pieces:
        polygons.extend(stroke_outline(trim_path(piece, _INSET), thinner, closed=False))
    return polygons


def _shapes(polygons: Sequence[Sequence[_Point]], color: Color, opacity: float) -> _Shapes:
    xs = [x for polygon in polygons for x, _ in polygon]
    ys = [y for polygon in polygons for _, y in polygon]
    return _Shapes(
        tuple(tuple(polygon) for polygon in polygons),
        color,
        min(opacity, 1.0),
        (min(xs), min(ys), max(xs), max(ys)),
    )


def _paint(image: Image.Image, ops: Sequence[_Op], origin: tuple[int, int]) -> None:
    """Draw ``ops`` (supersampled pixels) onto ``image``, whose corner is at ``origin``."""
    ox, oy = origin
    plain = ImageDraw.Draw(image)
    blend = ImageDraw.Draw(image, "RGBA")
    for op in ops:
        alpha = round(op.opacity * 255)
        if isinstance(op, _Label):
            position = (op.position[0] - ox, op.position[1] - oy)
            if alpha >= 255:
                plain.text(position, op.text, fill=op.color, font=op.font, anchor=op.anchor)
            else:
                blend.text(
                    position, op.text, fill=(*op.color, alpha), font=op.font, anchor=op.anchor
                )
        elif alpha >= 255:
            for polygon in op.polygons:
                plain.polygon([(x - ox, y - oy) for x, y in polygon], fill=op.color)
        elif len(op.polygons) == 1:
            shifted = [(x - ox, y - oy) for x, y in op.polygons[0]]
            blend.polygon(shifted, fill=(*op.color, alpha))
        else:
            _paint_translucent(image, op, origin, alpha)


def _paint_translucent(
    image: Image.Image, op: _Shapes, origin: tuple[int, int], alpha: int
) -> None:
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


def _composite(
    target: Image.Image, target_box: Box, box: Box, color: Image.Image, transmittance: Image.Image
) -> None:
    """Lay a (premultiplied colour, transmittance) pair covering ``box`` over ``target``.

    ``target`` covers ``target_box``; all boxes are in output pixels.
    """
    common = _intersection(target_box, box)
    if common is None:
        return
    here = _shift(common, -target_box[0], -target_box[1])
    there = _shift(common, -box[0], -box[1])
    below = target.crop(here)
    above = ImageChops.add(ImageChops.multiply(below, transmittance.crop(there)), color.crop(there))
    target.paste(above, here[:2])
