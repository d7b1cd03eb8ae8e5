"""Read and write TrueType programs, and cut one down to some of its glyphs, on the raw tables.

:class:`TrueType` reads a program's table directory, ``loca`` and
``hmtx`` once; :meth:`TrueType.subset` then copies the raw ``glyf``
bytes of the kept glyphs (and of the glyphs their composites are made of,
with the component glyph ids rewritten to the new ids) and writes a new
program with :func:`write_tables`: ``glyf``, ``loca``, ``head``, ``hhea``,
``hmtx`` and ``maxp``, all a PDF reader needs to draw an embedded TrueType
font.  No outline is decoded or encoded again.

Why by hand, when fontTools' subsetter does this (the project prefers a
well-kept library unless a measured need says otherwise): the subsetter
decompiles and re-compiles every kept glyph and then the whole program.
Measured on the gallery's 19 character sets, that cost 6-15 ms a subset
(15-30 ms under cProfile: 0.58 s for the 19 subsets of a gallery build),
and importing ``fontTools.subset`` cost another 0.15-0.2 s in every process
that wrote a PDF.  Copying the raw bytes of the one known program the PDF
backend embeds (:data:`convarith.figure.fonts.subset.JOINED`) takes
0.1-0.3 ms a subset, and this module imports only the standard library
(about 2 ms).  A PDF-only gallery build went from 2.0 s to 1.55 s.

What differs from the subsetter's output: nothing, byte for byte.  The
``glyf``, ``loca`` and ``hmtx`` tables are the copied data; ``head``'s
bounding box (and its flag saying every left side bearing is the glyph's
xMin), ``hhea``'s advanceWidthMax, minimum side bearings and xMaxExtent,
and ``maxp``'s maxima of points, contours and components are computed
from the kept glyphs' headers (numberOfContours, bounding box, last contour
end) the way fontTools computes them when it saves a program: glyphs
without outline count only for their advance, composites are followed
through their components for their points, contours and depth.
``head.modified`` is the program's (the subsetter keeps it too).  The tests
check the bytes against the subsetter's, and the glyphs against its glyph
by glyph.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise

__all__ = ["TrueType", "checksum", "read_tables", "write_tables"]

#: The ``sfntVersion`` of a program with TrueType outlines.
TRUETYPE = 0x00010000
#: What a program's checksum and its ``head.checkSumAdjustment`` add up to.
_MAGIC = 0xB1B0AFBA
#: The tables a subset keeps: what a PDF reader needs to draw the glyphs.
KEPT = ("head", "hhea", "maxp", "hmtx", "loca", "glyf")

# Flags of a component of a composite glyph (the OpenType ``glyf`` table).
_ARG_1_AND_2_ARE_WORDS = 0x0001
_WE_HAVE_A_SCALE = 0x0008
_MORE_COMPONENTS = 0x0020
_WE_HAVE_AN_X_AND_Y_SCALE = 0x0040
_WE_HAVE_A_TWO_BY_TWO = 0x0080

# Where the fields a subset changes sit in their tables.
_HEAD_ADJUSTMENT = 8  # head.checkSumAdjustment, uint32
_HEAD_FLAGS = 16  # head.flags, uint16
_HEAD_BOX = 36  # head.xMin, yMin, xMax, yMax, int16
_HEAD_LOCA_FORMAT = 50  # head.indexToLocFormat, int16
_HHEA_EXTREMES = 10  # hhea.advanceWidthMax (uint16), min left and right side bearings, xMaxExtent
_HHEA_METRICS = 34  # hhea.numberOfHMetrics, uint16
_MAXP_GLYPHS = 4  # maxp.numGlyphs, uint16
_MAXP_OUTLINES = 6  # maxp.maxPoints, maxContours, maxCompositePoints, maxCompositeContours
_MAXP_COMPONENTS = 28  # maxp.maxComponentElements, maxComponentDepth
_MAXP_1_0 = 32  # the length of a version 1.0 maxp table (0.5 has only numGlyphs)
_HEADER = struct.Struct(">5h")  # a glyph's numberOfContours, xMin, yMin, xMax, yMax
_END = struct.Struct(">H")  # an endPtsOfContours entry
#: head.flags bit 1: every glyph's left side bearing is its xMin.
_LSB_IS_XMIN = 0x0002


def checksum(data: bytes) -> int:
    r"""The checksum of a table: its big-endian 32-bit words summed modulo 2**32.

    A table whose length is not a multiple of four counts as padded with zeros.

    Examples
    --------
    >>> checksum(b"\x00\x00\x00\x01\x00\x00\x00\x02")
    3
    >>> checksum(b"\x01"), checksum(b"\xff\xff\xff\xff" * 2)
    (16777216, 4294967294)
    """
    padded = data + b"\0" * (-len(data) % 4)
    words: tuple[int, ...] = struct.unpack(f">{len(padded) // 4}I", padded)
    return sum(words) & 0xFFFFFFFF


def read_tables(data: bytes) -> dict[str, bytes]:
    """The tables of a TrueType program, by tag, in the order their data comes in the file.

    Raises :class:`ValueError` for a file that is no TrueType program (a
    font collection, a CFF-flavoured OpenType font) or whose directory
    points past its end.

    Examples
    --------
    >>> from convarith.figure.fonts import font_path
    >>> tables = read_tables(font_path().read_bytes())
    >>> len(tables), sorted(tables)[-5:], len(tables["head"])
    (15, ['hmtx', 'loca', 'maxp', 'name', 'post'], 54)
    >>> read_tables(b"OTTO" + bytes(8))
    Traceback (most recent call last):
        ...
    ValueError: not a TrueType program: sfntVersion b'OTTO'
    """
    if len(data) < 12 or data[:4] not in (TRUETYPE.to_bytes(4, "big"), b"true"):
        raise ValueError(f"not a TrueType program: sfntVersion {data[:4]!r}")
    (count,) = struct.unpack_from(">H", data, 4)
    if len(data) < 12 + 16 * count:
        raise ValueError(f"the table directory of {count} tables runs past the end of the file")
    records = []
    for i in range(count):
        tag, _, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        if offset + length > len(data):
            raise ValueError(f"table {tag.decode('latin-1')!r} runs past the end of the file")
        records.append((offset, tag.decode("latin-1"), length))
    return {tag: data[offset : offset + length] for offset, tag, length in sorted(records)}


def write_tables(tables: Mapping[str, bytes], version: int = TRUETYPE) -> bytes:
    r"""A TrueType program of ``tables``: directory sorted by tag, checksums, padding.

    The tables' data follow the directory in the order of ``tables``, each
    padded with zeros to a multiple of four bytes.  A ``head`` table gets
    its ``checkSumAdjustment`` set, so that the whole file's checksum is
    ``0xB1B0AFBA``.

    Examples
    --------
    >>> data = write_tables({"zzzz": b"\x01", "aaaa": b"\x02\x03\x04\x05\x06"})
    >>> data[:12].hex(" ")
    '00 01 00 00 00 02 00 20 00 01 00 00'
    >>> read_tables(data)
    {'zzzz': b'\x01', 'aaaa': b'\x02\x03\x04\x05\x06'}
    >>> len(data) == 12 + 2 * 16 + 4 + 8
    True
    """
    count = len(tables)
    power = 1 << (count.bit_length() - 1) if count else 0
    search_range = power * 16
    entry_selector = power.bit_length() - 1 if count else 0
    header = struct.pack(
        ">IHHHH", version, count, search_range, entry_selector, count * 16 - search_range
    )
    offset = len(header) + 16 * count
    records: list[tuple[str, int, int, int]] = []
    chunks: list[bytes] = []
    adjustment_at = -1
    for tag, table in tables.items():
        if len(tag) != 4:
            raise ValueError(f"tag={tag!r} must be four characters")
        if tag == "head":
            if len(table) < _HEAD_ADJUSTMENT + 4:
                raise ValueError(f"a head table of {len(table)} bytes is too short")
            adjustment_at = offset + _HEAD_ADJUSTMENT
            table = table[:_HEAD_ADJUSTMENT] + bytes(4) + table[_HEAD_ADJUSTMENT + 4 :]
        records.append((tag, checksum(table), offset, len(table)))
        chunks.append(table + b"\0" * (-len(table) % 4))
        offset += len(chunks[-1])
    directory = b"".join(
        struct.pack(">4sIII", tag.encode("latin-1"), total, start, length)
        for tag, total, start, length in sorted(records)
    )
    data = bytearray(header + directory + b"".join(chunks))
    if adjustment_at >= 0:
        total = checksum(header + directory) + sum(record[1] for record in records)
        struct.pack_into(">I", data, adjustment_at, (_MAGIC - total) & 0xFFFFFFFF)
    return bytes(data)


@dataclass(frozen=True)
class TrueType:
    r"""A TrueType program's tables, read once to cut subsets from (:meth:`subset`).

    ``offsets`` are the ``loca`` offsets (one more than there are glyphs),
    ``metrics`` the ``hmtx`` advance width and left side bearing of each
    glyph.

    Examples
    --------
    >>> from convarith.figure.fonts.subset import JOINED
    >>> font = TrueType.read(JOINED.read_bytes())
    >>> font.num_glyphs, len(font.offsets), font.metrics[34]  # 'A'
    (554, 555, (684, 8))
    >>> font.glyph(34)[:2], font.components(34), font.components(160)  # 'A', 'à'
    (b'\x00\x02', [], [66, 65])
    """

    tables: dict[str, bytes]
    offsets: tuple[int, ...]
    metrics: tuple[tuple[int, int], ...]

    @classmethod
    def read(cls, data: bytes) -> TrueType:
        """Read a TrueType program with (at least) the tables a subset keeps.

        >>> TrueType.read(write_tables({"head": bytes(54)}))
        Traceback (most recent call last):
            ...
        ValueError: the program has no ['glyf', 'hhea', 'hmtx', 'loca', 'maxp'] tables
        """
        tables = read_tables(data)
        missing = sorted(set(KEPT) - set(tables))
        if missing:
            raise ValueError(f"the program has no {missing} tables")
        head, hhea, maxp, hmtx, loca = (tables[t] for t in ("head", "hhea", "maxp", "hmtx", "loca"))
        (count,) = struct.unpack_from(">H", maxp, _MAXP_GLYPHS)
        (loca_format,) = struct.unpack_from(">h", head, _HEAD_LOCA_FORMAT)
        if loca_format == 0:
            offsets = tuple(2 * o for o in struct.unpack_from(f">{count + 1}H", loca))
        elif loca_format == 1:
            offsets = struct.unpack_from(f">{count + 1}I", loca)
        else:
            raise ValueError(f"head.indexToLocFormat={loca_format} must be 0 or 1")
        if any(b < a for a, b in pairwise(offsets)) or offsets[-1] > len(tables["glyf"]):
            raise ValueError("the loca offsets are out of order or run past the glyf table")
        (long_count,) = struct.unpack_from(">H", hhea, _HHEA_METRICS)
        if not 1 <= long_count <= count:
            raise ValueError(f"hhea.numberOfHMetrics={long_count} must be in 1..{count}")
        pairs = struct.unpack_from(">" + "Hh" * long_count, hmtx)
        bearings = struct.unpack_from(f">{count - long_count}h", hmtx, 4 * long_count)
        metrics = list(zip(pairs[::2], pairs[1::2]))
        metrics += [(pairs[-2], bearing) for bearing in bearings]
        return cls(tables, offsets, tuple(metrics))

    @property
    def num_glyphs(self) -> int:
        """How many glyphs the program has (``maxp.numGlyphs``)."""
        return len(self.offsets) - 1

    def glyph(self, gid: int) -> bytes:
        """The raw ``glyf`` data of glyph ``gid`` (empty for a glyph without outline)."""
        return self.tables["glyf"][self.offsets[gid] : self.offsets[gid + 1]]

    def components(self, gid: int) -> list[int]:
        """The glyph ids a composite glyph is made of, in order (none for a simple glyph)."""
        data = self.glyph(gid)
        return [struct.unpack_from(">H", data, at)[0] for at in _component_positions(data)]

    def subset(self, gids: Iterable[int]) -> tuple[bytes, dict[int, int]]:
        r"""A program with glyphs ``gids`` (and their composites' components), and their new ids.

        The new glyph order is glyph 0 (``.notdef``, kept but with an empty
        outline: it is never drawn), then the kept glyphs in the order of
        their old ids, as fontTools' subsetter orders them.  The second value
        maps each kept old id to its new one.  The program has the tables
        ``glyf``, ``loca``, ``head``, ``hhea``, ``hmtx`` and ``maxp``, with
        the bounding box, extremes and maxima of the kept glyphs, computed as
        fontTools computes them when it saves a program: the subset is byte
        for byte the one fontTools' subsetter writes.

        Examples
        --------
        >>> from convarith.figure.fonts.subset import JOINED
        >>> font = TrueType.read(JOINED.read_bytes())
        >>> data, new_ids = font.subset([160, 34])  # 'à' is drawn with 'a' (66) and '`' (65)
        >>> new_ids
        {0: 0, 34: 1, 65: 2, 66: 3, 160: 4}
        >>> part = TrueType.read(data)
        >>> part.num_glyphs, part.glyph(0), part.components(4)
        (5, b'', [3, 2])
        >>> part.glyph(1) == font.glyph(34), part.metrics[4] == font.metrics[160]
        (True, True)
        >>> font.subset([554])
        Traceback (most recent call last):
            ...
        ValueError: glyph ids [554] are not in the font (it has 554 glyphs)
        """
        wanted = set(gids)
        strange = sorted(g for g in wanted if not 0 <= g < self.num_glyphs)
        if strange:
            raise ValueError(
                f"glyph ids {strange[:5]} are not in the font (it has {self.num_glyphs} glyphs)"
            )
        found: dict[int, tuple[bytes, list[int]]] = {0: (b"", [])}  # .notdef: no outline
        todo = list(wanted)
        while todo:
            gid = todo.pop()
            if gid in found:
                continue
            data = self.glyph(gid)
            positions = _component_positions(data)
            found[gid] = data, positions
            for at in positions:
                (component,) = struct.unpack_from(">H", data, at)
                if component >= self.num_glyphs:
                    raise ValueError(f"glyph {gid} has a component {component} not in the font")
                todo.append(component)
        order = sorted(found)
        new_ids = {gid: new for new, gid in enumerate(order)}
        kept = [self.metrics[gid] for gid in order]
        head, hhea, maxp = _recalc(self.tables, found, order, kept)
        glyphs: list[bytes] = []
        for gid in order:
            data, positions = found[gid]
            if positions:
                changed = bytearray(data)
                for at in positions:
                    (old,) = struct.unpack_from(">H", data, at)
                    struct.pack_into(">H", changed, at, new_ids[old])
                data = bytes(changed)
            glyphs.append(data)
        return _write(glyphs, kept, head, hhea, maxp), new_ids


def _recalc(
    tables: Mapping[str, bytes],
    found: Mapping[int, tuple[bytes, list[int]]],
    order: list[int],
    metrics: list[tuple[int, int]],
) -> tuple[bytearray, bytearray, bytearray]:
    """``head``, ``hhea`` and ``maxp`` with the box, extremes and maxima of the glyphs ``order``.

    ``found`` holds each glyph's raw data and its component positions;
    ``metrics`` the glyphs' advances and left side bearings, in ``order``.
    The values are the ones fontTools computes on save (``maxp.recalc``,
    ``hhea.recalc``): glyphs without outline count for nothing but their
    advance; a composite's points and contours are those of all the simple
    glyphs it is made of, followed through nested composites, and its depth
    is one more than its deepest composite component's.
    """
    flattened: dict[int, tuple[int, int, int]] = {}

    def flatten(gid: int) -> tuple[int, int, int]:
        """A composite's points, contours and component depth, as fontTools counts them."""
        done = flattened.get(gid)
        if done is not None:
            return done
        data, positions = found[gid]
        total_points = total_contours = 0
        deepest = 1
        for at in positions:
            (part,) = struct.unpack_from(">H", data, at)
            part_data = found[part][0]
            (count,) = struct.unpack_from(">h", part_data) if len(part_data) >= 10 else (0,)
            if count > 0:
                (last,) = struct.unpack_from(">H", part_data, 8 + 2 * count)
                total_points += last + 1
                total_contours += count
            elif count < 0:
                p, c, d = flatten(part)
                total_points += p
                total_contours += c
                deepest = max(deepest, d + 1)
        flattened[gid] = total_points, total_contours, deepest
        return flattened[gid]

    # Each glyph with an outline: its header (numberOfContours and box) and metrics.
    rows = []
    for gid, (advance, lsb) in zip(order, metrics, strict=True):
        data = found[gid][0]
        if len(data) >= 10 and data[:2] != b"\0\0":
            rows.append((*_HEADER.unpack_from(data), advance, lsb, gid))
    points = contours = composite_points = composite_contours = elements = depth = 0
    if not rows:  # no glyph has an outline
        lsb_min = rsb_min = extent_max = 0
        box = (0, 0, 0, 0)
        lsb_is_x_min = True
    else:
        counts, x0, y0, x1, y1, advances, lsbs, gids = zip(*rows, strict=True)
        box = min(x0), min(y0), max(x1), max(y1)
        lsb_is_x_min = lsbs == x0
        lsb_min = min(lsbs)
        rsb_min = min(map(lambda a, s, r, x: a - s - (r - x), advances, lsbs, x1, x0))
        extent_max = max(map(lambda s, r, x: s + r - x, lsbs, x1, x0))
        simple = [(c, g) for c, g in zip(counts, gids, strict=True) if c > 0]
        if simple:
            contours = max(c for c, _ in simple)
            points = 1 + max(_END.unpack_from(found[g][0], 8 + 2 * c)[0] for c, g in simple)
        composites = [g for c, g in zip(counts, gids, strict=True) if c < 0 and found[g][1]]
        for gid in composites:
            p, c, d = flatten(gid)
            composite_points = max(composite_points, p)
            composite_contours = max(composite_contours, c)
            elements = max(elements, len(found[gid][1]))
            depth = max(depth, d)
    head = bytearray(tables["head"])
    (flags,) = struct.unpack_from(">H", head, _HEAD_FLAGS)
    flags = flags | _LSB_IS_XMIN if lsb_is_x_min else flags & ~_LSB_IS_XMIN
    struct.pack_into(">H", head, _HEAD_FLAGS, flags)
    struct.pack_into(">4h", head, _HEAD_BOX, *box)
    hhea = bytearray(tables["hhea"])
    advance_max = max(advance for advance, _ in metrics)
    struct.pack_into(">H3h", hhea, _HHEA_EXTREMES, advance_max, lsb_min, rsb_min, extent_max)
    maxp = bytearray(tables["maxp"])
    if len(maxp) >= _MAXP_1_0:
        maxima = (points, contours, composite_points, composite_contours)
        struct.pack_into(">4H", maxp, _MAXP_OUTLINES, *maxima)
        struct.pack_into(">2H", maxp, _MAXP_COMPONENTS, elements, depth)
    return head, hhea, maxp


def _write(
    glyphs: list[bytes],
    metrics: list[tuple[int, int]],
    head: bytearray,
    hhea: bytearray,
    maxp: bytearray,
) -> bytes:
    """The program of ``glyphs``, their ``metrics`` and these tables.

    As fontTools writes it: glyphs of odd length get a zero byte when all the
    glyphs then still fit short ``loca`` offsets (even, below 128 KB);
    otherwise none does, and the offsets are long.
    """
    odd = sum(len(data) % 2 for data in glyphs)
    if odd and sum(map(len, glyphs)) + odd < 0x20000:
        glyphs = [data + b"\0" * (len(data) % 2) for data in glyphs]
        odd = 0
    offsets = [0]
    for data in glyphs:
        offsets.append(offsets[-1] + len(data))
    short = not odd and offsets[-1] < 0x20000
    loca = struct.pack(
        f">{len(offsets)}{'H' if short else 'I'}", *(o // 2 if short else o for o in offsets)
    )
    # As fontTools writes it: the advance of the last glyphs, when they share
    # it, is stored once, and the rest of them keep only their side bearing.
    long_count = len(metrics)
    while long_count > 1 and metrics[long_count - 2][0] == metrics[-1][0]:
        long_count -= 1
    hmtx = b"".join(struct.pack(">Hh", *m) for m in metrics[:long_count])
    hmtx += b"".join(struct.pack(">h", m[1]) for m in metrics[long_count:])
    struct.pack_into(">h", head, _HEAD_LOCA_FORMAT, 0 if short else 1)
    struct.pack_into(">H", hhea, _HHEA_METRICS, long_count)
    struct.pack_into(">H", maxp, _MAXP_GLYPHS, len(glyphs))
    tables = {
        "head": bytes(head),
        "hhea": bytes(hhea),
        "maxp": bytes(maxp),
        "hmtx": hmtx,
        "loca": loca,
        "glyf": b"".join(glyphs) or b"\0",
    }
    return write_tables(tables)


def _component_positions(glyph: bytes) -> list[int]:
    """Where a composite glyph's component glyph ids sit in its data (none for a simple glyph)."""
    if len(glyph) < 10:
        return []  # an empty glyph
    (contours,) = struct.unpack_from(">h", glyph)
    if contours >= 0:
        return []
    positions = []
    at = 10  # after numberOfContours and the bounding box
    flags = _MORE_COMPONENTS
    while flags & _MORE_COMPONENTS:
        if at + 4 > len(glyph):
            raise ValueError("a composite glyph ends in the middle of a component")
        (flags,) = struct.unpack_from(">H", glyph, at)
        positions.append(at + 2)
        at += 4 + (4 if flags & _ARG_1_AND_2_ARE_WORDS else 2)
        if flags & _WE_HAVE_A_SCALE:
            at += 2
        elif flags & _WE_HAVE_AN_X_AND_Y_SCALE:
            at += 4
        elif flags & _WE_HAVE_A_TWO_BY_TWO:
            at += 8
    if at > len(glyph):
        raise ValueError("a composite glyph ends in the middle of a component")
    return positions
