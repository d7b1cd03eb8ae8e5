"""The hand-written subsetter against fontTools' subsetter: the same glyph ids, outlines and metrics.

Every subset here is cut twice, by :meth:`TrueType.subset` and by fontTools'
subsetter with the options :func:`convarith.figure.fonts.subset.font_subset`
used to give it; the two programs must be the same bytes, and are also read
back with fontTools and compared glyph by glyph.  The programs' structure
(directory, checksums, padding) is checked with fontTools' own arithmetic,
not the module's.  The
shipped joined program has no scaled components, so a program built here
has them all (one scale, two scales, a 2x2 matrix, word offsets, nested
composites, instructions, odd glyph lengths, long ``loca`` offsets).  Last,
PDF frames drawn with either subset are compared, and rendered against a wrong one.
"""

from __future__ import annotations

import io
import random
import struct
from collections.abc import Iterable
from functools import cache
from typing import Any

import pytest
from fontTools import subset as ft_subset
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, getSearchRange
from fontTools.ttLib.sfnt import calcChecksum
from fontTools.ttLib.tables import ttProgram

from convarith.figure.fonts import metrics
from convarith.figure.fonts.subset import JOINED, Char, FontSubset, font_subset
from convarith.figure.fonts.truetype import TrueType, checksum, read_tables, write_tables

KEPT = ("glyf", "head", "hhea", "hmtx", "loca", "maxp")
ANIMATIONS = ("numerical_padding_strides", "padding_strides_transposed", "numerical_max_pooling")


# ---------------------------------------------------------------------------
# The two subsetters
# ---------------------------------------------------------------------------


def fonttools_subset(data: bytes, gids: Iterable[int]) -> tuple[bytes, dict[int, int]]:
    """fontTools' subset of ``data`` to ``gids``, as font_subset made it, and old id -> new id."""
    options = ft_subset.Options()
    options.notdef_outline = False
    options.glyph_names = False
    options.name_IDs = []
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    old = {name: gid for gid, name in enumerate(font.getGlyphOrder())}
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(gids=list(gids))
    subsetter.subset(font)
    new_ids = {old[name]: gid for gid, name in enumerate(font.getGlyphOrder())}
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue(), new_ids


@cache
def joined() -> bytes:
    return JOINED.read_bytes()


def base_ids(chars: Iterable[Char]) -> dict[Char, int]:
    offset = metrics(False).num_glyphs
    return {(b, c): metrics(b).glyph_ids[c] + (offset if b else 0) for b, c in chars}


@cache
def fonttools_font_subset(chars: frozenset[Char]) -> FontSubset:
    """What font_subset returned when it used fontTools' subsetter."""
    ids = base_ids(chars)
    data, new_ids = fonttools_subset(joined(), sorted(ids.values()))
    glyph_ids = {char: new_ids[gid] for char, gid in ids.items()}
    return FontSubset(chars, data, glyph_ids, font_subset(chars).tag)


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------


def check_structure(data: bytes) -> None:
    """The directory, padding and checksums, checked with fontTools' arithmetic."""
    assert data[:4] == b"\x00\x01\x00\x00"
    count, search_range, entry_selector, range_shift = struct.unpack(">HHHH", data[4:12])
    assert (search_range, entry_selector, range_shift) == getSearchRange(count, 16)
    records = [struct.unpack(">4sIII", data[12 + 16 * i : 28 + 16 * i]) for i in range(count)]
    tags = [tag for tag, *_ in records]
    assert tags == sorted(tags) and len(set(tags)) == count
    end = 12 + 16 * count
    for tag, total, offset, length in sorted(records, key=lambda r: r[2]):
        assert offset % 4 == 0 and offset >= end
        assert data[end:offset] == b"\0" * (offset - end)  # nothing but padding between tables
        table = data[offset : offset + length]
        if tag == b"head":
            table = table[:8] + bytes(4) + table[12:]
        assert calcChecksum(table) == total, tag
        end = offset + length
    assert len(data) == end + (-end % 4) and data[end:] == b"\0" * (-end % 4)
    # head.checkSumAdjustment: the whole file then sums to the magic number.
    assert calcChecksum(data) == 0xB1B0AFBA


