"""The HTML edition's finishing: its style sheet (light and dark, narrow and wide) and math font.

The typesetter writes the page's structure and MathML; this module adds one
style sheet to its head, with the math font embedded, so that the page reads
the same on a phone and on a desktop, follows the reader's light or dark
setting, and needs nothing from the network.
"""

from __future__ import annotations

import re

from convarith.guide.embedding import math_font_css

__all__ = ["STYLE", "finish_html", "tidy_mathml"]

STYLE = """
:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fdfdfc;--muted:#5b6470;--rule:#d5d9de;
--code:#f1f3f5;--link:#1d5fa8}
@media (prefers-color-scheme:dark){:root{--fg:#e4e7eb;--bg:#15181c;--muted:#9aa4ae;
--rule:#39414a;--code:#20252b;--link:#7fb3ff}}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0 auto;max-width:46rem;padding:1.2rem 1rem 4rem;background:var(--bg);color:var(--fg);
font:17px/1.6 Georgia,'Libertinus Serif','Times New Roman',serif;overflow-wrap:break-word}
h1,h2,h3{line-height:1.25;margin-top:2.2rem}
h1{font-size:1.9rem}h1.title{font-size:2.2rem;margin:1rem 0 .4rem}
.subtitle{color:var(--muted);margin-top:0}h2{font-size:1.45rem}h3{font-size:1.2rem}
a{color:var(--link)}
nav[role=doc-toc] ol{padding-left:1.1rem}nav[role=doc-toc] li{margin:.15rem 0}
nav[role=doc-toc] ol ol{padding-left:1.4rem}
figure{margin:1.6rem 0 .4rem;text-align:center}
figure img{max-width:100%;height:auto}
figcaption{font-size:.92rem;color:var(--muted);margin-top:.3rem;text-align:left}
pre.command{margin:.2rem 0 1.4rem;padding:.5rem .7rem;background:var(--code);border-radius:4px;
overflow-x:auto;font-size:.8rem;white-space:pre}
code{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:.88em}
.formula{display:flex;flex-wrap:wrap;align-items:center;column-gap:1rem;overflow-x:auto;
margin:.8rem 0}
.formula math{flex:1 1 auto}
.formula .tag{flex:none;margin-left:auto;font-size:.85rem;color:var(--muted)}
@media (max-width:480px){body{font-size:16px}math[display=block]{font-size:.95em}}
math{font-size:1.08em}
math[display=block]{overflow-x:auto;overflow-y:hidden;max-width:100%}
p.worked{overflow-x:auto}
.wide{overflow-x:auto;margin:1rem 0;max-width:100%}
table{border-collapse:collapse;font-size:.92rem}
td,th{border-bottom:1px solid var(--rule);padding:.3rem .55rem;text-align:left;vertical-align:top}
ul{padding-left:1.2rem}li code{white-space:normal;word-break:break-all}
"""


def tidy_mathml(page: str) -> str:
    """Two changes to the typesetter's MathML for how browsers draw it.

    Chromium puts wide gaps inside stretchy parentheses even when nothing in
    them is taller than a letter (``d ( k - 1 )``), and draws a prime that is
    already a raised glyph as a superscript, raising it twice.  Parentheses
    are written non-stretchy (no formula of the guide puts a fraction inside
    them: a division's parentheses become the fraction bar) and a prime
    follows its letter.

    Examples
    --------
    >>> tidy_mathml("<mi>d</mi><mrow><mo>(</mo><mi>k</mi><mo>)</mo></mrow>")
    '<mi>d</mi><mrow><mo stretchy="false">(</mo><mi>k</mi><mo stretchy="false">)</mo></mrow>'
    >>> tidy_mathml("<msup><mi>𝑜</mi><mo>′</mo></msup>")
    '<mrow><mi>𝑜</mi><mo>′</mo></mrow>'

    """
    page = page.replace("<mo>(</mo>", '<mo stretchy="false">(</mo>')
    page = page.replace("<mo>)</mo>", '<mo stretchy="false">)</mo>')
    return re.sub(r"<msup>(<mi>[^<]*</mi>)<mo>′</mo></msup>", r"<mrow>\1<mo>′</mo></mrow>", page)


def finish_html(html: bytes) -> bytes:
    """The typesetter's page with the guide's style sheet and math font in its head.

    Examples
    --------
    >>> page = finish_html(b"<html><head><title>t</title></head><body><math><mn>1</mn></math></body></html>")
    >>> b"prefers-color-scheme:dark" in page and b"@font-face" in page
    True

    """
    page = tidy_mathml(html.decode("utf-8"))
    head_end = page.index("</head>")
    css = STYLE.replace("\n", "") + math_font_css(page)
    style = f'<meta name="color-scheme" content="light dark"><style>{css}</style>'
    return (page[:head_end] + style + page[head_end:]).encode("utf-8")
