"""The embedded font of a PDF: one subset holding the characters a document prints.

The font is a Type0 font with a CIDFontType2 descendant, and both faces'
glyphs travel in one TrueType program: the subset of the bundled fonts
that holds exactly the characters the document prints
(:func:`convarith.figure.fonts.subset.font_subset`).  Content streams are
written before the subset is known, with a character's code point (plus
:data:`~convarith.backends.pdf_content.BOLD` for the bold face) as its id;
:func:`glyph_codes` then puts the subset's glyph ids in their place, so
that the font needs no ``CIDToGIDMap`` stream.  A ``ToUnicode`` map lets
``pdftotext``, search and copy-paste recover the text.  A document without
text embeds no font.

The streams of a subset are made once per process and character set
(:func:`_streams`): the frames of an animation print the same labels.
"""

from __future__ import annotations

import re
import zlib
from functools import lru_cache

from convarith.backends.pdf_content import cid
from convarith.figure.fonts import metrics
from convarith.figure.fonts.subset import Char, font_subset

__all__ = ["font_objects", "glyph_codes", "stream"]


def stream(data: bytes, entries: str = "") -> bytes:
    """A PDF stream object's body: ``data`` compressed, with its dictionary entries.

    >>> stream(b"abc")[:30]
    b'<</Length 11/Filter/FlateDecod'
    """
    packed = zlib.compress(data, 9)
    return b"<</Length %d/Filter/FlateDecode%s>>stream\n%s\nendstream" % (
        len(packed),
        entries.encode("ascii"),
        packed,
    )


def font_objects(chars: frozenset[Char], first: int) -> tuple[list[bytes], dict[str, str]]:
    """The five objects of the font that prints ``chars``, numbered from ``first``.

    Type0 font, CIDFontType2 descendant, font descriptor, font file and
    ``ToUnicode`` map.  The character ids are the subset's glyph ids
    (``/CIDToGIDMap/Identity``); the second value maps the ids the content
    streams were written with (:func:`~convarith.backends.pdf_content.cid`,
    four hex digits) to them: :func:`glyph_codes` rewrites the streams.

    Examples
    --------
    >>> objects, codes = font_objects(frozenset([(False, 97), (True, 97)]), 5)
    >>> len(objects), objects[0].startswith(b"<</Type/Font/Subtype/Type0/BaseFont/")
    (5, True)
    >>> codes
    {'0061': '0001', '4061': '0002'}
    >>> b"/W[1[612.8 674.8]]" in objects[1]
    True
    """
    tag, widths, font_file, to_unicode, codes = _streams(chars)
    font = metrics(False)
    name = f"/{tag}+{font.postscript_name}"
    em = 1000 / font.units_per_em
    bold = metrics(True)
    box = [min(a, b) for a, b in zip(font.bbox[:2], bold.bbox[:2])]
    box += [max(a, b) for a, b in zip(font.bbox[2:], bold.bbox[2:])]
    bbox = " ".join(str(round(v * em)) for v in box)
    objects = [
        f"<</Type/Font/Subtype/Type0/BaseFont{name}/Encoding/Identity-H"
        f"/DescendantFonts[{first + 1} 0 R]/ToUnicode {first + 4} 0 R>>".encode("ascii"),
        f"<</Type/Font/Subtype/CIDFontType2/BaseFont{name}"
        "/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>"
        f"/FontDescriptor {first + 2} 0 R/CIDToGIDMap/Identity/W[{widths}]>>".encode("ascii"),
        f"<</Type/FontDescriptor/FontName{name}/Flags 32/FontBBox[{bbox}]"
        f"/ItalicAngle 0/Ascent {round(font.ascender * em)}/Descent {round(font.descender * em)}"
        f"/CapHeight {round(font.cap_height * em)}/StemV 80/FontFile2 {first + 3} 0 R>>".encode(
            "ascii"
        ),
        font_file,
        to_unicode,
    ]
    return objects, codes


def glyph_codes(content: str, codes: dict[str, str]) -> str:
    """``content`` with the character ids of its text strings replaced by glyph ids.

    >>> glyph_codes("BT /F0 9 Tf <00614061> Tj ET", {"0061": "0001", "4061": "0002"})
    'BT /F0 9 Tf <00010002> Tj ET'
    """

    def replace(match: re.Match[str]) -> str:
        hexes = match.group(1)
        return "<" + "".join(codes[hexes[i : i + 4]] for i in range(0, len(hexes), 4)) + "> Tj"

    return _TEXT.sub(replace, content)


_TEXT = re.compile(r"<([0-9A-F]+)> Tj")


@lru_cache(maxsize=128)
def _streams(chars: frozenset[Char]) -> tuple[str, str, bytes, bytes, dict[str, str]]:
    """Subset tag, ``/W`` array, font file and ``ToUnicode`` streams, content codes to glyph ids."""
    subset = font_subset(chars)
    em = 1000 / metrics(False).units_per_em
    by_gid = {gid: char for char, gid in subset.glyph_ids.items()}
    # Widths to a tenth of a thousandth of an em: a label of 40 characters ends
    # within 1/500 em of where the layout measured it.
    widths = " ".join(
        f"{run[0]}[{' '.join(_tenth(metrics(by_gid[g][0]).widths[by_gid[g][1]] * em) for g in run)}]"
        for run in _runs(sorted(by_gid))
    )
    font_file = stream(subset.data, f"/Length1 {len(subset.data)}")
    codes = {f"{cid(*char):04X}": f"{gid:04X}" for char, gid in subset.glyph_ids.items()}
    to_unicode = _to_unicode({gid: char[1] for gid, char in by_gid.items()})
    return subset.tag, widths, font_file, to_unicode, codes


def _tenth(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _runs(codes: list[int]) -> list[list[int]]:
    """Split sorted codes into runs of consecutive values."""
    runs: list[list[int]] = []
    for code in codes:
        if runs and code == runs[-1][-1] + 1:
            runs[-1].append(code)
        else:
            runs.append([code])
    return runs


def _to_unicode(text: dict[int, int]) -> bytes:
    """The ``ToUnicode`` map from glyph ids to code points.

    Runs of glyphs whose code points also follow each other are one range
    (within one block of 256 ids, which a range may not cross).
    """
    runs: list[list[int]] = []
    for gid in sorted(text):
        last = runs[-1][-1] if runs else None
        if last is not None and gid == last + 1 and text[gid] == text[last] + 1 and gid % 256:
            runs[-1].append(gid)
        else:
            runs.append([gid])
    singles = [f"<{r[0]:04X}><{text[r[0]]:04X}>" for r in runs if len(r) == 1]
    ranges = [f"<{r[0]:04X}><{r[-1]:04X}><{text[r[0]]:04X}>" for r in runs if len(r) > 1]
    blocks = []
    for entries, kind in ((singles, "bfchar"), (ranges, "bfrange")):
        for start in range(0, len(entries), 100):  # at most 100 entries per block
            chunk = entries[start : start + 100]
            blocks.append(f"{len(chunk)} begin{kind}\n" + "\n".join(chunk) + f"\nend{kind}")
    # The short form of a CMap's prologue: readers look only for its code space and maps.
    cmap = (
        "/CIDInit/ProcSet findresource begin 9 dict begin begincmap/CMapName/U def\n"
        "1 begincodespacerange<0000><FFFF>endcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap CMapName currentdict/CMap defineresource pop end end"
    )
    return stream(cmap.encode("ascii"))
