"""What each output embeds: frame strips for the PDF, animations and fonts for the HTML.

The PDF shows a strip of frames per animation, each frame a static SVG from
the library's SVG backend (the typesetter keeps it vector and sets its
labels in the bundled font, as real text).  The HTML page is one file: each
animation is the backend's animated SVG as a data URL, in the light and the
dark theme, and the formulas' math font is embedded in the page's style
sheet.  An image in a page cannot use the page's fonts, so each SVG carries
its own font; to keep the page small, both fonts are cut down with
fontTools' subsetter to the characters actually shown (the whole labels
font is about 50 KB a weight, a subset a few KB).
"""

from __future__ import annotations

import base64
import io
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from convarith.guide.figures import STRIP_FRAMES, GuideFigure, strip_frames

__all__ = ["data_url", "figure_data", "math_font_css", "strip_columns", "subset_font"]

#: The bundled math font the HTML embeds (Latin Modern Math, GUST Font License).
MATH_FONT = Path(__file__).parent / "fonts" / "latinmodern-math.otf"
MATH_FAMILY = "Convarith Math"

#: Characters every subset of the math font keeps besides those of the page's
#: formulas: digits and the operators the notation uses.
_MATH_BASE = "0123456789+-−=()[]{},.'′⋅·⌊⌋⌈⌉ "


def data_url(mime: str, content: bytes) -> str:
    """``content`` as a ``data:`` URL.

    Examples
    --------
    >>> data_url("text/plain", b"hi")
    'data:text/plain;base64,aGk='

    """
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


@lru_cache(maxsize=64)
def subset_font(path: str, characters: str, flavor: str | None = "woff") -> bytes:
    """The font at ``path`` cut down to ``characters`` (WOFF by default).

    Examples
    --------
    >>> from convarith.figure.fonts import font_path
    >>> small = subset_font(str(font_path(False)), "0123")
    >>> small[:4], len(small) < font_path(False).stat().st_size
    (b'wOFF', True)

    """
    import logging

    from fontTools import subset
    from fontTools.ttLib import TTFont

    # The subsetter logs each table it drops (the math font's FFTM, say) as a warning.
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

    options = subset.Options()
    options.layout_features = ["*"]
    options.notdef_outline = True
    options.hinting = False
    font = TTFont(path, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    font.flavor = flavor
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _figure_text(figure: Any) -> dict[bool, str]:
    """The characters of a figure's labels and values, per weight (bold or not)."""
    from convarith.figure.primitives import StaticLayer, Text

    chars: dict[bool, set[str]] = {}
    for layer in figure.layers:
        groups = [layer.primitives] if isinstance(layer, StaticLayer) else layer.frames
        for primitives in groups:
            for p in primitives:
                if isinstance(p, Text):
                    chars.setdefault(p.bold, set()).update(p.text)
    return {bold: "".join(sorted(c | {"?"})) for bold, c in chars.items()}


def _animated_svg(fig: GuideFigure, theme: str) -> str:
    """The figure's animated SVG with only the glyphs it shows embedded."""
    from convarith.backends.svg import animated_svg
    from convarith.figure.fonts import font_path

    figure = fig.animation(theme).figure
    svg = animated_svg(figure, embed_font=False)
    faces = "".join(
        "@font-face{font-family:'Convarith Sans';"
        f"font-weight:{700 if bold else 400};"
        f"src:url({data_url('font/woff', subset_font(str(font_path(bold)), chars))}) format('woff')}}"
        for bold, chars in sorted(_figure_text(figure).items())
    )
    if not faces:
        return svg
    # The backend writes the root element alone on the first line.
    first, _, rest = svg.partition("\n")
    return f"{first}\n<style>{faces}</style>\n{rest}"


def figure_data(fig: GuideFigure, kind: str, root: Path) -> dict[str, Any]:
    """What the document needs to show ``fig`` in ``kind``; frame files are written under ``root``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = GuideFigure("no_padding_no_strides", "conv", (4, 4), {"kernel_size": 3})
    >>> data = figure_data(f, "pdf", pathlib.Path(tempfile.mkdtemp()))
    >>> [frame["number"] for frame in data["frames"]], data["command"].split()[:3]
    ([0, 1, 2, 3], ['convarith', 'animate', 'conv'])

    """
    animation = fig.animation("light")
    figure = animation.figure
    data: dict[str, Any] = {
        "caption": fig.caption,
        "command": fig.command(),
        "alt": _plain(fig.caption),
        "width": round(figure.width),
        "height": round(figure.height),
    }
    if kind == "pdf":
        from convarith.backends.svg import frame_svg

        folder = root / "frames"
        folder.mkdir(exist_ok=True)
        columns = strip_columns(figure.width, figure.height)
        frames = []
        # One row of four; a second row when the window takes more than 9 positions.
        most = STRIP_FRAMES if figure.frame_count <= 9 or columns == 2 else 2 * STRIP_FRAMES
        for number in strip_frames(figure.frame_count, most):
            path = folder / f"{fig.name}_{number:02d}.svg"
            path.write_text(frame_svg(figure, number, embed_font=False), encoding="utf-8")
            frames.append({"path": f"frames/{path.name}", "number": number})
        data["frames"] = frames
        data["columns"] = columns
    else:
        for theme in ("light", "dark"):
            svg = _animated_svg(fig, theme)
            data[theme] = data_url("image/svg+xml", svg.encode("utf-8"))
    return data


def strip_columns(width: float, height: float) -> int:
    """How many frames a strip's row holds on the page: four, or two when frames are wide.

    A strip shows :data:`~convarith.guide.figures.STRIP_FRAMES` frames in one
    row of four, as the original report laid them out (two rows for a
    window with more than nine positions), or in two rows of two for frames
    much wider than tall (the matrix and side-by-side views).

    Examples
    --------
    >>> strip_columns(399, 479), strip_columns(351, 285), strip_columns(900, 400)
    (4, 4, 2)

    """
    return 4 if width / height < 1.6 else 2


def _plain(markup: str) -> str:
    """A caption's markup as plain text, for an image's ``alt``."""
    return re.sub(r"[$_*\\]", "", markup)


def math_font_css(html: str) -> str:
    """A style sheet that embeds the math font, cut down to the characters of ``html``'s formulas.

    Examples
    --------
    >>> css = math_font_css("<math><mi>𝑜</mi><mo>=</mo><mn>1</mn></math>")
    >>> css.startswith("@font-face{font-family:'Convarith Math'") and "math{font-family" in css
    True

    """
    used = set(_MATH_BASE)
    for block in re.findall(r"<math\b.*?</math>", html, flags=re.S):
        used.update(re.sub(r"<[^>]*>", "", block))
    font = subset_font(str(MATH_FONT), "".join(sorted(used)))
    return (
        f"@font-face{{font-family:'{MATH_FAMILY}';"
        f"src:url({data_url('font/woff', font)}) format('woff')}}"
        f"math{{font-family:'{MATH_FAMILY}',math}}"
    )
