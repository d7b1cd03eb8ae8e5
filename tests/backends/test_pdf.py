"""PDF backend: file structure, embedded fonts, text extraction, rendered colours, speed."""

from __future__ import annotations

import re
import statistics
import subprocess
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image

from convarith.backends.pdf import pdf_document
from convarith.core.errors import ConvArithError
from convarith.figure.fonts import font_path
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


def streams(pdf: bytes) -> list[bytes]:
    """Every stream of the file, decompressed when it is compressed."""
    found = []
    for match in re.finditer(rb"<<(.*?)>>\nstream\n", pdf, re.S):
        length = int(re.search(rb"/Length (\d+)", match.group(1)).group(1))  # type: ignore[union-attr]
        data = pdf[match.end() : match.end() + length]
        found.append(zlib.decompress(data) if b"/FlateDecode" in match.group(1) else data)
    return found


def test_cross_reference_offsets_are_exact(figure: Figure) -> None:
    pdf = pdf_document(figure)
    start = int(pdf.rsplit(b"startxref\n", 1)[1].split()[0])
    assert pdf[start:].startswith(b"xref\n0 ")
    header, *entries = pdf[start:].split(b"trailer")[0].splitlines()[1:]
    count = int(header.split()[1])
    assert len(entries) == count and entries[0] == b"0000000000 65535 f "
    for number, entry in enumerate(entries[1:], start=1):
        offset = int(entry[:10])
        assert pdf[offset:].startswith(b"%d 0 obj\n" % number), number
    assert re.search(rb"/Size %d\b" % count, pdf)


def test_one_page_per_frame_with_title_and_canvas_size(figure: Figure, tmp_path: Path) -> None:
    details = info(write(tmp_path, pdf_document(figure)))
    assert details["Pages"] == str(len(DURATIONS))
    assert details["Title"] == figure.title
    assert details["Page size"].startswith(f"{WIDTH / 2:g} x {HEIGHT / 2:g} pts")
    chosen = info(write(tmp_path, pdf_document(figure, [4, 0], scale=2), "two.pdf"))
    assert chosen["Pages"] == "2"
    assert chosen["Page size"].startswith(f"{WIDTH:g} x {HEIGHT:g} pts")


def test_fonts_are_embedded_and_text_extracts(figure: Figure, tmp_path: Path) -> None:
    path = write(tmp_path, pdf_document(figure, [0]))
    fonts = run("pdffonts", str(path)).splitlines()[2:]
    assert len(fonts) == 2
    for line, name in zip(fonts, ("ConvarithSans ", "ConvarithSansBold "), strict=True):
        assert line.startswith(name)
        assert re.search(r"CID TrueType\s+Identity-H\s+yes\s+no\s+yes", line), line
    text = run("pdftotext", str(path), "-")
    for label in ("input 5×5", "output 3×3", "padding 1, stride 2", "12.0", "19.0", "9.0"):
        assert label in text


def test_only_the_fonts_used_are_embedded(figure: Figure) -> None:
    font_files = [font_path(bold).read_bytes() for bold in (False, True)]
    assert [s for s in streams(pdf_document(figure)) if s in font_files] == font_files
    regular = Figure(20, 20, (StaticLayer((Text((10, 10), "7", 8, DARK),)),), (1000,))
    assert [s for s in streams(pdf_document(regular)) if s in font_files] == font_files[:1]
    shapes = Figure(20, 20, (StaticLayer((Polygon(((0, 0), (9, 0), (9, 9)), fill=DARK),)),), (1,))
    pdf = pdf_document(shapes)
    assert b"/FontFile2" not in pdf and b"/Font <<  >>" in pdf


def test_a_character_the_font_lacks_is_drawn_as_a_question_mark(tmp_path: Path) -> None:
    figure = Figure(60, 20, (StaticLayer((Text((30, 10), "a日b", 10, DARK),)),), (1000,))
    assert run("pdftotext", str(write(tmp_path, pdf_document(figure))), "-").strip() == "a?b"


def test_page_content_uses_opacity_dashes_and_butt_caps(figure: Figure) -> None:
    pdf = pdf_document(figure, [0])
    assert re.search(rb"/A\d+ << /ca 0.4 /CA 1 >>", pdf)
    content = next(s for s in streams(pdf) if s.startswith(b"0.5 0 0 -0.5 0 205 cm"))
    assert content.splitlines()[0].endswith(b" 0 J 0 j 10 M")
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
    content = next(s for s in streams(pdf_document(figure)) if b" cm" in s)
    assert b" re f" not in content


def test_output_is_deterministic(figure: Figure) -> None:
    assert pdf_document(figure) == pdf_document(figure)


def test_a_one_page_document_takes_well_under_two_milliseconds(figure: Figure) -> None:
    pdf_document(figure, [0])  # builds the font streams once
    times = []
    for i in range(60):
        start = time.perf_counter()
        pdf_document(figure, [i % figure.frame_count])
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.002


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
