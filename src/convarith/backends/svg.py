"""SVG backend: one frame as a static SVG, or the whole figure as one animated SVG.

The animated file plays in a browser without scripts: static layers are
written once, and each frame's dynamic primitives sit in a group whose
``visibility`` a discrete SMIL ``<animate>`` switches on for that frame's
time slot.  A viewer without SMIL (or a rasteriser such as resvg) shows the
first frame.  The bundled font is embedded as a base64 ``@font-face`` so the
labels look the same on a machine without it.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from convarith.backends.vector import (
    dash_pattern,
    number,
)
from convarith.core.limits import check_scale
from convarith.figure.checks import check_durations, check_frame
from convarith.figure.fonts import font_path, metrics
from convarith.figure.primitives import (
    Color,
    Figure,
    Polygon,
    Polyline,
    Primitive,
    StaticLayer,
    Text,
)

__all__ = ["animated_svg", "frame_svg"]

_FAMILY = "Convarith Sans"
# The fallbacks only matter when the caller asks for no embedded font and
# the viewer does not have the bundled one installed.
_FONT_STACK = f"'{_FAMILY}', 'DejaVu Sans', sans-serif"


def frame_svg(figure: Figure, index: int, *, scale: float = 1.0, embed_font: bool = True) -> str:
    """Frame ``index`` of ``figure`` as a standalone static SVG document.

    Parameters
    ----------
    figure
        The drawing.
    index
        Frame number, ``0 <= index < figure.frame_count``.
    scale
        Output size factor: the SVG is ``scale * figure.width`` pixels wide;
        coordinates stay in canvas units through the ``viewBox``.
    embed_font
        Embed the bundled font (about 50 KB per weight) when the frame has
        text.  Pass ``False`` when the renderer loads
        :func:`convarith.figure.fonts.font_path` itself.

    Returns
    -------
    str
        The SVG document.

    Examples
    --------
    >>> from convarith.figure.primitives import Figure, StaticLayer, Polygon
    >>> square = Polygon(((0, 0), (10, 0), (10, 10), (0, 10)), fill=(38, 139, 210))
    >>> svg = frame_svg(Figure(20, 20, (StaticLayer((square,)),), (1000,)), 0)
    >>> '<polygon points="0,0 10,0 10,10 0,10" fill="#268bd2"/>' in svg
    True

    """
    scale = check_scale(scale)
    check_frame(figure, index)
    primitives = list(figure.frame(index))
    body = [_primitive(p) for p in primitives]
    return _document(figure, scale, _bold_weights(primitives) if embed_font else set(), body)


def animated_svg(figure: Figure, *, scale: float = 1.0, embed_font: bool = True) -> str:
    """The whole figure as one self-contained animated SVG (SMIL, no scripts).

    Frame ``n`` is shown for ``figure.durations[n]`` milliseconds; the
    animation repeats forever when ``figure.loop`` is true and otherwise stops
    on the last frame.

    Parameters
    ----------
    figure
        The drawing.
    scale
        Output size factor (see :func:`frame_svg`).
    embed_font
        Embed the bundled font when the figure has text (see :func:`frame_svg`).

    Returns
    -------
    str
        The SVG document.

    Examples
    --------
    >>> from convarith.figure.primitives import DynamicLayer, Figure, Polygon
    >>> dots = [Polygon(((x, 0), (x + 5, 0), (x + 5, 5)), fill=(0, 0, 0)) for x in (0, 10)]
    >>> figure = Figure(20, 10, (DynamicLayer(((dots[0],), (dots[1],))),), (500, 1500))
    >>> svg = animated_svg(figure)
    >>> 'keyTimes="0;0.25"' in svg and 'dur="2000ms"' in svg
    True

    """
    scale = check_scale(scale)
    check_durations(figure.durations)
    timing = _Timing(figure.durations, figure.loop)
    body: list[str] = []
    used: list[Primitive] = []
    for layer in figure.layers:
        if isinstance(layer, StaticLayer):
            body.extend(_primitive(p) for p in layer.primitives)
            used.extend(layer.primitives)
            continue
        for index, primitives in enumerate(layer.frames):
            if not primitives:
                continue
            body.append(timing.group_start(index))
            body.extend(_primitive(p) for p in primitives)
            body.append("</g>")
            used.extend(primitives)
    return _document(figure, scale, _bold_weights(used) if embed_font else set(), body)


class _Timing:
    """Visibility animation of each frame's group, from the frame durations."""

    def __init__(self, durations: tuple[int, ...], loop: bool) -> None:
        self.count = len(durations)
        total = sum(durations)
        starts = [0]
        for duration in durations:
            starts.append(starts[-1] + duration)
        # keyTimes are fractions of the whole cycle; six decimals keep each
        # switch within a microsecond per second of animation.
        self.key = [_fraction(start / total) for start in starts]
        self.tail = (
            f' dur="{total}ms" calcMode="discrete" '
            + ('repeatCount="indefinite"' if loop else 'fill="freeze"')
            + "/>"
        )

    def group_start(self, index: int) -> str:
        """Opening tag of frame ``index``'s group, with its animation."""
        if self.count == 1:
            return "<g>"
        last = self.count - 1
        if index == 0:
            values, times = "visible;hidden", f"0;{self.key[1]}"
        elif index == last:
            values, times = "hidden;visible", f"0;{self.key[last]}"
        else:
            values, times = "hidden;visible;hidden", f"0;{self.key[index]};{self.key[index + 1]}"
        # Frame 0 is visible without animation, so viewers without SMIL show it.
        start = "<g>" if index == 0 else '<g visibility="hidden">'
        return (
            f'{start}<animate attributeName="visibility" values="{values}" keyTimes="{times}"'
            + self.tail
        )


