"""The raster backend on a figure without a background: RGBA frames, or palettes with alpha.

The figure is drawn twice, on black and on white; each pixel's opacity and
colour follow.  Laid over white, a transparent frame must look like the
same figure drawn on white.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from convarith.backends.raster import Rasterizer, render_frame
from convarith.figure.primitives import Figure


@pytest.fixture(scope="module")
def clear(classic: Figure) -> Figure:
    return replace(classic, background=None)


def _over_white(frame: Image.Image) -> np.ndarray:
    paper = Image.new("RGBA", frame.size, (255, 255, 255, 255))
    paper.alpha_composite(frame.convert("RGBA"))
    return np.asarray(paper.convert("RGB"), dtype=int)


@pytest.mark.parametrize("index", [0, 4, 8])
def test_rgba_frames_over_white_are_the_figure_on_white(
    classic: Figure, clear: Figure, index: int
) -> None:
    frame = render_frame(clear, index)
    assert frame.mode == "RGBA"
    alpha = np.asarray(frame)[..., 3]
    assert alpha[0, 0] == 0 and alpha.max() == 255
    # Between clear and opaque: the antialiased edges and the 40 % window shading.
    assert ((alpha > 0) & (alpha < 255)).any()
    on_white = np.asarray(render_frame(classic, index), dtype=int)
    assert np.abs(_over_white(frame) - on_white).max() <= 3


@pytest.mark.parametrize("index", [0, 8])
def test_palette_frames_carry_alpha(clear: Figure, index: int) -> None:
    raster = Rasterizer(clear)
    frame = raster.frame(index, "P")
    assert frame.mode == "P" and frame.palette.mode == "RGBA"
    assert frame.getpalette("RGBA")[:4] == [0, 0, 0, 0]  # entry 0: the clear background
    assert frame.getpixel((0, 0)) == 0
    full = raster.frame(index, "RGB")
    mapped = frame.convert("RGBA")
    # The palette holds the opacities the figure draws: the mapping moves no pixel far.
    alpha = np.abs(np.asarray(mapped, dtype=int)[..., 3] - np.asarray(full, dtype=int)[..., 3])
    assert alpha.max() <= 16 and alpha.mean() < 0.2
    seen = np.abs(_over_white(mapped) - _over_white(full))
    assert seen.max() <= 24 and seen.mean() < 0.5


def test_frames_differ_from_the_static_image_only_in_their_dirty_box(clear: Figure) -> None:
    raster = Rasterizer(clear)
    static = np.asarray(raster.static_image())
    for index in (0, 5):
        frame = np.asarray(raster.frame(index))
        box = raster.dirty_box(index)
        assert box is not None
        outside = np.ones(static.shape[:2], dtype=bool)
        outside[box[1] : box[3], box[0] : box[2]] = False
        assert (frame[outside] == static[outside]).all()


def test_opaque_figures_give_rgb(classic: Figure) -> None:
    raster = Rasterizer(classic)
    assert not raster.transparent
    assert raster.frame(0).mode == "RGB"
    assert raster.frame(0, "P").palette.mode == "RGB"
