"""Subsets of the bundled fonts: one small TrueType program with just the glyphs a page prints.

A PDF page that prints a label of a dozen characters needs only their
glyphs, not the whole font.  :func:`font_subset` cuts the bundled fonts down
to them, keeping only the tables a PDF reader uses to draw an embedded
TrueType font (``glyf``, ``loca``, ``head``, ``hhea``, ``hmtx``, ``maxp``):
no character map, names or layout tables, since the PDF says which glyph
each code draws (its ``CIDToGIDMap``) and what text it stands for (its
``ToUnicode`` map).

Both faces travel in one program: the regular glyphs, then the bold ones
(:func:`joined_faces` puts them side by side; the result ships as
:data:`JOINED`).  A frame that prints labels in both faces then carries one
font program and one set of font dictionaries, not two: about 600 bytes
less on a 5 KB frame.

The subsets are cut from :data:`JOINED` by copying the kept glyphs' raw
data (:meth:`convarith.figure.fonts.truetype.TrueType.subset`), not with
fontTools' subsetter: that cost 6-15 ms a subset and 0.15-0.2 s of import
in every process that wrote a PDF, where copying costs 0.1-0.3 ms
(:mod:`convarith.figure.fonts.truetype` says more).  The subsets are byte
for byte the programs fontTools' subsetter writes (the tests check it),
so the PDF files are too.  The frames of one animation print the same
labels, so subsets are kept per process by character set
(:func:`font_subset` is cached).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from convarith.core.errors import ConvArithError
from convarith.figure.fonts import font_path, metrics
from convarith.figure.fonts.truetype import TrueType

__all__ = [
    "JOINED",
    "UNITS_PER_EM",
    "Char",
    "FontSubset",
    "font_subset",
    "joined_faces",
    "prepare",
    "subset_cache_info",
]

#: A character of one face: ``(bold, code point)``.
Char = tuple[bool, int]
#: The tables a PDF reader needs to draw an embedded TrueType font's glyphs.
_KEPT = ("glyf", "loca", "head", "hhea", "hmtx", "maxp")
#: Units per em of a subset (the bundled fonts have 2048).
UNITS_PER_EM = 1000
#: Subsets kept per process: a gallery build meets a few dozen character sets.
_CACHE = 128


@dataclass(frozen=True)
class FontSubset:
    """A TrueType font program with the glyphs of some characters of both faces.

    ``glyph_ids`` maps each ``(bold, code point)`` to its glyph in ``data``;
    ``tag`` is the six capital letters that name the subset (``ABCDEF+Name``,
    as PDF asks of an embedded subset), the same for the same characters.
    """

    chars: frozenset[Char]
    data: bytes
    glyph_ids: dict[Char, int]
    tag: str


def font_subset(chars: Iterable[Char]) -> FontSubset:
    r"""The bundled fonts cut down to the glyphs of ``chars``, ``(bold, code point)`` pairs.

    The same characters give the same subset object (cached per process).
    Code points a face lacks are refused: the caller decides what to draw
    instead (the backends draw ``?``).

    Examples
    --------
    >>> label = font_subset([(False, ord(c)) for c in "input 5×5"] + [(True, ord("5"))])
    >>> sorted((bold, chr(c)) for bold, c in label.glyph_ids)[:3]
    [(False, ' '), (False, '5'), (False, 'i')]
    >>> label.glyph_ids[(True, ord("5"))] > label.glyph_ids[(False, ord("×"))]
    True
    >>> label.data[:4], len(label.data) < 2000, len(label.tag)
    (b'\x00\x01\x00\x00', True, 6)
    >>> font_subset(label.chars) is label
    True
    >>> font_subset([(True, 0x65E5)])
    Traceback (most recent call last):
        ...
    convarith.core.errors.ConvArithError: chars=['日'] are not in the bundled bold font (draw them as '?')
    """
    chosen = frozenset(chars)
    for bold in (False, True):
        known = metrics(bold).glyph_ids
        missing = sorted(c for b, c in chosen if b == bold and c not in known)
        if missing:
            face = "bold" if bold else "regular"
            raise ConvArithError(
                f"chars={[chr(c) for c in missing[:5]]} are not in the bundled {face} font"
                " (draw them as '?')"
            )
    return _subset(chosen)


def prepare() -> None:
    """Do now what the first subset of a process would: read the joined faces.

    A program that forks workers calls it first, so that they share the work.

    >>> prepare()
    """
    _base()


def subset_cache_info() -> tuple[int, int]:
    """``(hits, misses)`` of the subset cache: how often a subset was reused or made.

    >>> hits, misses = subset_cache_info()
    >>> hits >= 0 and misses >= 0
    True
    """
    info = _subset.cache_info()
    return info.hits, info.misses


@lru_cache(maxsize=_CACHE)
def _subset(chars: frozenset[Char]) -> FontSubset:
    font, offset = _base()
    ordered = sorted(chars)
    base_ids = [metrics(bold).glyph_ids[code] + (offset if bold else 0) for bold, code in ordered]
    data, new_ids = font.subset(base_ids)
    glyph_ids = {char: new_ids[gid] for char, gid in zip(ordered, base_ids)}
    key = ",".join(f"{int(bold)}:{code}" for bold, code in ordered).encode()
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(key).digest()[:6])
    return FontSubset(chars, data, glyph_ids, tag)


#: Both faces joined, as :func:`joined_faces` makes them: shipped beside the
#: fonts, since joining and scaling them took about 0.2 s in every process
#: that wrote a PDF (a third of a gallery build's start-up, measured).
JOINED = font_path(False).with_name("ConvarithSans-Joined.ttf")


@lru_cache(maxsize=1)
def _base() -> tuple[TrueType, int]:
    """The shipped :data:`JOINED` program, read, and the glyph id where the bold glyphs start."""
    return TrueType.read(JOINED.read_bytes()), metrics(False).num_glyphs


def joined_faces() -> bytes:
    """Both bundled faces in one program with only the tables a subset keeps, at 1000 units per em.

    The regular glyphs come first, then the bold ones.  This is what
    :data:`JOINED` holds (``tools/make_font.py`` writes it; a test checks
    that it is still what this function makes).

    Examples
    --------
    >>> from fontTools.ttLib import TTFont
    >>> font = TTFont(io.BytesIO(joined_faces()))
    >>> font["head"].unitsPerEm, sorted(font.keys())[:3]
    (1000, ['GlyphOrder', 'glyf', 'head'])
    """
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    regular, bold = (TTFont(str(font_path(b)), recalcTimestamp=False) for b in (False, True))
    for font in (regular, bold):
        for tag in list(font.keys()):
            if tag not in (*_KEPT, "GlyphOrder"):
                del font[tag]
    regular_names = regular.getGlyphOrder()
    names = list(regular_names)
    glyphs = {name: regular["glyf"][name] for name in regular_names}
    widths = {name: regular["hmtx"][name] for name in regular_names}
    for name in bold.getGlyphOrder():
        glyph = bold["glyf"][name]
        if glyph.isComposite():
            for component in glyph.components:
                component.glyphName = "bold." + component.glyphName
        names.append("bold." + name)
        glyphs["bold." + name] = glyph
        widths["bold." + name] = bold["hmtx"][name]
    regular.setGlyphOrder(names)
    regular["glyf"].glyphOrder = names
    regular["glyf"].glyphs = glyphs
    regular["hmtx"].metrics = widths
    # PDF's glyph space has 1000 units to the em: outlines at that grain lose
    # nothing a reader shows, and their coordinates pack into fewer bytes (12 %
    # less font data, measured on the gallery's labels).  Scaled once here
    # rather than in every subset (it was half a subset's cost); glyph by
    # glyph, the outlines come out the same either way.
    scale_upem(regular, UNITS_PER_EM)
    buffer = io.BytesIO()
    regular.save(buffer)
    return buffer.getvalue()
