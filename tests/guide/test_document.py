"""The guide as a PDF and as an HTML page: structure, determinism, pages a reader can read."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pytest

from convarith.core.formulas import RELATIONSHIPS
from convarith.guide import build_guide
from convarith.guide.document import guide_figures, guide_source

SECTIONS = [
    "discrete-convolution", "convolution-arithmetic", "pooling", "transposed-convolution",
    "dilated-convolution", "beyond-the-original", "reference",
]  # fmt: skip


@lru_cache(maxsize=2)
def built(kind: str) -> bytes:
    return build_guide(kind)


def test_same_version_same_bytes() -> None:
    from convarith.guide.document import _source

    first_pdf, first_html = built("pdf"), built("html")
    _source.cache_clear()  # build everything again, figures included
    assert build_guide("pdf") == first_pdf
    assert build_guide("html") == first_html


def test_the_pdf_states_a_fixed_date() -> None:
    pdf = built("pdf")
    dates = set(re.findall(rb"/CreationDate\s*\(D:(\d{8})", pdf))
    assert dates == {b"20261201"}


def test_the_source_has_every_section_and_relationship_anchor() -> None:
    source, _ = guide_source()
    for label in SECTIONS + [f"relationship-{n}" for n in RELATIONSHIPS]:
        assert len(re.findall(rf"^=+ .* <{label}>$", source, flags=re.M)) == 1, label


def test_the_source_cites_the_original_report() -> None:
    source, _ = guide_source()
    assert "arXiv:1603.07285" in source and "Dumoulin" in source


def _pdf():
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(built("pdf"))


def test_pdf_pages_have_numbers_headings_commands_and_links() -> None:
    doc = _pdf()
    texts = [doc[n].get_textpage().get_text_range() for n in range(len(doc))]
    assert len(doc) >= 15
    for number, text in enumerate(texts, start=1):
        assert re.search(rf"(^|\s){number}\s*$", text), f"page {number} number"
    whole = re.sub(r"\s+", " ", "\n".join(texts))
    assert "Contents" in texts[0]
    for heading in (
        "Discrete convolution",
        "Convolution arithmetic",
        "Pooling arithmetic",
        "Transposed convolution",
        "Dilated convolution",
        "Beyond the original",
        "Reference",
    ):
        assert heading in whole
    for fig in guide_figures():
        # Each figure's command is printed under it, as text a reader can copy.
        assert fig.command() in whole, fig.name
    links = sum(len(list(_links(doc[n]))) for n in range(len(doc)))
    assert links >= 40  # the contents, the cross references, the reproduction list


def _links(page):
    import pypdfium2.raw as raw

    count = raw.FPDFPage_GetAnnotCount(page)
    for n in range(count):
        annotation = raw.FPDFPage_GetAnnot(page, n)
        if raw.FPDFAnnot_GetSubtype(annotation) == raw.FPDF_ANNOT_LINK:
            yield n
        raw.FPDFPage_CloseAnnot(annotation)


def test_pdf_figure_labels_are_real_text() -> None:
    doc = _pdf()
    whole = "\n".join(doc[n].get_textpage().get_text_range() for n in range(len(doc)))
    # The strips' labels come from the SVG frames, set in the bundled font as text.
    assert "input 5×5" in whole and "output 2×2" in whole


def test_pdf_pages_render_and_are_not_blank(tmp_path) -> None:
    doc = _pdf()
    for n in range(len(doc)):
        image = doc[n].render(scale=0.5).to_pil().convert("L")
        pixels = np.asarray(image)
        ink = (pixels < 128).mean()
        assert 0.0005 < ink < 0.5, f"page {n + 1}: {ink:.3%} dark pixels"
        image.save(tmp_path / f"page-{n + 1:02d}.png")
    assert len(list(tmp_path.glob("page-*.png"))) == len(doc)


def test_html_is_one_self_contained_page() -> None:
    html = built("html").decode()
    assert html.startswith("<!DOCTYPE html>")
    # No address outside the page: only data URLs, anchors and the cited report's links.
    for attribute, value in re.findall(r'\s(src|href|srcset)="([^"]*)"', html):
        assert value.startswith(("data:", "#", "https://arxiv.org/")), (attribute, value[:60])
    assert "@import" not in html and "url(http" not in html
    assert html.count("<math") > 60
    assert "prefers-color-scheme:dark" in html and "font-family:'Convarith Math'" in html


def test_html_has_every_figure_in_two_themes_with_its_command() -> None:
    html = built("html").decode()
    for fig in guide_figures():
        block = html[html.index(f'id="fig-{fig.name}"') :]
        assert block.index('media="(prefers-color-scheme: dark)"') < block.index("<img")
        after = block[block.index("</figure>") :]
        command = fig.command().replace("&", "&amp;")
        assert after.startswith(f'</figure><pre class="command"><code>{command}</code>'), fig.name


def test_internal_links_resolve_in_the_html() -> None:
    html = built("html").decode()
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    targets = set(re.findall(r'href="#([^"]+)"', html))
    assert targets and targets <= ids, targets - ids
    assert {"relationship-6", "ref-dumoulin", "reference"} <= targets


@pytest.mark.parametrize("kind", ["pdf", "html"])
def test_build_refuses_other_kinds(kind: str) -> None:
    from convarith.core.errors import ConvArithError

    with pytest.raises(ConvArithError, match="must be one of pdf, html"):
        build_guide(kind + "x")