def check_decompiles(data: bytes) -> TTFont:
    """Every table and every glyph decompiles; maxp's maxima and head's box bound the glyphs."""
    font = TTFont(io.BytesIO(data))
    assert sorted(font.reader.keys()) == sorted(KEPT)
    for tag in KEPT:
        assert font[tag].tableTag == tag  # decompiled, or it raised
    glyf = font["glyf"]
    order = font.getGlyphOrder()
    assert len(order) == font["maxp"].numGlyphs == len(font["loca"]) - 1
    assert 1 <= font["hhea"].numberOfHMetrics <= len(order)
    head = font["head"]
    for name in order:
        glyph = glyf[name]
        glyph.getCoordinates(glyf)
        if glyph.numberOfContours:
            glyph.recalcBounds(glyf)
            assert head.xMin <= glyph.xMin <= glyph.xMax <= head.xMax
            assert head.yMin <= glyph.yMin <= glyph.yMax <= head.yMax
    stored = {
        key: getattr(font["maxp"], key) for key in vars(font["maxp"]) if key.startswith("max")
    }
    font["maxp"].recalc(font)
    for key, value in stored.items():
        assert value >= getattr(font["maxp"], key), key
    return font


def drawing(font: TTFont, gid: int) -> dict[str, Any]:
    """All a reader draws of glyph ``gid``, and its horizontal metrics, by glyph id."""
    glyf = font["glyf"]
    name = font.getGlyphOrder()[gid]
    glyph = glyf[name]
    coordinates, ends, flags = glyph.getCoordinates(glyf)
    seen: dict[str, Any] = {
        "contours": glyph.numberOfContours,
        "resolved": (list(coordinates), list(ends), [f & 1 for f in flags]),
        "metrics": tuple(font["hmtx"][name]),
        "program": glyph.program.getBytecode() if hasattr(glyph, "program") else b"",
    }
    if glyph.isComposite():
        seen["components"] = [
            (
                font.getGlyphID(c.glyphName),
                c.x,
                c.y,
                c.flags,
                getattr(c, "transform", None),
            )
            for c in glyph.components
        ]
    elif glyph.numberOfContours > 0:
        seen["outline"] = (
            list(glyph.coordinates),
            list(glyph.endPtsOfContours),
            [f & 1 for f in glyph.flags],
        )
    return seen


def check_same_drawing(mine: bytes, theirs: bytes) -> None:
    check_structure(mine)
    a, b = check_decompiles(mine), TTFont(io.BytesIO(theirs))
    assert len(a.getGlyphOrder()) == len(b.getGlyphOrder())
    for gid in range(len(a.getGlyphOrder())):
        assert drawing(a, gid) == drawing(b, gid), gid
    assert a["glyf"][a.getGlyphOrder()[0]].numberOfContours == 0  # .notdef: empty
    assert a["hhea"].numberOfHMetrics == b["hhea"].numberOfHMetrics
    assert a["head"].unitsPerEm == b["head"].unitsPerEm


def check_chars(chars: Iterable[Char]) -> None:
    chosen = frozenset(chars)
    mine = font_subset(chosen)
    theirs = fonttools_font_subset(chosen)
    assert mine.glyph_ids == theirs.glyph_ids
    ids = base_ids(chosen)
    data, new_ids = TrueType.read(joined()).subset(ids.values())
    assert data == mine.data
    assert fonttools_subset(joined(), ids.values())[1] == new_ids  # components too
    assert mine.data == theirs.data
    check_same_drawing(mine.data, theirs.data)


# ---------------------------------------------------------------------------
# Character sets
# ---------------------------------------------------------------------------


def all_chars() -> list[Char]:
    return [(b, c) for b in (False, True) for c in sorted(metrics(b).glyph_ids)]


@cache
def composite_chars() -> tuple[Char, ...]:
    font = TrueType.read(joined())
    return tuple(char for char, gid in base_ids(all_chars()).items() if font.components(gid))


