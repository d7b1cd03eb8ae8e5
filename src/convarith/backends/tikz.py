"""TikZ backend: a standalone LaTeX document, one ``tikzpicture`` (page) per frame.

The output is meant to be read and pasted into papers: one primitive per
line, colours defined once in the preamble under names that spell their hex
value, coordinates in points with the origin at the bottom-left corner (so
canvas ``y`` is flipped).  The points are PDF points (TeX's ``bp``, not its
slightly smaller ``pt``), so a page is exactly the size of the same frame
from the PDF backend.  It compiles with plain ``pdflatex``: text uses
LaTeX's default font, each node scaled to the figure's font size, and the few
non-ASCII symbols that labels use become math-mode equivalents.
"""

from __future__ import annotations

import unicodedata

from convarith.backends.vector import POINTS_PER_UNIT, dash_pattern, number
from convarith.core.limits import check_scale
from convarith.figure.checks import check_durations
from convarith.figure.fonts import metrics
from convarith.figure.primitives import Color, Figure, Polygon, Primitive, Text

__all__ = ["latex_text", "tikz_document"]

# Each text node scales LaTeX's font at this nominal size, whatever the
# size of the document it is pasted into.
_BASE_SIZE = 10.0
_FONT = r"\fontsize{10}{12}\selectfont"
_ANCHORS = {"start": "base west", "middle": "base", "end": "base east"}

_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
    # The default OT1 encoding has no glyphs for these in text mode.
    "<": "$<$",
    ">": "$>$",
    "|": "$|$",
    '"': "''",
    "\u00a0": "~",
    "\u00ad": "",
}

_MATH = {
    "×": r"\times",
    "−": "-",
    "±": r"\pm",
    "÷": r"\div",
    "·": r"\cdot",
    "°": r"^\circ",
    "′": r"{}^\prime",
    "″": r"{}^{\prime\prime}",
    "→": r"\rightarrow",
    "←": r"\leftarrow",
    "↑": r"\uparrow",
    "↓": r"\downarrow",
    "↔": r"\leftrightarrow",
    "⌊": r"\lfloor",
    "⌋": r"\rfloor",
    "⌈": r"\lceil",
    "⌉": r"\rceil",
    "ᵀ": r"{}^{\mathsf{T}}",
    "∗": r"\ast",
    "⊙": r"\odot",
    "⊛": r"\circledast",
    "√": r"\surd",
    "∞": r"\infty",
    "≈": r"\approx",
    "≠": r"\neq",
    "≤": r"\leq",
    "≥": r"\geq",
    "∑": r"\sum",
    "∏": r"\prod",
    "‖": r"\|",
    "•": r"\bullet",
    "¬": r"\neg",
    "µ": r"\mu",
    "α": r"\alpha",
    "β": r"\beta",
    "γ": r"\gamma",
    "δ": r"\delta",
    "θ": r"\theta",
    "λ": r"\lambda",
    "μ": r"\mu",
    "σ": r"\sigma",
    "¹": "^{1}",
    "²": "^{2}",
    "³": "^{3}",
    "¼": r"\frac{1}{4}",
    "½": r"\frac{1}{2}",
    "¾": r"\frac{3}{4}",
    **{chr(0x2070 + d): f"^{{{d}}}" for d in (0, 4, 5, 6, 7, 8, 9)},
    **{chr(0x2080 + d): f"_{{{d}}}" for d in range(10)},
}

_TEXT = {
    "–": "--",
    "—": "---",
    "‘": "`",
    "’": "'",
    "“": "``",
    "”": "''",
    "…": r"\ldots{}",
    "ß": r"\ss{}",
    "æ": r"\ae{}",
    "Æ": r"\AE{}",
    "ø": r"\o{}",
    "Ø": r"\O{}",
    "§": r"\S{}",
    "¶": r"\P{}",
    "©": r"\copyright{}",
    "£": r"\pounds{}",
    "¡": "!`",
    "¿": "?`",
}

# Accents that LaTeX draws over any letter in its default encoding.
_ACCENTS = {
    "\u0300": "`",
    "\u0301": "'",
    "\u0302": "^",
    "\u0303": "~",
    "\u0308": '"',
    "\u030a": "r",
    "\u0327": "c",
}
_NEEDS_AMSSYMB = ("⊛",)


def latex_text(text: str) -> str:
    r"""``text`` as LaTeX for plain ``pdflatex`` (default font and encoding).

    Special characters are escaped, symbols become math mode, accented
    letters become accent commands, and anything else that the bundled font
    would also lack becomes ``?``.

    Examples
    --------
    >>> print(latex_text("input 5×5, 100% ⌊x/2⌋"))
    input 5$\times$5, 100\% $\lfloor$x/2$\rfloor$

    """
    out = []
    previous = ""
    for char in text:
        if char in _ESCAPES:
            piece = _ESCAPES[char]
        elif char in _MATH:
            piece = f"${_MATH[char]}$"
        elif char in _TEXT:
            piece = _TEXT[char]
        elif " " <= char <= "~":
            # Keep "--" and "``" from becoming ligatures they did not mean.
            piece = "{}" + char if char in "-`'" and previous == char else char
        else:
            piece = _accented(char)
        out.append(piece)
        previous = char
    return "".join(out)


def _accented(char: str) -> str:
    parts = unicodedata.normalize("NFD", char)
    if len(parts) == 2 and parts[0].isascii() and parts[0].isalpha() and parts[1] in _ACCENTS:
        base = {"i": r"\i{}"}.get(parts[0], parts[0])
        accent = _ACCENTS[parts[1]]
        return f"\\{accent}{{{base}}}"
    return "?"


