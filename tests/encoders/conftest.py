"""Fixtures of the encoder tests: frames of the classic figure, and small frame sets."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PIL import Image

# The realistic figure is shared with the raster backend tests.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "backends" / "raster"))

from raster_figures import padding_strides

from convarith.backends.raster import render_frames
from convarith.figure.primitives import Figure


@pytest.fixture(scope="session")
def classic() -> Figure:
    return padding_strides()


@pytest.fixture(scope="session")
def p_frames(classic: Figure) -> list[Image.Image]:
    return list(render_frames(classic, mode="P"))


@pytest.fixture(scope="session")
def rgb_frames(classic: Figure) -> list[Image.Image]:
    return list(render_frames(classic, mode="RGB"))
