"""Build the font that ships with convarith (a developer tool, not run at install).

The package draws every label with one bundled font so that a machine without
system fonts renders the same pictures.  The font is DejaVu Sans (Bitstream
Vera licence, DejaVu changes public domain), cut down to the characters the
figures use and renamed, as the licence asks of a modified copy.  Beside each
font a JSON file keeps the metrics the vector backends need (advance widths,
ascender, descender), so that they never have to parse a TrueType file.

Run with fontTools installed::

    python tools/make_font.py /usr/share/fonts/truetype/dejavu
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

#: Printable ASCII, Latin-1, and the few symbols that labels and formulas use.
CHARACTERS = (
    [chr(c) for c in range(0x20, 0x7F)]
    + [chr(c) for c in range(0xA0, 0x100)]
    + list("×−′″→←↑↓↔⌈⌉⌊⌋·…≤≥≠≈∑∏√∞αβγδθλμσ∗⊛⊙‖–—‘’“”•⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉ᵀ")
)

FONTS = {
    "DejaVuSans.ttf": ("Convarith Sans", "Regular", "ConvarithSans.ttf"),
    "DejaVuSans-Bold.ttf": ("Convarith Sans", "Bold", "ConvarithSans-Bold.ttf"),
}


def rename(font: TTFont, family: str, style: str) -> None:
    """Give the cut-down font a name without "Bitstream" or "Vera" (the licence's rule)."""
    full = f"{family} {style}" if style != "Regular" else family
    postscript = full.replace(" ", "")
    names = {1: family, 2: style, 3: f"convarith:{postscript}", 4: full, 6: postscript}
    table = font["name"]
    for record in list(table.names):
        if record.nameID in names:
            table.setName(
                names[record.nameID],
                record.nameID,
                record.platformID,
                record.platEncID,
                record.langID,
            )
        elif record.nameID in (16, 17, 21, 22):
            table.removeNames(nameID=record.nameID)


def metrics(font: TTFont) -> dict[str, object]:
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    widths = {str(code): hmtx[glyph][0] for code, glyph in sorted(cmap.items())}
    glyph_ids = {str(code): font.getGlyphID(glyph) for code, glyph in sorted(cmap.items())}
    return {
        "units_per_em": font["head"].unitsPerEm,
        "ascender": font["hhea"].ascent,
        "descender": font["hhea"].descent,
        "cap_height": getattr(font["OS/2"], "sCapHeight", 0),
        "x_height": getattr(font["OS/2"], "sxHeight", 0),
        "postscript_name": font["name"].getDebugName(6),
        "bbox": [font["head"].xMin, font["head"].yMin, font["head"].xMax, font["head"].yMax],
        "italic_angle": font["post"].italicAngle,
        "widths": widths,
        "glyph_ids": glyph_ids,
        "num_glyphs": font["maxp"].numGlyphs,
    }


def main(source_dir: str) -> None:
    out = Path(__file__).resolve().parent.parent / "src" / "convarith" / "figure" / "fonts"
    options = subset.Options()
    options.layout_features = ["kern", "liga"]
    options.name_IDs = ["*"]
    options.hinting = False
    options.notdef_outline = True
    for source, (family, style, target) in FONTS.items():
        font = TTFont(Path(source_dir) / source)
        subsetter = subset.Subsetter(options)
        subsetter.populate(text="".join(CHARACTERS))
        subsetter.subset(font)
        rename(font, family, style)
        font.save(out / target)
        saved = TTFont(out / target)
        (out / target).with_suffix(".json").write_text(
            json.dumps(metrics(saved), separators=(",", ":")) + "\n"
        )
        print(out / target, (out / target).stat().st_size, "bytes")
    # The program PDF subsets are cut from: both faces, joined and scaled
    # once here instead of in every process that writes a PDF.
    from convarith.figure.fonts.subset import JOINED, joined_faces

    JOINED.write_bytes(joined_faces())
    print(JOINED, JOINED.stat().st_size, "bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/dejavu")
