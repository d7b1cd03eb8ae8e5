"""TikZ backend: readable source, LaTeX escaping, and documents that pdflatex compiles."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from convarith.backends.tikz import latex_text, tikz_document
from convarith.core.errors import ConvArithError
from convarith.figure.fonts import metrics
from convarith.figure.primitives import Figure, Polygon, Polyline, StaticLayer, Text
from support.vector_figure import DARK, DURATIONS, HEIGHT, WIDTH, assert_probes, render_pdf, require


def compile_latex(source: str, tmp_path: Path, name: str = "figure") -> Path:
    """Compile with pdflatex; fail with the log's errors if it does not compile cleanly."""
    pdflatex = require("pdflatex")
    (tmp_path / f"{name}.tex").write_text(source, encoding="utf-8")
    done = subprocess.run(
        [pdflatex, "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    log = (tmp_path / f"{name}.log").read_text(encoding="latin-1")
    assert done.returncode == 0, "\n".join(
        line for line in log.splitlines() if line.startswith("!")
    )
    assert "Missing character" not in log
    assert not re.search(r"(?i)LaTeX (Font )?Warning", log), log
    return tmp_path / f"{name}.pdf"


def pdf_pages(pdf: Path) -> tuple[int, str]:
    out = subprocess.run(
        [require("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    pages = re.search(r"Pages:\s+(\d+)", out)
    size = re.search(r"Page size:\s+(.*)", out)
    assert pages is not None and size is not None
    return int(pages.group(1)), size.group(1)


def test_structure_is_readable_one_primitive_per_line(figure: Figure) -> None:
    source = tikz_document(figure)
    lines = source.splitlines()
    assert lines[2] == r"\documentclass[tikz,border=0pt]{standalone}"
    assert source.count(r"\begin{tikzpicture}") == len(DURATIONS)
    assert source.count(r"\end{tikzpicture}") == len(DURATIONS)
    definitions = [line for line in lines if line.startswith(r"\definecolor")]
    assert definitions == [
        r"\definecolor{c002b36}{RGB}{0,43,54}",
        r"\definecolor{c073642}{RGB}{7,54,66}",
        r"\definecolor{c268bd2}{RGB}{38,139,210}",
        r"\definecolor{c2aa198}{RGB}{42,161,152}",
        r"\definecolor{cffffff}{RGB}{255,255,255}",
    ]
    drawing = [line for line in lines if line.startswith((r"\draw", r"\fill", r"\node"))]
    # Per frame: background, 49 input cells, window, 4 lines, 9 output cells and
    # numbers, the current output cell, 3 labels.
    assert len(drawing) == len(DURATIONS) * (1 + 49 + 1 + 4 + 18 + 1 + 3)
    assert all(line.endswith(";") and line.count(";") == 1 for line in drawing)


def test_coordinates_are_points_with_y_flipped(figure: Figure) -> None:
    lines = tikz_document(figure).splitlines()
    first_cell = next(line for line in lines if "dash pattern" in line)
    # Canvas (20, 250) is 10 bp right of and (410 - 250) / 2 = 80 bp above the bottom-left corner.
    assert first_cell == (
        r"\draw[draw=c002b36, line width=0.8bp, dash pattern=on 3bp off 3bp] "
        r"(10,80) -- (25,87.5) -- (35.5,77.75) -- (20.5,70.25) -- cycle;"
    )
    window = next(line for line in lines if "fill opacity" in line)
    assert window.startswith(r"\fill[fill=c073642, fill opacity=0.4] (10,80) -- ")
    label = next(line for line in lines if line.endswith("{input 5$\\times$5};"))
    baseline = (HEIGHT - 345 - metrics().baseline_shift(14)) / 2
    assert label.startswith(
        rf"\node[anchor=base, scale=0.7, text=c002b36] at (170,{baseline:.2f}) "
    )
    bold = next(line for line in lines if line.endswith("{padding 1, stride 2};"))
    assert "anchor=base east" in bold and r"\bfseries" in bold


def test_scale_multiplies_points() -> None:
    line = Polyline(((0, 0), (20, 10)), stroke=DARK, stroke_width=2, stroke_opacity=0.5)
    source = tikz_document(Figure(20, 10, (StaticLayer((line,)),), (1000,)), scale=3)
    assert r"\useasboundingbox (0,0) rectangle (30,15);" in source
    assert r"\draw[draw=c002b36, line width=3bp, draw opacity=0.5] (0,15) -- (30,0);" in source


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        ("input 5×5", r"input 5$\times$5"),
        ("a_b & c#1 $2 50% {x}", r"a\_b \& c\#1 \$2 50\% \{x\}"),
        ("x^2~y\\z", r"x\^{}2\~{}y\textbackslash{}z"),
        ("i <= j | k > 0", r"i $<$= j $|$ k $>$ 0"),
        ("−1 → ⌊x⌋ ⌈y⌉", r"$-$1 $\rightarrow$ $\lfloor$x$\rfloor$ $\lceil$y$\rceil$"),
        ("Wᵀ x′", r"W${}^{\mathsf{T}}$ x${}^\prime$"),
        ("--", "-{}-"),
        ("é ï Ñ", r"\'{e} \"{\i{}} \~{N}"),
        ("日", "?"),
    ],
)
def test_latex_text(text: str, latex: str) -> None:
    assert latex_text(text) == latex


def test_no_frames_is_refused() -> None:
    with pytest.raises(ConvArithError, match=r"^durations=\(\) must hold at least one frame"):
        tikz_document(Figure(10, 10, (), ()))
    with pytest.raises(ConvArithError, match=r"^scale=0 must be"):
        tikz_document(Figure(10, 10, (), (1,)), scale=0)


@pytest.mark.slow
def test_compiles_to_one_page_per_frame_with_the_expected_colours(
    figure: Figure, tmp_path: Path
) -> None:
    pdf = compile_latex(tikz_document(figure), tmp_path)
    pages, size = pdf_pages(pdf)
    assert pages == len(DURATIONS)
    width, height = (float(v) for v in size.split()[0:3:2])
    assert width == pytest.approx(WIDTH / 2, abs=0.01)
    assert height == pytest.approx(HEIGHT / 2, abs=0.01)
    for frame in (0, 4, 8):
        assert_probes(render_pdf(pdf, frame + 1), frame)
    text = subprocess.run(
        [require("pdftotext"), "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "input 5" in text and "output 3" in text and "12.0" in text


@pytest.mark.slow
def test_every_character_of_the_bundled_font_compiles(tmp_path: Path) -> None:
    characters = "".join(chr(code) for code in sorted(metrics().glyph_ids))
    texts = [
        Text(
            (10, 10 + 12 * row), characters[start : start + 24], 8, DARK, anchor="start", bold=bold
        )
        for row, (start, bold) in enumerate(
            (start, bold) for bold in (False, True) for start in range(0, len(characters), 24)
        )
    ]
    square = Polygon(((0, 0), (4, 0), (4, 4)), fill=DARK, stroke=DARK, stroke_width=1, dash=(1, 1))
    figure = Figure(300, 20 + 12 * len(texts), (StaticLayer((square, *texts)),), (1000,))
    source = tikz_document(figure)
    assert r"\usepackage{amssymb}" in source  # for the ⊛
    pages, _ = pdf_pages(compile_latex(source, tmp_path, "characters"))
    assert pages == 1
