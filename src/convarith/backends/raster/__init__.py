"""Raster backend: the frames of a figure as Pillow images.

Drawing is supersampled (by :data:`SUPERSAMPLE` in each direction, then
box-reduced), which antialiases edges, thin lines and the ends of dashes
without any antialiasing support from Pillow's polygon filler.  Strokes are
outlined as polygons (:mod:`~convarith.backends.raster.strokes`) so they are
centred on their path, mitred and dashed as in the SVG and PDF backends.

The modules, each importing only those listed before it (and boxes in output
pixels from :mod:`convarith.pixels.boxes`):

* :mod:`~convarith.backends.raster.strokes`: stroke outlines and dashes, as polygons;
* :mod:`~convarith.backends.raster.ops`: paint operations (shapes, labels);
* :mod:`~convarith.backends.raster.compile`: drawing primitives to paint operations;
* :mod:`~convarith.backends.raster.paint`: painting operations, compositing layers;
* :mod:`~convarith.backends.raster.rasterizer`: :class:`Rasterizer`, which draws the
  static part of a figure once and then each frame's dirty box;
* :mod:`~convarith.backends.raster.frames`: :func:`render_frames` and
  :func:`render_frame`, the entry points.
"""

from __future__ import annotations

from convarith.backends.raster.frames import FrameStream, render_frame, render_frames
from convarith.backends.raster.rasterizer import SUPERSAMPLE, Mode, Rasterizer
from convarith.pixels.boxes import Box

__all__ = [
    "SUPERSAMPLE",
    "Box",
    "FrameStream",
    "Mode",
    "Rasterizer",
    "render_frame",
    "render_frames",
]
