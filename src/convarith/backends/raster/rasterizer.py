"""The :class:`Rasterizer`: one figure at one scale, its static part drawn once.

Speed comes from the structure of a figure (see :mod:`convarith.figure.primitives`):

* the static layers below the first dynamic layer are drawn once, at the
  supersampled size ("under");
* static layers above a dynamic layer are drawn once too, each group onto
  black and onto white; the two reduced images give the group's colour
  (premultiplied) and its transmittance, so it can be laid over any frame with
  a multiply and an add at output resolution ("overlays",
  :mod:`convarith.backends.raster.paint`);
* a frame redraws only its dirty box (the bounds of its dynamic primitives):
  the consecutive dynamic layers right after "under" are drawn into a
  supersampled crop of it, and any later dynamic layer goes through the same
  black/white compositing as the overlays; the reduced result is pasted into a
  copy of the static image;
* each distinct primitive is compiled into paint operations once
  (:mod:`convarith.backends.raster.compile`), however many frames draw it.

The static image itself is made by the same compositing, so a frame differs
from it only inside that frame's dirty box.  In ``"P"`` mode every frame is
mapped onto one palette chosen per figure
(:mod:`convarith.pixels.palette`), and only the dirty crop is mapped.
A figure without a background is drawn on black and on white, which give
each pixel's opacity.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from PIL import Image

from convarith.backends.raster.compile import compile_primitive
from convarith.backends.raster.ops import Label, Op
from convarith.backends.raster.paint import (
    LayeredCache,
    composite,
    layered,
    paint,
    plan,
    run,
    shift_rows,
)
from convarith.core.errors import ConvArithError
from convarith.core.limits import MAX_RASTER_PIXELS, MAX_SUPERSAMPLED_PIXELS, check_scale
from convarith.figure.checks import check_frame
from convarith.figure.primitives import (
    Color,
    DynamicLayer,
    Figure,
    Primitive,
    StaticLayer,
)
from convarith.pixels.boxes import Box, intersection, union
from convarith.pixels.changes import mark
from convarith.pixels.palette import (
    Rgba,
    choose_palette,
    choose_rgba_palette,
    count_colors,
    count_rgba,
    palette_image,
    to_palette,
    to_rgba_palette,
)

__all__ = ["SUPERSAMPLE", "Mode", "Rasterizer", "check_mode"]

Mode = Literal["RGB", "P"]

#: Supersampling factor in each direction: 16 coverage levels per pixel.
SUPERSAMPLE = 4
# Frames rendered up front to see the blends the palette must hold.
_PALETTE_SAMPLES = 8
#: Compiled primitives kept per figure (a 64x64 animation has ~20k distinct ones).
_COMPILE_CACHE = 50_000
#: Rows of a frame's head left undrawn only from this many on (each band drawn costs calls).
_HIDDEN_RUN = 8


@dataclass(frozen=True)
class _Overlay:
    """A group of static layers above a dynamic one, ready to composite."""

    box: Box
    color: Image.Image  # premultiplied: the group drawn on black
    transmittance: Image.Image  # 255 where the group leaves the pixel below as it is


class _Canvas:
    """One figure drawn at one scale on one opaque background: the static part once, frames by box."""

    def __init__(
        self,
        figure: Figure,
        size: tuple[int, int],
        factor: int,
        unit: float,
        background: Color,
        compiled: dict[Primitive, list[Op]],
        layered_cache: LayeredCache,
    ) -> None:
        self._compiled = compiled
        self._layered = layered_cache
        self.size = size
        self.supersample = factor
        self.frame_count = figure.frame_count
        self._figure = figure
        self._unit = unit  # supersampled pixels per canvas unit
        self._background = background

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
        static_run: list[Op] = []
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
            paint(under, self._compile_all(layer.primitives), (0, 0))
        self._under_reduced = under.reduce(factor)
        # The supersampled "under" is only read by frames with a head layer.
        self._under: Image.Image | None = under if self._head else None
        static = self._under_reduced.copy()
        for item in self._rest:
            if isinstance(item, _Overlay):
                composite(static, (0, 0, *self.size), item.box, item.color, item.transmittance)
        self.static = static
        self._hidden = self._covered() if self._head else None

    def _covered(self) -> np.ndarray | None:
        """Output pixels that a static layer above the head covers whole (None if there are none).

        Laying a group over a pixel it lets no light through (transmittance 0)
        gives the group's colour, whatever was below: the head's drawing under
        it never shows (a 64x64 input's connector lines run under the output
        map for a third of their length).
        """
        hidden: np.ndarray | None = None
        for item in self._rest:
            if isinstance(item, _Overlay):
                opaque = (np.asarray(item.transmittance) == 0).all(axis=2)
                if opaque.any():
                    if hidden is None:
                        hidden = np.zeros((self.size[1], self.size[0]), dtype=bool)
                    left, top, right, bottom = item.box
                    hidden[top:bottom, left:right] |= opaque
        return hidden

    # ---- geometry -------------------------------------------------------

    def _supersampled(self, size: tuple[int, int]) -> tuple[int, int]:
        return (size[0] * self.supersample, size[1] * self.supersample)

    def _compile_all(self, primitives: Sequence[Primitive]) -> list[Op]:
        # A window's cells and outline recur in up to k*k consecutive frames: compile each
        # distinct primitive once (they are frozen, hence hashable), within a bounded cache.
        cache = self._compiled
        ops: list[Op] = []
        for primitive in primitives:
            found = cache.get(primitive)
            if found is None:
                if len(cache) >= _COMPILE_CACHE:
                    cache.clear()
                found = cache[primitive] = compile_primitive(primitive, self._unit)
            ops.extend(found)
        return ops

    def _box(self, ops: Sequence[Op]) -> Box | None:
        """Output pixels that ``ops`` may touch (one pixel of margin for rounding)."""
        if not ops:
            return None
        f = self.supersample
        left = math.floor(min(op.bounds[0] for op in ops) / f) - 1
        top = math.floor(min(op.bounds[1] for op in ops) / f) - 1
        right = math.ceil((max(op.bounds[2] for op in ops) + 1) / f) + 1
        bottom = math.ceil((max(op.bounds[3] for op in ops) + 1) / f) + 1
        return intersection((left, top, right, bottom), (0, 0, *self.size))

    def _add_overlay(self, ops: list[Op]) -> None:
        # Labels at the top and at the bottom of a figure would make one box
        # as large as the figure: draw each group of ops that share pixels in a
        # box of its own.  Groups never share a pixel, so the order in which
        # they are laid over a frame does not matter.
        for group, box in self._groups(ops):
            color, transmittance = layered(group, box, self.supersample)
            self._rest.append(_Overlay(box, color, transmittance))

    def _groups(self, ops: list[Op]) -> list[tuple[list[Op], Box]]:
        """``ops`` split into groups whose boxes share no pixel, each with its box, in order."""
        # Groups hold op numbers, sorted once at the end, and a merge extends
        # the largest group in place: a figure's grid overlay is one group of
        # thousands of ops, and copying its members for each new op took a
        # third of a second on a 64x64 input.
        groups: list[tuple[list[int], Box]] = []
        for number, op in enumerate(ops):
            found = self._box([op])
            if found is None:
                continue
            box: Box = found
            merged: list[list[int]] = [[number]]
            kept = []
            for group, group_box in groups:
                if intersection(box, group_box) is None:
                    kept.append((group, group_box))
                    continue
                merged.append(group)
                box = _joined(box, group_box)
            # A grown box may now meet a group it missed: merge until none is left.
            changed = True
            while changed:
                changed = False
                for entry in list(kept):
                    if intersection(box, entry[1]) is not None:
                        kept.remove(entry)
                        merged.append(entry[0])
                        box = _joined(box, entry[1])
                        changed = True
            members = max(merged, key=len)
            for group in merged:
                if group is not members:
                    members.extend(group)
            groups = [*kept, (members, box)]
        # Within a merged group, ops keep their drawing order.
        return [([ops[n] for n in sorted(members)], box) for members, box in groups]

    # ---- frames ---------------------------------------------------------

    def dirty_box(self, index: int) -> Box | None:
        """The box where frame ``index`` may differ from the static image, or None."""
        boxes = [self._box(self._frame_ops([layer], index)) for layer in self._head]
        for item in self._rest:
            if isinstance(item, list):
                boxes.append(self._box(self._frame_ops(item, index)))
        return union(boxes)

    def _frame_ops(self, layers: Sequence[DynamicLayer], index: int) -> list[Op]:
        ops: list[Op] = []
        for layer in layers:
            ops.extend(self._compile_all(layer.frames[index]))
        return ops

    def _shown_bands(self, box: Box) -> list[tuple[int, int]] | None:
        """The runs of rows of ``box`` that are not covered whole; None if none is worth leaving out."""
        if self._hidden is None:
            return None
        covered = np.all(self._hidden[box[1] : box[3], box[0] : box[2]], axis=1)
        # Where runs of covered rows start and end (row numbers within the box).
        edges = np.flatnonzero(np.diff(np.concatenate(([0], covered.astype(np.int8), [0]))))
        starts, ends = edges[0::2], edges[1::2]
        long = ends - starts >= _HIDDEN_RUN
        if not long.any():
            return None
        bands = []
        start = 0
        for hidden_start, hidden_end in zip(starts[long].tolist(), ends[long].tolist()):
            if hidden_start > start:
                bands.append((box[1] + start, box[1] + hidden_start))
            start = hidden_end
        if box[1] + start < box[3]:
            bands.append((box[1] + start, box[3]))
        return bands

    def _head_bands(self, ops: Sequence[Op], box: Box) -> list[tuple[int, Image.Image]]:
        """The head drawn over what is below it and reduced: ``(first row, pixels)`` per band.

        One band for the whole box, or, where a layer above covers whole runs
        of its rows, the bands between them.  Text is drawn whole.
        """
        assert self._under is not None
        f = self.supersample
        bands = None if any(isinstance(op, Label) for op in ops) else self._shown_bands(box)
        if bands is None:
            scaled = (box[0] * f, box[1] * f, box[2] * f, box[3] * f)
            crop = self._under.crop(scaled)
            paint(crop, ops, scaled[:2])
            return [(box[1], crop.reduce(f))]
        size = ((box[2] - box[0]) * f, (box[3] - box[1]) * f)
        calls = plan(ops, (box[0] * f, box[1] * f), size)
        drawn = []
        for top, bottom in bands:
            crop = self._under.crop((box[0] * f, top * f, box[2] * f, bottom * f))
            moved = shift_rows(calls, (top - box[1]) * f)
            assert moved is not None  # no text
            run(crop, moved)
            drawn.append((top, crop.reduce(f)))
        return drawn

    def dirty_region(self, index: int) -> tuple[Box, Image.Image] | None:
        """The dirty box of frame ``index`` and the frame's pixels inside it (RGB)."""
        head_ops = self._frame_ops(self._head, index)
        head_box = self._box(head_ops)
        later: list[tuple[list[Op], Box | None] | _Overlay] = []
        for item in self._rest:
            if isinstance(item, _Overlay):
                later.append(item)
            else:
                ops = self._frame_ops(item, index)
                later.append((ops, self._box(ops)))
        dirty = union([head_box, *(i[1] for i in later if not isinstance(i, _Overlay))])
        if dirty is None:
            return None
        bands = [] if head_box is None else self._head_bands(head_ops, head_box)
        if head_box == dirty and len(bands) == 1 and bands[0][1].height == dirty[3] - dirty[1]:
            region = bands[0][1]  # as in most frames: the head's region is the whole of it
        else:
            # Rows the bands leave out are covered whole by a layer above.
            region = self._under_reduced.crop(dirty)
            for top, pixels in bands:
                assert head_box is not None
                region.paste(pixels, (head_box[0] - dirty[0], top - dirty[1]))
        for entry in later:
            if isinstance(entry, _Overlay):
                composite(region, dirty, entry.box, entry.color, entry.transmittance)
            elif entry[1] is not None:
                color, transmittance = self._layered.layered(entry[0], entry[1], self.supersample)
                composite(region, dirty, entry[1], color, transmittance)
        return dirty, region


