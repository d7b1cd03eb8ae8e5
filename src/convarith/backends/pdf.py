"""PDF backend: a small hand-written PDF writer, one vector page per frame.

No PDF library: importing one costs more than writing a few hundred pages
here.  Pages draw in canvas units through one transformation matrix
(``0.5 * scale`` points per unit, y pointing down), so a 30-unit cell is
15 pt, like the half-centimetre cells of the original guide.  Text uses the
bundled font, embedded whole as a Type0/CIDFontType2 font whose character
ids are Unicode code points: a ``CIDToGIDMap`` built from the glyph ids in the
font's metrics file turns them into glyphs, and a ``ToUnicode`` map lets
``pdftotext`` and copy-paste recover the text.  The font streams are built and
compressed once per process.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from functools import lru_cache

from convarith.backends.vector import POINTS_PER_UNIT, dash_pattern, number
from convarith.core.errors import ConvArithError
from convarith.core.limits import check_scale
from convarith.figure.checks import check_durations, check_frame
from convarith.figure.fonts import metrics
from convarith.figure.primitives import Color, Figure, Polygon, Polyline, Primitive, Text

__all__ = ["pdf_document", "pdf_frame"]

_FONT_NAMES = {False: "/F0", True: "/F1"}
# Drawn instead of a character the font lacks, as the layout measured it.
_MISSING = 0x3F


def pdf_document(
    figure: Figure, frames: Iterable[int] | None = None, *, scale: float = 1.0
) -> bytes:
    """A PDF with one vector page per frame of ``figure``.

    Parameters
    ----------
    figure
        The drawing.
    frames
        Frame numbers to write, in page order; all frames by default.
    scale
        Size factor: one canvas unit is ``0.5 * scale`` points, and the page is
        the canvas.

    Returns
    -------
    bytes
        The PDF file.

    Examples
    --------
    >>> from convarith.figure.primitives import Figure, StaticLayer, Text
    >>> label = Text((40, 20), "input 5×5", 12, (0, 0, 0))
    >>> pdf = pdf_document(Figure(80, 40, (StaticLayer((label,)),), (1000,), title="demo"))
    >>> pdf[:8], b"/MediaBox [0 0 40 20]" in pdf, pdf.rstrip().endswith(b"%%EOF")
    (b'%PDF-1.4', True, True)

    """
    scale = check_scale(scale)
    indices = _frame_numbers(figure, frames)
    k = POINTS_PER_UNIT * scale
    painter = _Painter(figure, k)
    contents = [zlib.compress(painter.page(i).encode("ascii")) for i in indices]
    return _assemble(figure, k, contents, painter)


def pdf_frame(figure: Figure, index: int, *, scale: float = 1.0) -> bytes:
    """A one-page PDF of frame ``index``: what a folder of PDF frames holds.

    >>> from convarith.figure.primitives import Figure, StaticLayer, Text
    >>> page = pdf_frame(Figure(80, 40, (StaticLayer(()),), (1000, 1000)), 1)
    >>> page.count(b"/Type /Page ")
    1
    """
    return pdf_document(figure, [index], scale=scale)


def _frame_numbers(figure: Figure, frames: Iterable[int] | None) -> list[int]:
    check_durations(figure.durations)  # a PDF needs a page
    if frames is None:
        return list(range(figure.frame_count))
    if isinstance(frames, (str, bytes)):
        raise ConvArithError(f"frames={frames!r} must be a list of frame numbers")
    indices = list(frames)
    if not indices:
        raise ConvArithError("frames=[] must name at least one frame: a PDF needs a page")
    for position, index in enumerate(indices):
        check_frame(figure, index, name=f"frames[{position}]")
    return indices


@lru_cache(maxsize=64)
def _rgb(color: Color) -> str:
    # Three decimals keep every 8-bit channel exact after the round trip.
    return " ".join(f"{c / 255:.3f}".rstrip("0").rstrip(".") for c in color)


class _Painter:
    """Writes page content streams and records the resources they use.

    Graphics state (colours, line width, dash, opacity) is tracked so that
    runs of alike primitives, the common case, do not repeat operators.
    """

    def __init__(self, figure: Figure, k: float) -> None:
        self.figure = figure
        width, height = number(figure.width), number(figure.height)
        # Flip y so that canvas coordinates are written as they are.
        head = [f"{number(k)} 0 0 {number(-k)} 0 {number(figure.height * k)} cm 0 J 0 j 10 M"]
        if figure.background is not None:
            head.append(f"{_rgb(figure.background)} rg 0 0 {width} {height} re f")
        self.head = "\n".join(head)
        self.opacities: dict[tuple[float, float], str] = {}
        self.fonts: set[bool] = set()
        self.reset()

    def reset(self) -> None:
        """Forget the graphics state: every page starts from the PDF defaults."""
        self.fill = self.stroke = self.dash = ""
        self.width = -1.0
        self.alpha = (1.0, 1.0)

    def page(self, index: int) -> str:
        """Content stream of frame ``index`` (uncompressed)."""
        out = [self.head]
        self.reset()
        for primitive in self.figure.frame(index):
            self.draw(primitive, out)
        return "\n".join(out)

    def draw(self, p: Primitive, out: list[str]) -> None:
        if isinstance(p, Text):
            self.text(p, out)
            return
        fill = p.fill if isinstance(p, Polygon) and len(p.points) > 2 else None
        stroke = p.stroke if p.stroke_width > 0 and len(p.points) > 1 else None
        if fill is None and stroke is None:
            return
        self.opacity(
            self.alpha[0] if fill is None else p.fill_opacity if isinstance(p, Polygon) else 1.0,
            self.alpha[1] if stroke is None else p.stroke_opacity,
            out,
        )
        if fill is not None:
            self.fill_color(fill, out)
        if stroke is not None:
            self.stroke_style(stroke, p.stroke_width, dash_pattern(p.dash), out)
        path = [f"{number(x)} {number(y)} l" for x, y in p.points]
        path[0] = path[0][:-1] + "m"
        if isinstance(p, Polyline):
            path.append("S")
        else:
            path.append("f" if stroke is None else "s" if fill is None else "b")
        out.append(" ".join(path))

    def text(self, t: Text, out: list[str]) -> None:
        if not t.text:
            return
        font = metrics(t.bold)
        self.fonts.add(t.bold)
        self.opacity(t.opacity, self.alpha[1], out)
        self.fill_color(t.color, out)
        codes = [ord(c) if ord(c) in font.glyph_ids else _MISSING for c in t.text]
        x, y = t.position
        if t.anchor != "start":
            width = sum(font.widths[c] for c in codes) * t.size / font.units_per_em
            x -= width / 2 if t.anchor == "middle" else width
        y += font.baseline_shift(t.size)
        glyphs = "".join(f"{c:04X}" for c in codes)
        out.append(
            f"BT {_FONT_NAMES[t.bold]} {number(t.size)} Tf 1 0 0 -1 {number(x)} {number(y)} Tm "
            f"<{glyphs}> Tj ET"
        )

    def opacity(self, fill: float, stroke: float, out: list[str]) -> None:
        if (fill, stroke) == self.alpha:
            return
        self.alpha = (fill, stroke)
        name = self.opacities.get(self.alpha)
        if name is None:
            name = self.opacities[self.alpha] = f"/A{len(self.opacities)}"
        out.append(f"{name} gs")

    def fill_color(self, color: Color, out: list[str]) -> None:
        rgb = _rgb(color)
        if rgb != self.fill:
            self.fill = rgb
            out.append(f"{rgb} rg")

    def stroke_style(
        self, color: Color, width: float, dash: tuple[float, float] | None, out: list[str]
    ) -> None:
        rgb = _rgb(color)
        if rgb != self.stroke:
            self.stroke = rgb
            out.append(f"{rgb} RG")
        if width != self.width:
            self.width = width
            out.append(f"{number(width)} w")
        pattern = "[] 0 d" if dash is None else f"[{number(dash[0])} {number(dash[1])}] 0 d"
        if pattern != self.dash:
            self.dash = pattern
            out.append(pattern)


def _assemble(figure: Figure, k: float, contents: list[bytes], painter: _Painter) -> bytes:
    """Number the objects, write them and the cross-reference table."""
    objects: list[bytes] = []
    fonts: list[str] = []
    first_font = 5  # after catalog, page tree, info and resources
    for bold in sorted(painter.fonts):
        number_ = first_font + len(objects)
        objects.extend(_font_objects(bold, number_))
        fonts.append(f"{_FONT_NAMES[bold]} {number_} 0 R")
    first_page = first_font + len(objects)
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(len(contents)))
    states = " ".join(
        f"{name} << /ca {number(fill)} /CA {number(stroke)} >>"
        for (fill, stroke), name in painter.opacities.items()
    )
    media = f"[0 0 {number(figure.width * k)} {number(figure.height * k)}]"
    head = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(contents)} >>".encode("ascii"),
        b"<< /Producer (convarith)"
        + (b" /Title <" + _utf16_hex(figure.title) + b">" if figure.title else b"")
        + b" >>",
        f"<< /Font << {' '.join(fonts)} >> /ExtGState << {states} >> >>".encode("ascii"),
    ]
    pages: list[bytes] = []
    for i, content in enumerate(contents):
        pages.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox {media} /Resources 4 0 R "
            f"/Contents {first_page + 2 * i + 1} 0 R >>".encode("ascii")
        )
        pages.append(_stream(content, b"/Filter /FlateDecode"))
    return _write([*head, *objects, *pages])


def _write(objects: list[bytes]) -> bytes:
    # The second line's high bytes tell transfer tools the file is binary.
    chunks = [b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"]
    offset = len(chunks[0])
    offsets = []
    for number_, body in enumerate(objects, start=1):
        chunk = b"%d 0 obj\n%s\nendobj\n" % (number_, body)
        offsets.append(offset)
        offset += len(chunk)
        chunks.append(chunk)
    xref = [b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)]
    xref.extend(b"%010d 00000 n \n" % o for o in offsets)
    chunks.extend(xref)
    chunks.append(
        b"trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, offset)
    )
    return b"".join(chunks)


def _stream(data: bytes, entries: bytes = b"") -> bytes:
    space = b" " if entries else b""
    return b"<< /Length %d%s%s >>\nstream\n%s\nendstream" % (len(data), space, entries, data)


def _utf16_hex(text: str) -> bytes:
    return ("FEFF" + text.encode("utf-16-be").hex().upper()).encode("ascii")


@lru_cache(maxsize=4)
def _font_objects(bold: bool, first: int) -> tuple[bytes, ...]:
    """The six objects of one embedded font, numbered from ``first``.

    Type0 font, CIDFontType2 descendant, font descriptor, font file,
    CIDToGIDMap and ToUnicode map; the streams come from :func:`_font_streams`.
    """
    font = metrics(bold)
    name = "/" + font.postscript_name
    font_file, cid_to_gid, to_unicode, widths = _font_streams(bold)
    em = 1000 / font.units_per_em
    bbox = " ".join(number(v * em) for v in font.bbox)
    return (
        f"<< /Type /Font /Subtype /Type0 /BaseFont {name} /Encoding /Identity-H "
        f"/DescendantFonts [{first + 1} 0 R] /ToUnicode {first + 5} 0 R >>".encode("ascii"),
        f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont {name} "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        f"/FontDescriptor {first + 2} 0 R /CIDToGIDMap {first + 4} 0 R "
        f"/DW {number(font.advance('?') * em)} /W {widths} >>".encode("ascii"),
        f"<< /Type /FontDescriptor /FontName {name} /Flags 32 /FontBBox [{bbox}] "
        f"/ItalicAngle 0 /Ascent {number(font.ascender * em)} "
        f"/Descent {number(font.descender * em)} /CapHeight {number(font.ascender * em)} "
        f"/StemV {140 if bold else 80} /FontFile2 {first + 3} 0 R >>".encode("ascii"),
        font_file,
        cid_to_gid,
        to_unicode,
    )


@lru_cache(maxsize=2)
def _font_streams(bold: bool) -> tuple[bytes, bytes, bytes, str]:
    """Compressed font file, CIDToGIDMap and ToUnicode streams, and the ``/W`` array."""
    font = metrics(bold)
    data = font.path.read_bytes()
    font_file = _stream(zlib.compress(data, 9), b"/Length1 %d /Filter /FlateDecode" % len(data))
    codes = sorted(font.glyph_ids)
    gid_map = bytearray(2 * (codes[-1] + 1))
    for code in codes:
        gid_map[2 * code : 2 * code + 2] = font.glyph_ids[code].to_bytes(2, "big")
    cid_to_gid = _stream(zlib.compress(bytes(gid_map), 9), b"/Filter /FlateDecode")
    runs = _runs(codes)
    em = 1000 / font.units_per_em
    widths = " ".join(
        f"{run[0]} [{' '.join(number(font.widths[c] * em) for c in run)}]" for run in runs
    )
    cmap = _to_unicode(runs).encode("ascii")
    to_unicode = _stream(zlib.compress(cmap, 9), b"/Filter /FlateDecode")
    return font_file, cid_to_gid, to_unicode, f"[{widths}]"


def _runs(codes: list[int]) -> list[list[int]]:
    """Split sorted codes into runs of consecutive values within one 256-block.

    A ``bfrange`` may not cross a change of its first byte, so runs stop there.
    """
    runs: list[list[int]] = []
    for code in codes:
        if runs and code == runs[-1][-1] + 1 and code % 256:
            runs[-1].append(code)
        else:
            runs.append([code])
    return runs


def _to_unicode(runs: list[list[int]]) -> str:
    ranges = [f"<{run[0]:04X}> <{run[-1]:04X}> <{run[0]:04X}>" for run in runs]
    blocks = []
    for start in range(0, len(ranges), 100):  # at most 100 entries per block
        chunk = ranges[start : start + 100]
        blocks.append(f"{len(chunk)} beginbfrange\n" + "\n".join(chunk) + "\nendbfrange")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )
