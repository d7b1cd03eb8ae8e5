"""PDF page content: the drawing operators of one frame, and what they use.

:class:`Painter` writes a frame's content stream in canvas units, tracking the
graphics state (colours, line width, dash, opacity) so that runs of alike
primitives, the common case, do not repeat operators.  A static layer draws
the same in every frame, so its operators are written once per figure and
entry state, and reused by every page (:meth:`Painter.page`).  Each page also
says what it uses (:class:`Uses`): the characters of each face, for the font
subsets, and the opacity states, for the resources.

Numbers are written as short as PDF allows (:func:`pdf_number`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from convarith.backends.vector import dash_pattern
from convarith.figure.fonts import metrics
from convarith.figure.primitives import (
    Color,
    Figure,
    Polygon,
    Polyline,
    Primitive,
    StaticLayer,
    Text,
)

__all__ = ["BOLD", "FONT", "MISSING", "Painter", "Uses", "cid", "opacity_name", "pdf_number", "rgb"]

#: Resource name of the embedded font, which holds both faces.
FONT = "/F0"
#: Character ids of the bold face start here (a regular character's id is its code point).
BOLD = 0x4000
#: Drawn instead of a character the font lacks (``?``), as the layout measured it.
MISSING = 0x3F

# Graphics state: fill colour, stroke colour, dash, line width, (fill, stroke) opacity.
_State = tuple[str, str, str, float, tuple[float, float]]
_START: _State = ("", "", "", -1.0, (1.0, 1.0))

_NUMBERS: dict[float, str] = {}


def pdf_number(value: float) -> str:
    """``value`` with at most two decimals, as short as PDF reads it.

    No trailing zeros, no leading zero before the point, no ``-0``: two
    decimals of a canvas unit (1/200 pt at scale 1) are far below what any
    viewer resolves.

    Examples
    --------
    >>> [pdf_number(v) for v in (12.0, 0.5, -0.25, -0.001, 3.14159, 100.10, 1e-7)]
    ['12', '.5', '-.25', '0', '3.14', '100.1', '0']
    """
    found = _NUMBERS.get(value)
    if found is not None:
        return found
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    if text.startswith("0."):
        text = text[1:]
    elif text.startswith("-0."):
        text = "-" + text[2:]
    if text in ("-0", ""):
        text = "0"
    if len(_NUMBERS) < 100_000:  # coordinates recur from frame to frame
        _NUMBERS[value] = text
    return text


def rgb(color: Color) -> str:
    """An 8-bit colour as PDF's three fractions: three decimals keep every channel exact.

    >>> rgb((255, 0, 38))
    '1 0 .149'
    """
    return " ".join(_CHANNELS[c] for c in color)


_CHANNELS = [f"{c / 255:.3f}".rstrip("0").rstrip(".").lstrip("0") or "0" for c in range(256)]


def opacity_name(fill: float, stroke: float) -> str:
    """The resource name of an opacity state: it says the values, so it is the same on every page.

    >>> opacity_name(0.4, 1.0)
    '/a.4_1'
    """
    return f"/a{pdf_number(fill)}_{pdf_number(stroke)}"


def cid(bold: bool, code: int) -> int:
    """The character id that prints ``code`` in one face of the embedded font.

    >>> cid(False, 0x41), hex(cid(True, 0x41))
    (65, '0x4041')
    """
    return code + BOLD if bold else code


@dataclass
class Uses:
    """What a page draws with: characters (``(bold, code point)``), opacity states."""

    chars: set[tuple[bool, int]] = field(default_factory=set)
    opacities: dict[str, tuple[float, float]] = field(default_factory=dict)

    def add(self, other: Uses) -> None:
        """Add what ``other`` uses."""
        self.chars.update(other.chars)
        self.opacities.update(other.opacities)


class Painter:
    """Writes the content streams of one figure's pages, ``k`` points per canvas unit.

    Examples
    --------
    >>> from convarith.figure.primitives import Figure, StaticLayer, Text
    >>> label = Text((20, 10), "ab", 12, (0, 0, 0), bold=True)
    >>> content, uses = Painter(Figure(40, 20, (StaticLayer((label,)),), (100,)), 0.5).page(0)
    >>> content.splitlines()[0], sorted(uses.chars)
    ('.5 0 0 -.5 0 10 cm', [(True, 97), (True, 98)])
    """

    def __init__(self, figure: Figure, k: float) -> None:
        self.figure = figure
        # Flip y so that canvas coordinates are written as they are.  PDF's
        # defaults are butt caps, mitred joins and a miter limit of 10: as wanted.
        head = [f"{pdf_number(k)} 0 0 {pdf_number(-k)} 0 {pdf_number(figure.height * k)} cm"]
        if figure.background is not None:
            width, height = pdf_number(figure.width), pdf_number(figure.height)
            head.append(f"{rgb(figure.background)} rg 0 0 {width} {height} re f")
        self.head = "\n".join(head)
        # (layer position, state on entry) -> (operators, state after, what they use)
        self._static: dict[tuple[int, _State], tuple[str, _State, Uses]] = {}
        self._set(_START)

    def _state(self) -> _State:
        return (self.fill, self.stroke, self.dash, self.width, self.alpha)

    def _set(self, state: _State) -> None:
        self.fill, self.stroke, self.dash, self.width, self.alpha = state

    def page(self, index: int) -> tuple[str, Uses]:
        """Content stream of frame ``index`` (uncompressed), and what it uses."""
        self._set(_START)  # every page starts from the PDF defaults
        out = [self.head]
        uses = Uses()
        for position, layer in enumerate(self.figure.layers):
            if isinstance(layer, StaticLayer):
                key = (position, self._state())
                found = self._static.get(key)
                if found is None:
                    chunk: list[str] = []
                    used = Uses()
                    for primitive in layer.primitives:
                        self.draw(primitive, chunk, used)
                    found = self._static[key] = ("\n".join(chunk), self._state(), used)
                operators, after, used = found
                self._set(after)
                if operators:
                    out.append(operators)
                uses.add(used)
            else:
                for primitive in layer.frames[index]:
                    self.draw(primitive, out, uses)
        return "\n".join(out), uses

    def draw(self, p: Primitive, out: list[str], uses: Uses) -> None:
        """Append the operators that draw ``p``."""
        if isinstance(p, Text):
            self.text(p, out, uses)
            return
        fill = p.fill if isinstance(p, Polygon) and len(p.points) > 2 else None
        stroke = p.stroke if p.stroke_width > 0 and len(p.points) > 1 else None
        if fill is None and stroke is None:
            return
        self.opacity(
            self.alpha[0] if fill is None else p.fill_opacity if isinstance(p, Polygon) else 1.0,
            self.alpha[1] if stroke is None else p.stroke_opacity,
            out,
            uses,
        )
        if fill is not None:
            self.fill_color(fill, out)
        if stroke is not None:
            self.stroke_style(stroke, p.stroke_width, dash_pattern(p.dash), out)
        path = [f"{pdf_number(x)} {pdf_number(y)} l" for x, y in p.points]
        path[0] = path[0][:-1] + "m"
        if isinstance(p, Polyline):
            path.append("S")
        else:
            path.append("f" if stroke is None else "s" if fill is None else "b")
        out.append(" ".join(path))

    def text(self, t: Text, out: list[str], uses: Uses) -> None:
        """Append the operators that print ``t`` (code points as character ids)."""
        if not t.text:
            return
        font = metrics(t.bold)
        self.opacity(t.opacity, self.alpha[1], out, uses)
        self.fill_color(t.color, out)
        codes = [ord(c) if ord(c) in font.glyph_ids else MISSING for c in t.text]
        uses.chars.update((t.bold, c) for c in codes)
        x, y = t.position
        if t.anchor != "start":
            width = sum(font.widths[c] for c in codes) * t.size / font.units_per_em
            x -= width / 2 if t.anchor == "middle" else width
        y += font.baseline_shift(t.size)
        glyphs = "".join(f"{cid(t.bold, c):04X}" for c in codes)
        out.append(
            f"BT {FONT} {pdf_number(t.size)} Tf 1 0 0 -1 {pdf_number(x)} "
            f"{pdf_number(y)} Tm <{glyphs}> Tj ET"
        )

    def opacity(self, fill: float, stroke: float, out: list[str], uses: Uses) -> None:
        """Set the (fill, stroke) opacity, if it changes."""
        if (fill, stroke) == self.alpha:
            return
        self.alpha = (fill, stroke)
        name = opacity_name(fill, stroke)
        uses.opacities[name] = self.alpha
        out.append(f"{name} gs")

    def fill_color(self, color: Color, out: list[str]) -> None:
        """Set the fill colour, if it changes."""
        value = rgb(color)
        if value != self.fill:
            self.fill = value
            out.append(f"{value} rg")

    def stroke_style(
        self, color: Color, width: float, dash: tuple[float, float] | None, out: list[str]
    ) -> None:
        """Set the stroke colour, width and dash, where they change."""
        value = rgb(color)
        if value != self.stroke:
            self.stroke = value
            out.append(f"{value} RG")
        if width != self.width:
            self.width = width
            out.append(f"{pdf_number(width)} w")
        pattern = "[] 0 d" if dash is None else f"[{pdf_number(dash[0])} {pdf_number(dash[1])}] 0 d"
        if pattern != self.dash:
            self.dash = pattern
            out.append(pattern)