@cache
def gallery_chars() -> dict[str, frozenset[Char]]:
    """Every character each animation of the gallery prints, over all its frames."""
    from convarith.figure.primitives import Text
    from convarith.gallery.catalogue import ORIGINAL

    found = {}
    for item in ORIGINAL:
        figure = item.animation().figure
        found[item.name] = frozenset(
            (p.bold, ord(c))
            for index in range(figure.frame_count)
            for p in figure.frame(index)
            if isinstance(p, Text)
            for c in p.text
        )
    return found


def random_sets(seed: int) -> list[list[Char]]:
    rng = random.Random(seed)
    chars = all_chars()
    return [rng.sample(chars, rng.randint(1, 60)) for _ in range(20)]


def composite_sets() -> list[list[Char]]:
    """All composites, all characters, composites with others, and composites alone."""
    rng = random.Random(7)
    composites, chars = list(composite_chars()), all_chars()
    sets = [composites, chars]
    for size in (1, 1, 2, 3, 5, 8, 13, 21, 34):
        sets.append(rng.sample(composites, size) + rng.sample(chars, size))
    # A composite alone, its components not asked for: they come along.
    return sets + [[char] for char in composites[::9]]


def test_the_fonts_have_composites_of_every_kind_the_subsetter_must_follow() -> None:
    composites = {chr(c) for _, c in composite_chars()}
    assert {"à", "É", "½", "₁", "μ"} <= composites and "×" not in composites
    assert len(composite_chars()) == 136
    font = TrueType.read(joined())
    # '½' draws three glyphs, one of them reachable through no character.
    half = font.components(metrics(False).glyph_ids[ord("½")])
    assert len(half) == 3 and not set(half) <= set(metrics(False).glyph_ids.values())


def test_the_gallerys_character_sets_subset_as_fonttools_did() -> None:
    sets = gallery_chars()
    assert len(sets) == 19 and any(b for s in sets.values() for b, _ in s)  # both faces
    for chars in sets.values():
        check_chars(chars)
    check_chars(frozenset().union(*sets.values()))


@pytest.mark.parametrize("seed", range(6))
def test_random_character_sets_subset_as_fonttools_did(seed: int) -> None:
    for chars in random_sets(seed):
        check_chars(chars)


def test_sets_with_composite_glyphs_subset_as_fonttools_did() -> None:
    for chars in composite_sets():
        check_chars(chars)


def test_every_subset_is_the_subsetters_byte_for_byte() -> None:
    """head's box, hhea's extremes and maxp's maxima too: those of the kept glyphs."""
    gallery = list(gallery_chars().values())
    randoms = [chars for seed in range(6) for chars in random_sets(seed)]
    sets = [*gallery, frozenset().union(*gallery), *randoms, *composite_sets()]
    assert len(sets) == 19 + 1 + 120 + 2 + 9 + 16
    for chars in sets:
        mine, theirs = font_subset(chars), fonttools_font_subset(frozenset(chars))
        assert mine.data == theirs.data, sorted(chars)
    # The whole program's values are not the subsets' (or the check would prove little).
    whole = read_tables(joined())
    small = read_tables(font_subset([(False, ord("a"))]).data)
    for tag in ("head", "hhea", "maxp"):
        assert small[tag] != whole[tag], tag


def test_a_subset_holds_notdef_then_the_glyphs_in_their_old_order() -> None:
    font = TrueType.read(joined())
    chars = [(True, ord("½")), (False, ord("z")), (False, ord("à"))]
    data, new_ids = font.subset(base_ids(chars).values())
    assert list(new_ids.values()) == list(range(len(new_ids)))
    assert list(new_ids) == sorted(new_ids) and next(iter(new_ids)) == 0
    part = TrueType.read(data)
    assert part.glyph(0) == b""
    for old, new in new_ids.items():
        assert part.metrics[new] == font.metrics[old]
        assert part.components(new) == [new_ids[c] for c in font.components(old)]
        if old and not font.components(old):
            assert part.glyph(new) == font.glyph(old)


def test_the_pdf_path_imports_nothing_from_fonttools() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from convarith.figure.fonts.subset import font_subset, prepare; prepare();"
        " font_subset([(False, 97), (True, 0xbd)]);"
        " from convarith.backends.pdf import pdf_frame;"
        " print(sorted(m for m in sys.modules if m.startswith('fontTools')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# ---------------------------------------------------------------------------
