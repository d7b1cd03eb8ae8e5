"""Fixtures of the backend tests: the raster backend's rasterizer, the vector backends' figure."""

from __future__ import annotations

import pytest

from convarith.backends.raster import Rasterizer
from convarith.figure.primitives import Figure
from support.vector_figure import padding_strides_figure


@pytest.fixture(scope="session")
def raster(classic: Figure) -> Rasterizer:
    return Rasterizer(classic)


@pytest.fixture(scope="session")
def figure() -> Figure:
    return padding_strides_figure()
