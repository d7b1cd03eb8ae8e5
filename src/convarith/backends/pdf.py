"""PDF backend: a small hand-written PDF writer, one vector page per frame.

No PDF library: importing one costs more than writing a few hundred pages
here.  Pages draw in canvas units through one transformation matrix
(``0.5 * scale`` points per unit, y pointing down), so a 30-unit cell is
15 pt, like the half-centimetre cells of the original guide.  Content
streams come from :mod:`~convarith.backends.pdf_content` (a figure's static
layers are written once, however many pages draw them); text is real text
in a subset of the bundled font holding only the characters the document
prints (:mod:`~convarith.backends.pdf_fonts`), so that a one-page frame
stays a few kilobytes, and a frame without text embeds no font.

A folder of PDF frames calls :func:`pdf_frame` once per frame of the same
figure: the last figure's painter is kept (by a weak reference to the
figure), so the static layers are written once for the whole folder.
"""

from __future__ import annotations

import weakref
import zlib
from collections.abc import Iterable

from convarith.backends.pdf_content import FONT, Painter, Uses, pdf_number
from convarith.backends.pdf_file import write_pdf
from convarith.backends.pdf_fonts import font_objects, glyph_codes
from convarith.backends.vector import POINTS_PER_UNIT
from convarith.core.errors import ConvArithError
from convarith.core.limits import check_scale
from convarith.figure.checks import check_durations, check_frame
from convarith.figure.primitives import Figure

__all__ = ["pdf_document", "pdf_frame"]

# The painter of the last figure written, while that figure lives: (figure, k, painter).
_LAST: list[tuple[weakref.ref[Figure], float, Painter]] = []


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
    >>> pdf[:8], pdf.rstrip().endswith(b"%%EOF")
    (b'%PDF-1.5', True)
    >>> from convarith.backends.pdf_file import read_objects
    >>> page = next(o for o in read_objects(pdf).values() if o.startswith(b"<</Type/Page/"))
    >>> b"/MediaBox[0 0 40 20]" in page
    True

    """
    scale = check_scale(scale)
    indices = _frame_numbers(figure, frames)
    k = POINTS_PER_UNIT * scale
    painter = _painter(figure, k)
    uses = Uses()
    pages = []
    for index in indices:
        content, used = painter.page(index)
        pages.append(content)
        uses.add(used)
    return _assemble(figure, k, pages, uses)


def pdf_frame(figure: Figure, index: int, *, scale: float = 1.0) -> bytes:
    """A one-page PDF of frame ``index``: what a folder of PDF frames holds.

    >>> from convarith.figure.primitives import Figure, StaticLayer, Text
    >>> from convarith.backends.pdf_file import read_objects
    >>> page = pdf_frame(Figure(80, 40, (StaticLayer(()),), (1000, 1000)), 1)
    >>> [o for o in read_objects(page).values() if o.startswith(b"<</Type/Pages")]
    [b'<</Type/Pages/Kids[5 0 R]/Count 1>>']
    """
    return pdf_document(figure, [index], scale=scale)


def _painter(figure: Figure, k: float) -> Painter:
    """The painter of ``figure`` at ``k`` points per unit: the last one, if it is the same."""
    if _LAST:
        ref, last_k, painter = _LAST[0]
        if ref() is figure and last_k == k:
            return painter
    painter = Painter(figure, k)
    _LAST[:] = [(weakref.ref(figure), k, painter)]
    return painter


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


def _assemble(figure: Figure, k: float, pages: list[str], uses: Uses) -> bytes:
    """Number the objects and write the file."""
    objects: list[bytes] = []
    fonts: list[str] = []
    first_font = 5  # after catalog, page tree, info and resources
    if uses.chars:
        font, codes = font_objects(frozenset(uses.chars), first_font)
        objects.extend(font)
        fonts.append(f"{FONT} {first_font} 0 R")
        pages = [glyph_codes(page, codes) for page in pages]
    contents = [zlib.compress(page.encode("ascii"), 9) for page in pages]
    first_page = first_font + len(objects)
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(len(contents)))
    states = "".join(
        f"{name}<</ca {pdf_number(fill)}/CA {pdf_number(stroke)}>>"
        for name, (fill, stroke) in sorted(uses.opacities.items())
    )
    resources = []
    if fonts:
        resources.append(f"/Font<<{''.join(fonts)}>>")
    if states:
        resources.append(f"/ExtGState<<{states}>>")
    media = f"[0 0 {pdf_number(figure.width * k)} {pdf_number(figure.height * k)}]"
    head = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        f"<</Type/Pages/Kids[{kids}]/Count {len(contents)}>>".encode("ascii"),
        b"<</Producer(convarith)"
        + (b"/Title(" + _utf16_literal(figure.title) + b")" if figure.title else b"")
        + b">>",
        f"<<{''.join(resources)}>>".encode("ascii"),
    ]
    page_objects: list[bytes] = []
    for i, content in enumerate(contents):
        page_objects.append(
            f"<</Type/Page/Parent 2 0 R/MediaBox{media}/Resources 4 0 R"
            f"/Contents {first_page + 2 * i + 1} 0 R>>".encode("ascii")
        )
        page_objects.append(
            b"<</Length %d/Filter/FlateDecode>>stream\n%s\nendstream" % (len(content), content)
        )
    return write_pdf([*head, *objects, *page_objects], root=1, info=3)


def _utf16_literal(text: str) -> bytes:
    """``text`` as the inside of a literal string in UTF-16 (half the bytes of hex)."""
    data = b"\xfe\xff" + text.encode("utf-16-be")
    for special in (b"\\", b"(", b")", b"\r"):
        data = data.replace(special, b"\\" + (b"r" if special == b"\r" else special))
    return data
