"""The guide as one Typst document, compiled to PDF or to HTML.

:func:`guide_source` assembles the chapters under a preamble that defines
how a formula, a worked example and a figure look in each output;
:func:`compile_guide` writes the figures beside it (frame strips as vector
SVG for the PDF, animated SVGs in both themes for the HTML) and runs the
typesetter.  The source is the same for both outputs: only the figures'
data, read from ``figures.json``, differ.
"""

from __future__ import annotations

import json
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Literal

from convarith.core.version import __version__
from convarith.guide.chapters import chapters
from convarith.guide.embedding import figure_data

TYPE_CHECKING = False
if TYPE_CHECKING:
    from convarith.guide.figures import GuideFigure

__all__ = ["KINDS", "compile_guide", "guide_figures", "guide_source"]

#: What the guide can be written as: the extension and the typesetter's format.
KINDS: dict[str, Literal["pdf", "html"]] = {"pdf": "pdf", "html": "html"}

#: The date the document states (PDF metadata): fixed, so that the same
#: version writes the same bytes.
DATE = (2026, 12, 1)

TITLE = "Convolution arithmetic"

PREAMBLE = r"""
#let figs = json("figures.json")
#set document(title: "__TITLE__", author: "convarith __VERSION__",
  date: datetime(year: __YEAR__, month: __MONTH__, day: __DAY__))
#set text(font: "Libertinus Serif", size: 10.5pt, lang: "en")
#show raw: set text(font: "DejaVu Sans Mono", size: 0.85em)
#set heading(numbering: "1.1")
#set par(justify: true)
#show link: it => context if target() == "html" { it } else { text(fill: rgb("#1d5fa8"), it) }
#show: body => context if target() == "html" { body } else {
  set page(paper: "a4", margin: (x: 2.3cm, top: 2.2cm, bottom: 2.4cm), numbering: "1")
  body
}
#show heading.where(level: 1): it => context if target() == "html" { it } else {
  v(0.6em); it; v(0.3em)
}
#show figure.caption: it => context if target() == "html" { it } else { text(size: 9.5pt, it) }

#let wide(body) = context if target() == "html" {
  html.elem("div", attrs: (class: "wide"), body)
} else { align(center, body) }

#let formula(key, body) = context {
  let number = if key.starts-with("relationship-") { key.slice(13) } else { none }
  if target() == "html" {
    html.elem("div", attrs: (class: "formula", id: "f-" + key), {
      body
      if number != none { html.elem("span", attrs: (class: "tag"), [Relationship #number]) }
    })
  } else if number != none {
    grid(columns: (1fr, auto), align: horizon, body,
      text(size: 9pt, fill: luma(90))[(Relationship #number)])
  } else { body }
}

#let worked(key, values, body) = context {
  if target() == "html" {
    html.elem("div", attrs: (class: "worked"), {
      html.elem("p", [_Example:_ with #values,])
      html.elem("div", attrs: (class: "formula"), body)
    })
  } else {
    block(breakable: false, [_Example:_ with #values, #body])
  }
}

#let keyed(key, body) = body

#let product(name, body) = context {
  if target() == "html" { html.elem("div", attrs: (class: "formula"), math.equation(block: true, body)) }
  else { math.equation(block: true, body) }
}

#let anim(name) = {
  let f = figs.at(name)
  let caption = eval(f.caption, mode: "markup")
  context if target() == "html" {
    [#figure(
      html.elem("picture", {
        html.elem("source", attrs: (media: "(prefers-color-scheme: dark)", srcset: f.dark))
        html.elem("img", attrs: (src: f.light, alt: f.alt, width: str(f.width),
          height: str(f.height)))
      }),
      caption: caption,
    ) #label("fig-" + name)]
    html.elem("pre", attrs: (class: "command"), html.elem("code", f.command))
  } else {
    let columns = calc.min(f.frames.len(), f.columns)
    [#figure(
      block(width: 100%, {
        grid(columns: (1fr,) * columns, column-gutter: 4pt, row-gutter: 6pt,
          ..f.frames.map(frame => align(center, stack(spacing: 2pt,
            image(frame.path, width: 100%),
            text(size: 7pt, fill: luma(110))[frame #frame.number]))))
        v(2pt)
        align(center, text(size: 7.5pt, raw(f.command)))
      }),
      caption: caption,
      gap: 6pt,
    ) #label("fig-" + name)]
  }
}

#let subtitle = [A guide to the sizes of convolutions, transposed convolutions, dilated
  convolutions and pooling, with every number, formula and figure computed by convarith
  __VERSION__]
#context if target() == "html" {
  html.elem("header", {
    html.elem("h1", attrs: (class: "title"), [__TITLE__])
    html.elem("p", attrs: (class: "subtitle"), subtitle)
  })
} else {
  align(center)[
    #text(size: 22pt, weight: "bold")[__TITLE__]
    #v(0.2em)
    #text(size: 12pt, subtitle)
  ]
  v(0.6em)
}
#outline(depth: 2)
"""


def guide_source() -> tuple[str, list[GuideFigure]]:
    """The whole guide's Typst source and its figures, in order.

    Examples
    --------
    >>> source, figures = guide_source()
    >>> "= Convolution arithmetic <convolution-arithmetic>" in source
    True
    >>> len({f.name for f in figures}) == len(figures)
    True

    """
    return _source()


@lru_cache(maxsize=1)
def _source() -> tuple[str, list[GuideFigure]]:
    year, month, day = DATE
    head = (
        PREAMBLE.replace("__TITLE__", TITLE)
        .replace("__VERSION__", __version__)
        .replace("__YEAR__", str(year))
        .replace("__MONTH__", str(month))
        .replace("__DAY__", str(day))
    )
    parts = [head]
    figures: list[GuideFigure] = []
    for markup, shown in chapters():
        parts.append(markup)
        figures += shown
    return "".join(parts), figures


def guide_figures() -> list[GuideFigure]:
    """Every figure of the guide, in order (what the reproduction test runs).

    Examples
    --------
    >>> [f.name for f in guide_figures()][:2]
    ['numerical_no_padding_no_strides', 'no_padding_no_strides']

    """
    return list(_source()[1])


def compile_guide(kind: str) -> bytes:
    """The guide typeset as ``kind`` (``"pdf"`` or ``"html"``): the file's bytes.

    Examples
    --------
    >>> compile_guide("pdf")[:5]
    b'%PDF-'

    """
    import typst

    from convarith.figure.fonts import font_path

    source, figures = guide_source()
    with tempfile.TemporaryDirectory(prefix="convarith-guide-") as folder:
        root = Path(folder)
        data = {f.name: figure_data(f, kind, root) for f in figures}
        (root / "figures.json").write_text(json.dumps(data), encoding="utf-8")
        (root / "guide.typ").write_text(source, encoding="utf-8")
        compiler = typst.Compiler(
            str(root / "guide.typ"),
            root=str(root),
            font_paths=[str(font_path(False).parent)],
            ignore_system_fonts=True,
        )
        result = compiler.compile(format=KINDS[kind], timestamp=_timestamp())
    assert isinstance(result, bytes)
    return result


def _timestamp() -> int:
    import calendar

    return calendar.timegm((*DATE, 12, 0, 0))
