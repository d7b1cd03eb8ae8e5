"""Shapes and per-axis values as text: one formatter, the command line's spelling."""

from __future__ import annotations

from fractions import Fraction

import pytest

from convarith.cli.options import parse_padding, parse_sizes
from convarith.core.text import per_axis_text, shape_text


@pytest.mark.parametrize(
    ("shape", "text"),
    [((5,), "5"), ((32, 16), "32x16"), ((5, 5), "5x5"), ((4, 5, 6), "4x5x6"), ((1, 7), "1x7")],
)
def test_shape_text_is_what_the_command_line_takes(shape, text):
    assert shape_text(shape) == text
    assert parse_sizes("--input", shape_text(shape)) == shape


def test_shape_text_other_separators():
    assert shape_text((5, 3), "×") == "5×3"
    assert shape_text((5,), "×") == "5"
    assert shape_text((2, 3), " x ") == "2 x 3"
    assert shape_text(()) == ""


def test_shape_text_takes_any_sequence_of_sizes():
    assert shape_text([3, 4]) == "3x4"
    assert shape_text(range(2, 5)) == "2x3x4"


@pytest.mark.parametrize(
    ("values", "text"),
    [((3,), "3"), ((3, 3), "3"), ((3, 3, 3), "3"), ((3, 2), "3x2"), ((2, 2, 1), "2x2x1")],
)
def test_per_axis_text_is_what_the_command_line_takes(values, text):
    assert per_axis_text(values) == text
    parsed = parse_sizes("--kernel", per_axis_text(values))
    if len(parsed) == 1:  # one value stands for every axis, as on the command line
        parsed *= len(values)
    assert parsed == values


def test_per_axis_text_paddings_and_separators():
    pads = ("1:2", 0)
    assert per_axis_text(pads) == "1:2x0"
    assert parse_padding(per_axis_text(pads)) == ((1, 2), 0)
    assert per_axis_text(("1:2", "1:2")) == "1:2"
    assert per_axis_text((3, 2), "×") == "3×2"
    assert per_axis_text((3, 3), "×") == "3"
    assert per_axis_text((1, 2), " x ") == "1 x 2"


def test_per_axis_text_of_fractions():
    assert per_axis_text((Fraction(1, 2), Fraction(1, 2))) == "1/2"
    assert per_axis_text((Fraction(1, 2), 2)) == "1/2x2"
