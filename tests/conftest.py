"""Fixtures shared by the raster backend and encoder tests: the "padding, strides" figure, rendered once."""

from __future__ import annotations

import pytest
from PIL import Image

from convarith.backends.raster import render_frames
from convarith.figure.primitives import Figure
from support.raster_figures import padding_strides


@pytest.fixture(scope="session")
def classic() -> Figure:
    return padding_strides()


@pytest.fixture(scope="session")
def rgb_frames(classic: Figure) -> list[Image.Image]:
    return list(render_frames(classic, mode="RGB"))


@pytest.fixture(scope="session")
def p_frames(classic: Figure) -> list[Image.Image]:
    return list(render_frames(classic, mode="P"))
