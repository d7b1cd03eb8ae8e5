"""Fixtures of the vector backend tests."""

from __future__ import annotations

import pytest
from vector_figure import padding_strides_figure

from convarith.figure.primitives import Figure


@pytest.fixture(scope="session")
def figure() -> Figure:
    return padding_strides_figure()