class Rasterizer:
    """Draws the frames of one figure at one scale.

    Building it draws the static part once; :meth:`frame` then costs only
    the frame's dirty box.  :func:`~convarith.backends.raster.render_frames`
    is the usual entry point.  Large rasters are supersampled less (down to
    1x) to keep the supersampled canvas under about 120 MB.

    A figure without a background (``None``) is transparent there: it is
    drawn twice, on black and on white, and the two give each pixel's colour
    and opacity.  Its frames are then RGBA images (``"RGB"`` mode: full
    colour, with alpha), or ``P`` images whose palette holds an alpha per
    colour (``"P"`` mode; entry 0 is the clear background).

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
    >>> clear = Rasterizer(Figure(12, 4, figure.layers, (500, 500), background=None))
    >>> clear.transparent, clear.frame(1).getpixel((10, 2)), clear.frame(1).getpixel((6, 2))
    (True, (0, 0, 255, 255), (0, 0, 0, 0))
    """

    def __init__(self, figure: Figure, *, scale: float = 1.0) -> None:
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
        self.transparent = figure.background is None
        self._figure = figure
        compiled: dict[Primitive, list[Op]] = {}
        layered_cache = LayeredCache()  # drawn on black and white: shared by both canvases
        unit = scale * factor
        if self.transparent:
            self._canvases = [
                _Canvas(figure, self.size, factor, unit, color, compiled, layered_cache)
                for color in ((0, 0, 0), (255, 255, 255))
            ]
            self._static = _alpha(*(c.static for c in self._canvases))
        else:
            assert figure.background is not None
            self._canvases = [
                _Canvas(figure, self.size, factor, unit, figure.background, compiled, layered_cache)
            ]
            self._static = self._canvases[0].static
        self._palette: Image.Image | None = None
        self._rgba_palette: list[Rgba] | None = None
        self._static_p: Image.Image | None = None
        self._cached: dict[int, tuple[Box, Image.Image] | None] = {}
        self._tokens: dict[str, object] = {}  # one static image per mode

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
        check_frame(self._figure, index)
        return self._canvases[0].dirty_box(index)

    def _dirty_region(self, index: int) -> tuple[Box, Image.Image] | None:
        """The dirty box of frame ``index`` and the frame's pixels inside it (RGB, or RGBA)."""
        if index in self._cached:
            return self._cached.pop(index)
        regions = [canvas.dirty_region(index) for canvas in self._canvases]
        if regions[0] is None:
            return None
        if not self.transparent:
            return regions[0]
        (box, on_black), (_, on_white) = regions  # type: ignore[misc]
        return box, _alpha(on_black, on_white)

    def _sample(self) -> list[Image.Image]:
        """The static image and a few frames' dirty regions, kept for when they are asked for."""
        count = self.frame_count
        samples = min(count, _PALETTE_SAMPLES)
        indices = sorted({round(i * (count - 1) / max(samples - 1, 1)) for i in range(samples)})
        for index in indices:
            # Kept for when the frame is asked for: sampling costs no extra render.
            self._cached[index] = self._dirty_region(index)
        return [self._static, *(r[1] for r in self._cached.values() if r is not None)]

    @property
    def palette(self) -> Image.Image:
        """The ``P`` image whose palette every ``"P"`` frame uses, chosen on first use.

        For a transparent figure its palette is RGBA (``palette.palette.mode``).
        """
        if self._palette is None:
            images = self._sample()
            if self.transparent:
                self._rgba_palette = choose_rgba_palette(count_rgba(images))
                carrier = Image.new("P", (1, 1), 0)
                flat = bytes(channel for color in self._rgba_palette for channel in color)
                carrier.putpalette(flat, "RGBA")
                self._palette = carrier
            else:
                self._palette = palette_image(choose_palette(count_colors(images)))
        return self._palette

    def _on_palette(self, image: Image.Image) -> Image.Image:
        if self.transparent:
            assert self._rgba_palette is not None
            return to_rgba_palette(image, self._rgba_palette)
        return to_palette(image, self.palette)

    def frame(self, index: int, mode: Mode = "RGB") -> Image.Image:
        """Frame ``index`` as an RGB (RGBA if transparent) image, or a ``P`` image on :attr:`palette`.

        Examples
        --------
        >>> from convarith.figure.primitives import Figure
        >>> Rasterizer(Figure(3, 2, (), (100,))).frame(0, "P").mode
        'P'
        """
        check_frame(self._figure, index)
        check_mode(mode)
        if mode == "P":
            self.palette  # noqa: B018  # chosen before the static image is mapped
            if self._static_p is None:
                self._static_p = self._on_palette(self._static)
            base = self._static_p
        else:
            base = self._static
        found = self._dirty_region(index)
        image = base.copy()
        if found is not None:
            box, region = found
            image.paste(self._on_palette(region) if mode == "P" else region, box[:2])
        # Where it may differ from the static image, for encoders that compare frames.
        mark(image, self._tokens.setdefault(mode, object()), None if found is None else found[0])
        return image


def _joined(a: Box, b: Box) -> Box:
    """The smallest box holding ``a`` and ``b``."""
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _alpha(on_black: Image.Image, on_white: Image.Image) -> Image.Image:
    """The RGBA image whose compositing over black and over white gives these two images."""
    black = np.asarray(on_black, dtype=np.int32)
    white = np.asarray(on_white, dtype=np.int32)
    alpha = np.clip(255 - (white - black).mean(axis=2).round(), 0, 255).astype(np.int32)
    safe = np.maximum(alpha, 1)[..., None]
    color = np.clip((black * 255 + safe // 2) // safe, 0, 255)
    color[alpha == 0] = 0
    rgba = np.concatenate([color, alpha[..., None]], axis=2).astype(np.uint8)
    return Image.fromarray(rgba, "RGBA")


def check_mode(mode: str) -> None:
    """Refuse any frame mode but ``"RGB"`` and ``"P"``.

    Examples
    --------
    >>> check_mode("L")
    Traceback (most recent call last):
        ...
    convarith.core.errors.ConvArithError: mode='L' must be 'RGB' or 'P'
    """
    if mode not in ("RGB", "P"):
        raise ConvArithError(f"mode={mode!r} must be 'RGB' or 'P'")
