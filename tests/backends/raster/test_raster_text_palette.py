"""Text in the bundled font, and the per-figure palette."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest
from PIL import Image

from convarith.backends.raster import render_frame
from convarith.figure.fonts import text_width
from convarith.figure.primitives import Figure, StaticLayer, Text
from convarith.pixels.palette import choose_palette, palette_image, to_palette

Color = tuple[int, int, int]


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


def test_palette_keeps_frequent_colours_exactly_and_maps_each_onto_itself() -> None:
    rng = random.Random(7)
    counts: Counter[Color] = Counter()
    flat = [(255, 255, 255), (38, 139, 210), (42, 161, 152), (0, 43, 54), (36, 137, 208)]
    for color, count in zip(flat, (90_000, 30_000, 20_000, 5_000, 4_000), strict=True):
        counts[color] = count
    for _ in range(2_000):
        counts[(rng.randrange(256), rng.randrange(256), rng.randrange(256))] += rng.randrange(1, 9)
    chosen = choose_palette(counts, 64)
    assert len(chosen) == 64
    assert chosen[0] == flat[0]  # the most frequent first
    assert set(flat[:4]) <= set(chosen)  # the flat colours exactly
    strip = Image.new("RGB", (len(chosen), 1))
    strip.putdata(chosen)
    assert list(to_palette(strip, palette_image(chosen)).tobytes()) == list(range(64))
    # (36, 137, 208) shares Pillow's lookup bucket with the blue: it yields.
    assert (36, 137, 208) not in chosen


def test_a_palette_of_few_colours_holds_only_those() -> None:
    counts: Counter[Color] = Counter({(0, 0, 0): 5, (255, 0, 0): 3})
    assert choose_palette(counts) == [(0, 0, 0), (255, 0, 0)]
