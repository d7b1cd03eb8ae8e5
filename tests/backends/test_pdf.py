"""PDF backend: file structure, embedded font subsets, text extraction, short numbers, colours."""

from __future__ import annotations

import io
import re
import subprocess
import zlib
from dataclasses import replace
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from convarith.backends.pdf import pdf_document, pdf_frame
from convarith.backends.pdf_file import read_objects
from convarith.core.errors import ConvArithError
from convarith.figure.fonts import font_path
from convarith.figure.fonts.subset import UNITS_PER_EM, font_subset, subset_cache_info
from convarith.figure.primitives import Figure, Polygon, StaticLayer, Text
from support.vector_figure import DARK, DURATIONS, HEIGHT, WIDTH, assert_probes, render_pdf, require


def run(tool: str, *args: str) -> str:
    done = subprocess.run([require(tool), *args], capture_output=True, text=True, check=True)
    assert done.stderr == "", done.stderr
    return done.stdout


def info(pdf: Path) -> dict[str, str]:
    lines = run("pdfinfo", str(pdf)).splitlines()
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in lines)}


def write(tmp_path: Path, data: bytes, name: str = "figure.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def objects(pdf: bytes) -> dict[int, bytes]:
    return read_objects(pdf)


def content_streams(pdf: bytes) -> list[bytes]:
    """The page content streams, decompressed."""
    found = []
    for body in objects(pdf).values():
        _, _, data = body.partition(b">>\n")
        if body.startswith(b"<<") and b" cm" in data[:80]:
            found.append(data)
    return found


def embedded_font(pdf: bytes) -> TTFont | None:
    """The embedded font program, read back with fontTools, or None."""
    for body in objects(pdf).values():
        if b"/Length1" in body.partition(b">>\n")[0]:
            return TTFont(io.BytesIO(body.partition(b">>\n")[2]))
    return None


def test_cross_reference_stream_points_at_every_object(figure: Figure) -> None:
    pdf = pdf_document(figure)
    start = int(pdf.rsplit(b"startxref\n", 1)[1].split()[0])
    header = re.match(rb"(\d+) 0 obj\n<<(.*?)>>stream\n", pdf[start:], re.S)
    assert header is not None and b"/Type/XRef" in header.group(2)
    size = int(re.search(rb"/Size (\d+)", header.group(2)).group(1))  # type: ignore[union-attr]
    widths = [int(w) for w in re.search(rb"/W\[(\d+) (\d+) (\d+)\]", header.group(2)).groups()]  # type: ignore[union-attr]
    length = int(re.search(rb"/Length (\d+)", header.group(2)).group(1))  # type: ignore[union-attr]
    table = zlib.decompress(pdf[start + header.end() : start + header.end() + length])
    row = sum(widths)
    assert len(table) == size * row
    stored = objects(pdf)
    for number in range(size):
        entry = table[number * row : (number + 1) * row]
        kind = entry[0]
        second = int.from_bytes(entry[1 : 1 + widths[1]], "big")
        if kind == 1:
            assert pdf[second:].startswith(b"%d 0 obj\n" % number), number
        elif kind == 2:
            assert pdf[int(pdf.find(b"%d 0 obj\n" % second)) :].count(b"/Type/ObjStm") >= 1
            assert number in stored
        else:
            assert number == 0
    # Every object but the object stream and the cross-reference stream is listed.
    assert set(stored) | {size - 2, size - 1} >= set(range(1, size))


def test_one_page_per_frame_with_title_and_canvas_size(figure: Figure, tmp_path: Path) -> None:
    details = info(write(tmp_path, pdf_document(figure)))
    assert details["Pages"] == str(len(DURATIONS))
    assert details["Title"] == figure.title
    assert details["Page size"].startswith(f"{WIDTH / 2:g} x {HEIGHT / 2:g} pts")
    chosen = info(write(tmp_path, pdf_document(figure, [4, 0], scale=2), "two.pdf"))
    assert chosen["Pages"] == "2"
    assert chosen["Page size"].startswith(f"{WIDTH:g} x {HEIGHT:g} pts")


def test_a_title_with_brackets_and_arrows_reads_back(tmp_path: Path) -> None:
    title = "a (b) \\ c → d\r"
    figure = Figure(20, 20, (StaticLayer(()),), (1000,), title=title)
    assert info(write(tmp_path, pdf_document(figure)))["Title"] == title.strip()


def test_one_font_subset_is_embedded_and_text_extracts(figure: Figure, tmp_path: Path) -> None:
    path = write(tmp_path, pdf_document(figure, [0]))
    fonts = run("pdffonts", str(path)).splitlines()[2:]
    assert len(fonts) == 1  # both faces travel in one subset
    assert re.match(
        r"[A-Z]{6}\+ConvarithSans\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes", fonts[0]
    )
    text = run("pdftotext", str(path), "-")
    for label in ("input 5×5", "output 3×3", "padding 1, stride 2", "12.0", "19.0", "9.0"):
        assert label in text


def test_text_extracts_with_pdfium_too(figure: Figure) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(pdf_document(figure, [0]))
    text = document[0].get_textpage().get_text_range()
    assert "input 5×5" in text and "output 3×3" in text


def test_a_frame_embeds_only_the_glyphs_it_prints(figure: Figure) -> None:
    printed = {(p.bold, ord(c)) for p in figure.frame(0) if isinstance(p, Text) for c in p.text}
    font = embedded_font(pdf_document(figure, [0]))
    assert font is not None
    # .notdef (empty) and one glyph per character printed: the components of
    # an accented letter would come too, but the labels here have none.
    assert len(font.getGlyphOrder()) == len(printed) + 1
    assert font["head"].unitsPerEm == UNITS_PER_EM
    assert sorted(font.keys()) == ["GlyphOrder", "glyf", "head", "hhea", "hmtx", "loca", "maxp"]
    # The bundled fonts are over ten times larger than the subset.
    assert len(font_path(False).read_bytes()) > 10 * len(font.reader.file.getvalue())


def test_a_frame_without_text_embeds_no_font() -> None:
    shapes = Figure(20, 20, (StaticLayer((Polygon(((0, 0), (9, 0), (9, 9)), fill=DARK),)),), (1,))
    pdf = pdf_document(shapes)
    assert embedded_font(pdf) is None
    assert b"/Font" not in b"".join(objects(pdf).values())
    regular = Figure(20, 20, (StaticLayer((Text((10, 10), "7", 8, DARK),)),), (1000,))
    font = embedded_font(pdf_document(regular))
    assert font is not None and len(font.getGlyphOrder()) == 2


def test_the_frames_of_an_animation_share_one_subset(figure: Figure) -> None:
    pdf_document(figure, [0])
    hits, misses = subset_cache_info()
    for index in range(1, figure.frame_count):
        pdf_frame(figure, index)
    more_hits, more_misses = subset_cache_info()
    # The same labels on every frame: no new subset, one reuse per frame at most.
    assert more_misses == misses
    assert more_hits >= hits


def test_a_subset_is_made_once_per_character_set() -> None:
    chars = [(False, ord(c)) for c in "subset cache"]
    first = font_subset(chars)
    assert font_subset(reversed(chars)) is first
    other = font_subset([*chars, (True, ord("x"))])
    assert other is not first and other.tag != first.tag
    assert other.data != first.data


def test_numbers_in_content_streams_are_short(figure: Figure) -> None:
    [content] = content_streams(pdf_document(figure, [3]))
    numbers = re.findall(rb"(?<![\w/<])-?[\d.]+(?![\w>])", content)
    assert numbers
    for number in numbers:
        text = number.decode()
        assert not (("." in text) and text.endswith("0")), text  # no trailing zeros
        assert not text.endswith("."), text
        assert not text.lstrip("-").startswith("0") or text == "0", text  # no leading zero
        assert len(text.partition(".")[2]) <= 3, text  # at most two decimals (three for colours)
    assert b"0.5" not in content and b".5 0 0 -.5" in content


def test_later_frames_equal_frames_written_alone(figure: Figure) -> None:
    """The painter kept between frames (static layers written once) changes no byte."""
    in_order = [pdf_frame(figure, index) for index in range(figure.frame_count)]
    for index in (4, 0, 8):
        twin = replace(figure)  # an equal figure: a new painter, nothing cached
        assert pdf_frame(twin, index) == in_order[index]


def test_a_character_the_font_lacks_is_drawn_as_a_question_mark(tmp_path: Path) -> None:
    figure = Figure(60, 20, (StaticLayer((Text((30, 10), "a日b", 10, DARK),)),), (1000,))
    assert run("pdftotext", str(write(tmp_path, pdf_document(figure))), "-").strip() == "a?b"


def test_page_content_uses_opacity_dashes_and_butt_caps(figure: Figure) -> None:
    pdf = pdf_document(figure, [0])
    assert b"/a.4_1<</ca .4/CA 1>>" in b"".join(objects(pdf).values())
    [content] = content_streams(pdf)
    # Butt caps and mitred joins with a miter limit of 10 are PDF's defaults.
    assert content.splitlines()[0] == b".5 0 0 -.5 0 205 cm"
    assert not re.search(rb"\b[12] J|\b[12] j", content)
    assert b"[6 6] 0 d" in content and b"[] 0 d" in content
    assert content.count(b" gs") >= 2  # into the window's opacity and back
    assert content.count(b" Tj ET") == 12  # nine numbers and three labels


def test_rendered_pages_have_the_expected_colours(figure: Figure, tmp_path: Path) -> None:
    path = write(tmp_path, pdf_document(figure))
    for frame in range(figure.frame_count):
        image = render_pdf(path, frame + 1)
        assert image.size == (int(WIDTH), int(HEIGHT))
        assert_probes(image, frame)


def test_text_is_centred_on_its_position(tmp_path: Path) -> None:
    """A digit centred on a point: its ink is centred there, as the contract says."""
    figure = Figure(100, 100, (StaticLayer((Text((50, 50), "0", 60, DARK),)),), (1000,))
    image = render_pdf(write(tmp_path, pdf_document(figure)), 1)
    ink = Image.eval(image.convert("L"), lambda v: 255 if v < 128 else 0).getbbox()
    assert ink is not None
    left, top, right, bottom = ink
    assert abs((left + right) / 2 - 50) <= 1.5
    # DejaVu digits are taller than the ascender-descender middle suggests,
    # so the ink centre sits a little above the position, never below.
    assert -4 <= (top + bottom) / 2 - 50 <= 1.5


def test_background_none_leaves_the_page_unpainted() -> None:
    square = Polygon(((0, 0), (5, 0), (5, 5)), fill=DARK)
    figure = Figure(10, 10, (StaticLayer((square,)),), (1000,), background=None)
    [content] = content_streams(pdf_document(figure))
    assert b" re f" not in content


def test_output_is_deterministic(figure: Figure) -> None:
    assert pdf_document(figure) == pdf_document(figure)


@pytest.mark.parametrize(
    ("frames", "scale", "message"),
    [
        (
            [9],
            1.0,
            r"^frames\[0\]=9 must be a frame number from 0 to 8 \(the figure has 9 frames\)$",
        ),
        ([0, -1], 1.0, r"^frames\[1\]=-1 must be"),
        ([], 1.0, r"^frames=\[\] must name at least one frame"),
        ("0", 1.0, r"^frames='0' must be a list of frame numbers$"),
        (None, -1.0, r"^scale=-1.0 must be a number between 0.1 and 20$"),
    ],
)
def test_bad_arguments_raise_one_line(
    figure: Figure, frames: list[int] | str | None, scale: float, message: str
) -> None:
    with pytest.raises(ConvArithError, match=message):
        pdf_document(figure, frames, scale=scale)  # type: ignore[arg-type]
