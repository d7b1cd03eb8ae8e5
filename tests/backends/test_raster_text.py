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


def test_labels_painted_from_cached_masks_equal_labels_drawn_as_text() -> None:
    # paint() fills a label's colour through a glyph mask kept from its first
    # use; it must give what ImageDraw.text gives, at every fractional
    # position, size, anchor and face, in each box it is painted into.
    from PIL import Image, ImageDraw

    from convarith.backends.raster.compile import compile_primitive
    from convarith.backends.raster.ops import Label
    from convarith.backends.raster.paint import paint

    rng = np.random.default_rng(5)
    background = Image.fromarray(rng.integers(0, 256, (90, 160, 3), dtype=np.uint8), "RGB")
    compared = 0
    for n in range(60):
        x, y = 40 + rng.uniform(0, 80), 25 + rng.uniform(0, 40)
        text = ["0", "-1.25", "input 5×5", "Wy€", "17"][n % 5]
        anchor = ("start", "middle", "end")[n % 3]
        size = (7.5, 12.0, 19.3)[n % 3]
        label = Text((x / 4, y / 4), text, size / 4, (20, 90, 200), anchor=anchor, bold=n % 2 == 0)  # type: ignore[arg-type]
        [op] = compile_primitive(label, 4.0)
        assert isinstance(op, Label)
        for origin in ((0, 0), (8, 4), (12, 16)):
            expected = background.crop((*origin, origin[0] + 120, origin[1] + 70))
            ImageDraw.Draw(expected).text(
                (op.position[0] - origin[0], op.position[1] - origin[1]),
                op.text,
                fill=op.color,
                font=op.font,
                anchor=op.anchor,
            )
            for _ in range(2):  # drawn, then from the kept mask
                got = background.crop((*origin, origin[0] + 120, origin[1] + 70))
                paint(got, [op], origin)
                assert got.tobytes() == expected.tobytes(), (text, anchor, size, origin)
                compared += 1
    assert compared == 360