def tikz_document(figure: Figure, *, scale: float = 1.0) -> str:
    r"""A standalone LaTeX document with one ``tikzpicture`` per frame of ``figure``.

    Parameters
    ----------
    figure
        The drawing.
    scale
        Size factor: one canvas unit is ``0.5 * scale`` points, as in the PDF
        backend, and each page is the canvas.

    Returns
    -------
    str
        LaTeX source; ``pdflatex`` makes it a PDF with one page per frame.

    Examples
    --------
    >>> from convarith.figure.primitives import Figure, StaticLayer, Polyline
    >>> line = Polyline(((0, 0), (20, 10)), stroke=(0, 43, 54), stroke_width=2, dash=(4, 2))
    >>> source = tikz_document(Figure(20, 10, (StaticLayer((line,)),), (1000,)))
    >>> print(source.splitlines()[-3])
    \draw[draw=c002b36, line width=1bp, dash pattern=on 2bp off 1bp] (0,5) -- (10,0);

    """
    scale = check_scale(scale)
    check_durations(figure.durations)  # a document needs a page
    writer = _Writer(figure, POINTS_PER_UNIT * scale)
    pictures = [writer.picture(i) for i in range(figure.frame_count)]
    return "\n".join([*writer.preamble(), r"\begin{document}", *pictures, r"\end{document}", ""])


def _color_name(color: Color) -> str:
    return "c{:02x}{:02x}{:02x}".format(*color)


class _Writer:
    """Writes the pictures and records the colours and packages they use."""

    def __init__(self, figure: Figure, k: float) -> None:
        self.figure = figure
        self.k = k
        self.colors: dict[str, Color] = {}
        self.amssymb = False

    def preamble(self) -> list[str]:
        title = " ".join(self.figure.title.split())
        lines = [f"% {title}" if title else "% convarith figure", "% Generated by convarith."]
        lines.append(r"\documentclass[tikz,border=0pt]{standalone}")
        if self.amssymb:
            lines.append(r"\usepackage{amssymb}")
        lines.extend(
            rf"\definecolor{{{name}}}{{RGB}}{{{r},{g},{b}}}"
            for name, (r, g, b) in sorted(self.colors.items())
        )
        return lines

    def color(self, color: Color) -> str:
        name = _color_name(color)
        self.colors[name] = color
        return name

    def xy(self, point: tuple[float, float]) -> str:
        x, y = point
        return f"({number(x * self.k)},{number((self.figure.height - y) * self.k)})"

    def picture(self, index: int) -> str:
        figure = self.figure
        corner = f"({number(figure.width * self.k)},{number(figure.height * self.k)})"
        lines = [
            f"% frame {index + 1} of {figure.frame_count}",
            r"\begin{tikzpicture}[x=1bp, y=1bp, line cap=butt, line join=miter, miter limit=10, "
            rf"inner sep=0pt, outer sep=0pt, every node/.style={{font={_FONT}}}]",
            # Fixed first, so that strokes at the edges do not grow the page.
            rf"\useasboundingbox (0,0) rectangle {corner};",
        ]
        if figure.background is not None:
            lines.append(rf"\fill[{self.color(figure.background)}] (0,0) rectangle {corner};")
        for primitive in figure.frame(index):
            line = self.primitive(primitive)
            if line:
                lines.append(line)
        lines.append(r"\end{tikzpicture}")
        return "\n".join(lines)

    def primitive(self, p: Primitive) -> str:
        if isinstance(p, Text):
            return self.text(p)
        fill = p.fill if isinstance(p, Polygon) and len(p.points) > 2 else None
        stroke = p.stroke if p.stroke_width > 0 and len(p.points) > 1 else None
        if fill is None and stroke is None:
            return ""
        options = []
        if fill is not None:
            options.append(f"fill={self.color(fill)}")
            if isinstance(p, Polygon) and p.fill_opacity != 1:
                options.append(f"fill opacity={number(p.fill_opacity)}")
        if stroke is not None:
            options.append(f"draw={self.color(stroke)}")
            options.append(f"line width={number(p.stroke_width * self.k)}bp")
            if p.stroke_opacity != 1:
                options.append(f"draw opacity={number(p.stroke_opacity)}")
            dash = dash_pattern(p.dash)
            if dash is not None:
                on, off = (number(d * self.k) for d in dash)
                options.append(f"dash pattern=on {on}bp off {off}bp")
        command = r"\draw" if fill is None else r"\fill" if stroke is None else r"\filldraw"
        path = " -- ".join(self.xy(point) for point in p.points)
        closing = " -- cycle" if isinstance(p, Polygon) else ""
        return f"{command}[{', '.join(options)}] {path}{closing};"

    def text(self, t: Text) -> str:
        if not t.text:
            return ""
        self.amssymb = self.amssymb or any(c in t.text for c in _NEEDS_AMSSYMB)
        # The bundled font's baseline, so that labels sit where the other
        # backends put them, whatever LaTeX font draws them.
        x, y = t.position
        baseline = (x, y + metrics(t.bold).baseline_shift(t.size))
        # Three decimals: a scale is a ratio, and 0.005 of it shows on long labels.
        ratio = f"{t.size * self.k / _BASE_SIZE:.3f}".rstrip("0").rstrip(".")
        options = [f"anchor={_ANCHORS[t.anchor]}", f"scale={ratio}", f"text={self.color(t.color)}"]
        if t.bold:
            options.append(f"font={_FONT}\\bfseries\\boldmath")
        if t.opacity != 1:
            options.append(f"text opacity={number(t.opacity)}")
        return rf"\node[{', '.join(options)}] at {self.xy(baseline)} {{{latex_text(t.text)}}};"
