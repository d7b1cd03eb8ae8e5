"""Helpers shared by the vector backends: compact numbers, and a dash without length drawn solid."""

from __future__ import annotations

import zlib

import pytest

from convarith.backends.pdf import pdf_document
from convarith.backends.svg import frame_svg
from convarith.backends.tikz import tikz_document
from convarith.backends.vector import number
from convarith.figure.primitives import Figure, Polyline, StaticLayer


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (12.0, "12"),
        (100.0, "100"),
        (0.5, "0.5"),
        (0.25, "0.25"),
        (3.14159, "3.14"),
        (2.999, "3"),
        (-1.5, "-1.5"),
        (-0.001, "0"),
        (1e-9, "0"),
        (-20.0, "-20"),
        (123456.789, "123456.79"),
    ],
)
def test_number(value: float, text: str) -> None:
    assert number(value) == text


@pytest.mark.parametrize(
    ("dash", "dashed"), [((6.0, 6.0), True), ((0.0, 0.0), False), (None, False)]
)
def test_a_dash_without_length_draws_solid_in_every_backend(
    dash: tuple[float, float] | None, dashed: bool
) -> None:
    line = Polyline(((0, 0), (10, 0)), stroke=(0, 0, 0), stroke_width=1, dash=dash)
    figure = Figure(10, 10, (StaticLayer((line,)),), (1000,))
    assert ("stroke-dasharray" in frame_svg(figure, 0)) == dashed
    assert ("dash pattern" in tikz_document(figure)) == dashed
    content = zlib.decompress(pdf_document(figure).split(b"stream\n")[1].rsplit(b"\nendstream")[0])
    assert (b"[6 6] 0 d" in content) == dashed
    assert b"[0 0] 0 d" not in content
