"""Text in the raster backend: set in the bundled font around its anchor, "?" for what it lacks."""

from __future__ import annotations

import numpy as np
import pytest

from convarith.backends.raster import render_frame
from convarith.figure.fonts import text_width
from convarith.figure.primitives import Figure, StaticLayer, Text


def ink(text: str, anchor: str = "middle", size: float = 20, bold: bool = False) -> np.ndarray:
    label = Text((100, 30), text, size, (0, 0, 0), anchor=anchor, bold=bold)  # type: ignore[arg-type]
    image = render_frame(Figure(200, 60, (StaticLayer((label,)),), (100,)))
    return np.asarray(image.convert("L")) < 128


def extent(mask: np.ndarray) -> tuple[int, int, int, int]:
    rows, columns = np.nonzero(mask.any(axis=1))[0], np.nonzero(mask.any(axis=0))[0]
    return int(columns[0]), int(rows[0]), int(columns[-1]) + 1, int(rows[-1]) + 1


@pytest.mark.parametrize("bold", [False, True])
def test_text_is_set_in_the_bundled_font_around_its_anchor(bold: bool) -> None:
    left, top, right, bottom = extent(ink("input 5×5", bold=bold))
    # The advance width from the font's own metrics; the ink lacks the side bearings.
    advance = text_width("input 5×5", 20, bold)
    assert advance - 6 <= right - left <= advance
    assert abs((left + right) / 2 - 100) <= 1.5
    assert top < 30 < bottom


def test_text_anchors_start_and_end() -> None:
    assert abs(extent(ink("5x5", "start"))[0] - 100) <= 2
    assert abs(extent(ink("5x5", "end"))[2] - 100) <= 2


def test_characters_the_font_lacks_are_drawn_as_question_marks() -> None:
    assert np.array_equal(ink("€"), ink("?"))
    assert not np.array_equal(ink("×"), ink("?"))
