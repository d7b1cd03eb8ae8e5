"""The bundled font (Convarith Sans, a subset of DejaVu Sans) and its metrics.

Every backend draws text with this font, so a machine without system fonts
renders the same labels.  The metrics (advance widths, ascender, descender,
glyph ids) come from a JSON file written beside each font by
``tools/make_font.py``; the layout measures text with them and the PDF backend
embeds the font with them, so nothing at run time parses TrueType.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["FontMetrics", "cap_height", "font_path", "line_extent", "metrics", "text_width"]

_DIR = Path(__file__).resolve().parent
_FILES = {False: "ConvarithSans", True: "ConvarithSans-Bold"}


def font_path(bold: bool = False) -> Path:
    """Path of the bundled TrueType file.

    >>> font_path().name
    'ConvarithSans.ttf'
    """
    return _DIR / f"{_FILES[bold]}.ttf"


@dataclass(frozen=True)
class FontMetrics:
    """Metrics of one bundled font, in font units (``units_per_em`` to the em)."""

    path: Path
    postscript_name: str
    units_per_em: int
    ascender: int
    descender: int
    cap_height: int
    bbox: tuple[int, int, int, int]
    num_glyphs: int
    widths: dict[int, int]
    glyph_ids: dict[int, int]

    def advance(self, char: str) -> int:
        """Advance width of ``char`` (a missing character counts as ``?``, as it is drawn)."""
        code = ord(char)
        return self.widths.get(code, self.widths[ord("?")])

    def cap(self, size: float) -> float:
        """Height of a capital letter (``H``) at font size ``size``.

        >>> round(metrics().cap(100), 1)
        72.9
        """
        return self.cap_height / self.units_per_em * size

    def baseline_shift(self, size: float) -> float:
        """Distance from the vertical middle of a line (between ascender and descender) down to its baseline."""
        return (self.ascender + self.descender) / 2 / self.units_per_em * size


@lru_cache(maxsize=2)
def metrics(bold: bool = False) -> FontMetrics:
    """Metrics of the regular or bold bundled font.

    >>> metrics().units_per_em
    2048
    """
    path = font_path(bold)
    data = json.loads(path.with_suffix(".json").read_text())
    return FontMetrics(
        path=path,
        postscript_name=data["postscript_name"],
        units_per_em=data["units_per_em"],
        ascender=data["ascender"],
        descender=data["descender"],
        cap_height=data["cap_height"],
        bbox=tuple(data["bbox"]),
        num_glyphs=data["num_glyphs"],
        widths={int(k): v for k, v in data["widths"].items()},
        glyph_ids={int(k): v for k, v in data["glyph_ids"].items()},
    )


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of ``text`` at font size ``size``, in the same units as ``size``.

    >>> round(text_width("00", 10), 2)
    12.72
    """
    m = metrics(bold)
    return sum(m.advance(c) for c in text) * size / m.units_per_em


def cap_height(size: float, bold: bool = False) -> float:
    """Height of a capital letter at font size ``size``, in the units of ``size``.

    >>> round(cap_height(10), 2)
    7.29
    """
    return metrics(bold).cap(size)


def line_extent(size: float, bold: bool = False) -> tuple[float, float]:
    """How far a line of text reaches above and below its anchor (the middle of ascender and descender).

    >>> top, bottom = line_extent(10)
    >>> round(top, 2), round(bottom, 2)
    (5.82, 5.82)
    """
    m = metrics(bold)
    half = (m.ascender - m.descender) / 2 / m.units_per_em * size
    return half, half