def _escape(text: str) -> str:
    # xml.sax.saxutils.escape would do, but importing it pulls in urllib and
    # http.client: 35 ms for three replacements.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fraction(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def _document(figure: Figure, scale: float, weights: set[bool], body: list[str]) -> str:
    width, height = number(figure.width), number(figure.height)
    head = [
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{number(figure.width * scale)}" height="{number(figure.height * scale)}" '
        f'viewBox="0 0 {width} {height}" font-family="{_FONT_STACK}" '
        'stroke-linecap="butt" stroke-linejoin="miter" stroke-miterlimit="10">'
    ]
    if figure.title:
        head.append(f"<title>{_escape(figure.title)}</title>")
    if weights:
        faces = "".join(_font_face(bold) for bold in sorted(weights))
        head.append(f"<style>{faces}</style>")
    if figure.background is not None:
        head.append(f'<rect width="{width}" height="{height}" fill="{_hex(figure.background)}"/>')
    return "\n".join([*head, *body, "</svg>"]) + "\n"


@lru_cache(maxsize=2)
def _font_face(bold: bool) -> str:
    data = base64.b64encode(font_path(bold).read_bytes()).decode("ascii")
    return (
        f"@font-face{{font-family:'{_FAMILY}';font-weight:{700 if bold else 400};"
        f"src:url(data:font/ttf;base64,{data}) format('truetype')}}"
    )


def _bold_weights(primitives: list[Primitive]) -> set[bool]:
    """Which weights (``False`` regular, ``True`` bold) the primitives' text uses."""
    return {p.bold for p in primitives if isinstance(p, Text)}


def _hex(color: Color) -> str:
    return "#{:02x}{:02x}{:02x}".format(*color)


def _points(points: tuple[tuple[float, float], ...]) -> str:
    return " ".join(f"{number(x)},{number(y)}" for x, y in points)


def _stroke(
    color: Color | None, width: float, opacity: float, dash: tuple[float, float] | None
) -> str:
    if color is None or width <= 0:
        return ""
    text = f' stroke="{_hex(color)}" stroke-width="{number(width)}"'
    if opacity != 1:
        text += f' stroke-opacity="{number(opacity)}"'
    dash = dash_pattern(dash)
    if dash is not None:
        text += f' stroke-dasharray="{number(dash[0])} {number(dash[1])}"'
    return text


def _primitive(p: Primitive) -> str:
    if isinstance(p, Polygon):
        fill = "none" if p.fill is None else _hex(p.fill)
        text = f'<polygon points="{_points(p.points)}" fill="{fill}"'
        if p.fill is not None and p.fill_opacity != 1:
            text += f' fill-opacity="{number(p.fill_opacity)}"'
        return text + _stroke(p.stroke, p.stroke_width, p.stroke_opacity, p.dash) + "/>"
    if isinstance(p, Polyline):
        return (
            f'<polyline points="{_points(p.points)}" fill="none"'
            + _stroke(p.stroke, p.stroke_width, p.stroke_opacity, p.dash)
            + "/>"
        )
    return _text(p)


def _text(t: Text) -> str:
    x, y = t.position
    font = metrics(t.bold)
    # The contract puts the position halfway between ascender and descender;
    # writing that baseline ourselves avoids dominant-baseline, which
    # renderers interpret differently.
    baseline = y + font.baseline_shift(t.size)
    # A character the font lacks is drawn as "?", the width the layout measured,
    # rather than by whatever fallback font the viewer picks.
    content = "".join(c if ord(c) in font.glyph_ids else "?" for c in t.text)
    attributes = (
        f'<text x="{number(x)}" y="{number(baseline)}" font-size="{number(t.size)}" '
        f'text-anchor="{t.anchor}" fill="{_hex(t.color)}"'
    )
    if t.bold:
        attributes += ' font-weight="bold"'
    if t.opacity != 1:
        attributes += f' fill-opacity="{number(t.opacity)}"'
    if content != " ".join(content.split()):
        attributes += ' xml:space="preserve"'
    return f"{attributes}>{_escape(content)}</text>"
