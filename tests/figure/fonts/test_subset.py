"""The joined program that PDF subsets are cut from, and the subsets themselves."""

from __future__ import annotations

import io

from fontTools.ttLib import TTFont

from convarith.figure.fonts import metrics
from convarith.figure.fonts.subset import JOINED, UNITS_PER_EM, font_subset, joined_faces


def test_the_shipped_joined_program_is_what_the_bundled_faces_make() -> None:
    # A stale file (the faces rebuilt, the joined program not) would print
    # wrong glyphs in every PDF: tools/make_font.py writes both.
    assert JOINED.read_bytes() == joined_faces()


def test_the_joined_program_holds_both_faces_at_the_pdf_grain() -> None:
    font = TTFont(io.BytesIO(JOINED.read_bytes()))
    regular, bold = metrics(False), metrics(True)
    assert font["maxp"].numGlyphs == regular.num_glyphs + bold.num_glyphs
    assert font["head"].unitsPerEm == UNITS_PER_EM
    assert not {"cmap", "post", "name", "GSUB", "GPOS"} & set(font.keys())


def test_a_subset_draws_each_face_with_its_own_outline() -> None:
    regular_a, bold_a = (False, ord("a")), (True, ord("a"))
    subset = font_subset([regular_a, bold_a])
    font = TTFont(io.BytesIO(subset.data))
    order = font.getGlyphOrder()
    plain, heavy = (order[subset.glyph_ids[char]] for char in (regular_a, bold_a))
    assert font["glyf"][plain].numberOfContours > 0 < font["glyf"][heavy].numberOfContours
    # Widths scaled alike from the bundled faces' 2048 units: the bold 'a' is wider.
    width = {name: font["hmtx"][name][0] for name in (plain, heavy)}
    assert width[heavy] > width[plain]
    assert abs(width[plain] - metrics(False).widths[ord("a")] * UNITS_PER_EM / 2048) <= 1
    assert abs(width[heavy] - metrics(True).widths[ord("a")] * UNITS_PER_EM / 2048) <= 1