# A program with every kind of composite
# ---------------------------------------------------------------------------


def box(x0: int, y0: int, x1: int, y1: int, extra: int = 0) -> Any:
    pen = TTGlyphPen(None)
    pen.moveTo((x0, y0))
    pen.lineTo((x1, y0))
    for i in range(extra):  # more points, so that glyph lengths differ (odd and even)
        pen.lineTo((x1 + 3 * (i % 2), y0 + (y1 - y0) * (i + 1) // (extra + 1)))
    pen.lineTo((x1, y1))
    pen.qCurveTo((x0 + (x1 - x0) // 2, y1 + 40), (x0, y1))
    pen.closePath()
    return pen.glyph()


def composite(*parts: tuple[str, tuple[float, float, float, float, float, float]]) -> Any:
    pen = TTGlyphPen({name: None for name, _ in parts}, handleOverflowingTransforms=False)
    for name, transform in parts:
        pen.addComponent(name, transform)
    return pen.glyph()


def zigzag(seed: int, points: int) -> Any:
    """A simple glyph of many far-apart points (two bytes per coordinate)."""
    rng = random.Random(seed)
    pen = TTGlyphPen(None)
    pen.moveTo((0, 0))
    for _ in range(points):
        pen.lineTo((rng.randrange(-900, 900), rng.randrange(-900, 900)))
    pen.closePath()
    return pen.glyph()


def with_program(glyph: Any, code: bytes) -> Any:
    glyph.program = ttProgram.Program()
    glyph.program.fromBytecode(code)
    return glyph


def build(glyphs: dict[str, Any], widths: dict[str, int], *, padding: int = 1) -> bytes:
    """A program of ``glyphs`` with only the tables a subset keeps (``padding=0``: odd lengths)."""
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(list(glyphs))
    builder.setupCharacterMap({})
    builder.setupGlyf(glyphs)
    glyf = builder.font["glyf"]
    lsb = {}
    for name in glyphs:
        glyf[name].recalcBounds(glyf)
        lsb[name] = getattr(glyf[name], "xMin", 0)
    builder.setupHorizontalMetrics({name: (widths[name], lsb[name]) for name in glyphs})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupMaxp()
    builder.setupPost()
    font = builder.font
    buffer = io.BytesIO()
    font.save(buffer)
    font = TTFont(io.BytesIO(buffer.getvalue()))
    for tag in list(font.keys()):
        if tag not in (*KEPT, "GlyphOrder"):
            del font[tag]
    font["glyf"].padding = padding
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


@cache
def composites_program() -> bytes:
    glyphs = {
        ".notdef": with_program(box(50, 0, 450, 700), b"\xb0\x01\x21"),
        "a": box(40, 0, 500, 520, extra=1),
        "b": with_program(box(60, -20, 560, 710, extra=2), b"\xb0\x05\x21\xb0\x06\x21"),
        "c": box(10, 0, 300, 400, extra=3),
        "d": box(0, 0, 700, 600, extra=4),
        "word": composite(("a", (1, 0, 0, 1, 300, -200)), ("c", (1, 0, 0, 1, -5, 7))),
        # Each scaled component before another one, whose id a misread would miss.
        "scale": composite(("b", (0.5, 0, 0, 0.5, 10, 10)), ("d", (1, 0, 0, 1, 0, 0))),
        "xy": composite(("c", (0.5, 0, 0, 0.75, 1000, 20)), ("a", (1, 0, 0, 1, 0, 0))),
        "matrix": composite(("d", (0.7, 0.3, -0.2, 0.9, -40, 130)), ("e", (1, 0, 0, 1, 2, 3))),
        "nested": with_program(
            composite(("scale", (1, 0, 0, 1, 0, 300)), ("b", (1, 0, 0, 1, 600, 0))),
            b"\xb0\x02\x21",
        ),
        "deeper": composite(("nested", (1, 0, 0, 1, 5, 5)), ("matrix", (1, 0, 0, 1, 0, 0))),
        "e": box(20, 0, 400, 300, extra=5),
        "f": box(20, 0, 420, 300, extra=6),
        "g": box(20, 0, 440, 300, extra=7),
    }
    widths = {name: 500 + 10 * i for i, name in enumerate(glyphs)}
    widths.update(e=640, f=640, g=640)  # the last advances shared: fewer long metrics
    return build(glyphs, widths, padding=0)


def test_the_built_program_has_what_the_joined_one_lacks() -> None:
    font = TTFont(io.BytesIO(composites_program()))
    assert font["head"].indexToLocFormat == 1
    program = TrueType.read(composites_program())
    lengths = [len(program.glyph(gid)) for gid in range(program.num_glyphs)]
    assert {n % 2 for n in lengths} == {0, 1}  # odd lengths, so long offsets
    flags = set()
    glyf = font["glyf"]
    raw = TrueType.read(composites_program())
    for gid, name in enumerate(font.getGlyphOrder()):
        if glyf[name].isComposite():
            data = raw.glyph(gid)
            at = 10
            while True:
                (flag,) = struct.unpack_from(">H", data, at)
                flags.add(flag)
                at += 4 + (4 if flag & 1 else 2)
                at += 2 if flag & 8 else 4 if flag & 0x40 else 8 if flag & 0x80 else 0
                if not flag & 0x20:
                    break
    assert {f & 0x01 for f in flags} == {0, 1}  # byte and word offsets
    for kind in (0x08, 0x40, 0x80, 0x100):  # scale, x and y scale, 2x2, instructions
        assert any(f & kind for f in flags), hex(kind)
    assert font["maxp"].maxComponentDepth == 3


@pytest.mark.parametrize(
    "names",
    [
        [],
        ["a"],
        ["word"],
        ["scale"],
        ["xy"],
        ["matrix"],
        ["nested"],
        ["deeper"],
        ["deeper", "e"],
        ["g"],
        ["f", "c"],
        ["b", "word", "g"],
        [".notdef", "a", "b", "c", "d", "word", "scale", "xy", "matrix", "nested", "deeper", "e"],
    ],
)
def test_every_kind_of_composite_subsets_as_fonttools_does(names: list[str]) -> None:
    data = composites_program()
    order = TTFont(io.BytesIO(data)).getGlyphOrder()
    # Without post table the names are made up; the order is the built one.
    built = [".notdef", "a", "b", "c", "d", "word", "scale", "xy", "matrix", "nested", "deeper"]
    built += ["e", "f", "g"]
    assert len(order) == len(built)
    gids = [built.index(name) for name in names]
    mine, new_ids = TrueType.read(data).subset(gids)
    theirs, their_ids = fonttools_subset(data, gids)
    assert new_ids == their_ids
    assert mine == theirs
    check_same_drawing(mine, theirs)
    assert TTFont(io.BytesIO(mine))["head"].indexToLocFormat == 0  # small: short offsets


def test_a_subset_past_128_kb_of_glyphs_takes_long_offsets() -> None:
    glyphs = {".notdef": box(0, 0, 10, 10)}
    glyphs.update({f"z{i}": zigzag(i, 600) for i in range(60)})
    glyphs["both"] = composite(("z1", (1, 0, 0, 1, 0, 0)), ("z59", (0.5, 0, 0, 0.5, 9, 9)))
    data = build(glyphs, dict.fromkeys(glyphs, 600))
    everything = range(1, len(glyphs))
    mine, new_ids = TrueType.read(data).subset(everything)
    theirs, their_ids = fonttools_subset(data, everything)
    assert new_ids == their_ids
    assert mine == theirs
    assert len(read_tables(mine)["glyf"]) >= 0x20000
    assert TTFont(io.BytesIO(mine))["head"].indexToLocFormat == 1
    check_same_drawing(mine, theirs)
    small, _ = TrueType.read(data).subset([61])
    assert TTFont(io.BytesIO(small))["head"].indexToLocFormat == 0
    assert small == fonttools_subset(data, [61])[0]
    check_same_drawing(small, fonttools_subset(data, [61])[0])


# ---------------------------------------------------------------------------
# Tables in and out
# ---------------------------------------------------------------------------


def test_checksums_match_fonttools() -> None:
    rng = random.Random(3)
    for length in range(0, 41):
        data = bytes(rng.randrange(256) for _ in range(length))
        assert checksum(data) == calcChecksum(data)


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31])
def test_written_tables_read_back_with_a_valid_directory(count: int) -> None:
    rng = random.Random(count)
    tables = {
        f"t{i:03d}"[::-1]: bytes(rng.randrange(256) for _ in range(rng.randrange(0, 30)))
        for i in range(count)
    }
    tables["head"] = bytes(rng.randrange(256) for _ in range(54))
    data = write_tables(tables)
    check_structure(data)
    back = read_tables(data)
    assert list(back) == list(tables)  # the data in the order given
    for tag, table in tables.items():
        if tag == "head":
            assert back[tag][:8] + back[tag][12:] == table[:8] + table[12:]
        else:
            assert back[tag] == table


def test_the_joined_program_reads_as_fonttools_reads_it() -> None:
    program = TrueType.read(joined())
    font = TTFont(io.BytesIO(joined()))
    assert program.num_glyphs == len(font.getGlyphOrder())
    assert list(program.offsets) == list(font["loca"])
    assert list(program.metrics) == [tuple(font["hmtx"][n]) for n in font.getGlyphOrder()]
    for gid, name in enumerate(font.getGlyphOrder()):
        glyph = font["glyf"][name]
        names = [c.glyphName for c in glyph.components] if glyph.isComposite() else []
        assert program.components(gid) == [font.getGlyphID(n) for n in names]


# ---------------------------------------------------------------------------
# What a PDF draws
# ---------------------------------------------------------------------------


def render(pdf: bytes, scale: float) -> Any:
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        pixels = page.render(scale=scale).to_numpy().copy()
        page.close()
    finally:
        document.close()
    return pixels


def frames() -> list[tuple[Any, int]]:
    from convarith.figure.primitives import Figure, StaticLayer, Text
    from convarith.gallery.catalogue import ORIGINAL

    chosen = []
    for item in ORIGINAL:
        if item.name in ANIMATIONS:
            figure = item.animation().figure
            chosen += [(figure, 0), (figure, figure.frame_count // 2)]
    dark = (20, 20, 20)
    accents = Figure(
        220,
        70,
        (
            StaticLayer(
                (
                    Text((110, 20), "àéîõü ½ ¼ ₁₂ ‖ μ ÿ Ç", 14, dark),
                    Text((110, 50), "ÀÉ ¾ ₃ x×y Ñ", 14, dark, bold=True),
                )
            ),
        ),
        (1000,),
    )
    return [*chosen, (accents, 0)]


def pdf_with(monkeypatch: pytest.MonkeyPatch, figure: Any, index: int, make: Any) -> bytes:
    from convarith.backends import pdf, pdf_fonts

    with monkeypatch.context() as patch:
        patch.setattr(pdf_fonts, "font_subset", make)
        pdf_fonts._streams.cache_clear()
        try:
            return pdf.pdf_frame(figure, index)
        finally:
            pdf_fonts._streams.cache_clear()


def test_pdf_frames_draw_the_same_with_either_subset(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pypdfium2")

    def old(chars: Iterable[Char]) -> FontSubset:
        return fonttools_font_subset(frozenset(chars))

    def broken(chars: Iterable[Char]) -> FontSubset:
        # Two glyphs swapped: what a wrong glyph id would draw.
        made = font_subset(chars)
        ids = dict(made.glyph_ids)
        first, second = sorted(ids)[:2]
        ids[first], ids[second] = ids[second], ids[first]
        return FontSubset(made.chars, made.data, ids, made.tag)

    for figure, index in frames():
        new_pdf = pdf_with(monkeypatch, figure, index, font_subset)
        old_pdf = pdf_with(monkeypatch, figure, index, old)
        broken_pdf = pdf_with(monkeypatch, figure, index, broken)
        assert new_pdf == old_pdf, index  # the same font program, byte for byte
        # The frames print glyphs of the subset: a wrong glyph id draws other pixels.
        assert not (render(new_pdf, 2.5) == render(broken_pdf, 2.5)).all(), index
