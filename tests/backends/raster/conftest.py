"""Fixtures of the raster backend tests: the "padding, strides" figure, rendered once."""

from __future__ import annotations

import pytest
from PIL import Image
from raster_figures import padding_strides

from convarith.backends.raster import Rasterizer, render_frames
from convarith.figure.primitives import Figure


@pytest.fixture(scope="session")
def classic() -> Figure:
    return padding_strides()


@pytest.fixture(scope="session")
def raster(classic: Figure) -> Rasterizer:
    return Rasterizer(classic)


@pytest.fixture(scope="session")
def rgb_frames(classic: Figure) -> list[Image.Image]:
    return list(render_frames(classic, mode="RGB"))


@pytest.fixture(scope="session")
def p_frames(classic: Figure) -> list[Image.Image]:
    return list(render_frames(classic, mode="P"))
