"""Colours, sizes and timing of the figures, checked when a style is made.

The defaults are the original guide's: input blue (38,139,210), output cyan
(42,161,152), lines and dashed padding (0,43,54), window shading (7,54,66) at
40 % opacity; ``thick`` TikZ lines (0.8 pt on 0.5 cm cells) and ``dashed``
(3 pt on, 3 pt off); one second per frame.

Every field is checked as the command line checks it, with one line naming
the field, its value and the rule (:class:`~convarith.core.errors.ConvArithError`).
numpy numbers pass wherever Python numbers do; strings are never booleans.

>>> Style(frame_ms=500).frame_ms
500
>>> Style(input_color="#268bd2").input_color
(38, 139, 210)
>>> Style(labels="no")
Traceback (most recent call last):
    ...
convarith.core.errors.ConvArithError: labels='no' must be True or False
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from convarith.core.errors import ConvArithError
from convarith.figure.primitives import Color

__all__ = [
    "MIN_CONTRAST",
    "THEMES",
    "Style",
    "blend",
    "contrast",
    "luminance",
    "parse_color",
    "readable",
]

#: A TikZ ``thick`` line (0.8 pt) on the original's 0.5 cm (14.2 pt) cells.
_THICK = 0.8 / 14.2264
#: TikZ ``dashed``: 3 pt on, 3 pt off.
_DASH = 3.0 / 14.2264
#: The default connector lines (0.4 pt).
_THIN = 0.4 / 14.2264
#: Least contrast of text on what it is drawn on (WCAG AA for normal text).
MIN_CONTRAST = 4.5

_COLOR_FIELDS = (
    "input_color",
    "output_color",
    "line_color",
    "shade_color",
    "text_color",
    "label_color",
    "value_color",
    "kernel_color",
    "mark_color",
)
_BOOL_FIELDS = ("labels", "caption", "loop")
#: Whole-number fields: (smallest, largest, unit).
_INT_FIELDS = {"frame_ms": (10, 60_000, "ms"), "pause_ms": (0, 600_000, "ms")}


@dataclass(frozen=True)
class Style:
    """How a figure looks and moves.

    Attributes
    ----------
    input_color, output_color, line_color, shade_color : (r, g, b)
        Input cells, output cells, outlines and dashes, window shading.
        Any colour may also be given as ``"#268bd2"``, ``"#26b"`` or ``"38,139,210"``.
    shade_opacity : float
        Opacity of the window shading, 0 to 1.
    background : (r, g, b) or None
        Canvas colour (``None``: transparent; MP4 refuses it).
    text_color, label_color : (r, g, b)
        Labels, and their second lines (notes, captions).
    value_color : (r, g, b)
        Values in cells, where it reads well; elsewhere black or white.
    kernel_color : (r, g, b)
        Kernel cells of the explanatory views.
    mark_color : (r, g, b)
        What a frame points out: a pooling window's maximum, equal results.
    cell : float or None
        Cell size in canvas units (pixels at scale 1), 4 to 400; ``None`` picks
        30, or less for large grids so that the figure stays about 1000 units wide.
    frame_ms, pause_ms : int
        Time per frame (10 to 60000 ms); extra time on the last frame before
        looping (0 to 600000 ms).
    labels, caption, loop : bool
        Label every map (input/output, sizes); add a caption with the
        parameters; play forever.
    """

    input_color: Color = (38, 139, 210)
    output_color: Color = (42, 161, 152)
    line_color: Color = (0, 43, 54)
    shade_color: Color = (7, 54, 66)
    shade_opacity: float = 0.4
    background: Color | None = (255, 255, 255)
    text_color: Color = (0, 43, 54)
    label_color: Color = (88, 110, 117)
    value_color: Color = (0, 0, 0)
    kernel_color: Color = (238, 232, 213)
    mark_color: Color = (211, 54, 130)
    cell: float | None = None
    frame_ms: int = 1000
    pause_ms: int = 0
    labels: bool = True
    caption: bool = False
    loop: bool = True

    def __post_init__(self) -> None:
        for name in _COLOR_FIELDS:
            self._set(name, _color(name, getattr(self, name)))
        background = self.background
        if isinstance(background, str) and background.strip().lower() in ("none", "transparent"):
            background = None
        self._set("background", None if background is None else _color("background", background))
        self._set("shade_opacity", _real("shade_opacity", self.shade_opacity, 0, 1))
        if self.cell is not None:
            self._set("cell", _real("cell", self.cell, 4, 400, " units"))
        for name, (low, high, unit) in _INT_FIELDS.items():
            self._set(name, _whole(name, getattr(self, name), low, high, unit))
        for name in _BOOL_FIELDS:
            self._set(name, _bool(name, getattr(self, name)))

    def _set(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)

    @property
    def thick(self) -> float:
        """Outline width relative to the cell size."""
        return _THICK

    @property
    def thin(self) -> float:
        """Connector line width relative to the cell size."""
        return _THIN

    @property
    def dash(self) -> float:
        """Dash and gap length relative to the cell size."""
        return _DASH

    @property
    def paper(self) -> Color:
        """What empty cells show: the background, or white where it is transparent."""
        return self.background or (255, 255, 255)

    def shaded(self, color: Color) -> Color:
        """``color`` under the window shading."""
        return blend(color, self.shade_color, self.shade_opacity)

    def ink(self, cell: Color) -> Color:
        """The colour of a value drawn on ``cell``: :attr:`value_color` if it reads, else black or white."""
        return readable(self.value_color, cell)

    def durations(self, frames: int) -> tuple[int, ...]:
        """Per-frame durations in milliseconds, the pause added to the last."""
        if frames < 1:
            return ()
        return (self.frame_ms,) * (frames - 1) + (self.frame_ms + self.pause_ms,)

    def updated(self, **changes: Any) -> Style:
        """A copy with some fields changed, checked.

        >>> Style().updated(frame_ms=250).frame_ms
        250
        """
        known = {f.name for f in fields(self)}
        unknown = [name for name in changes if name not in known]
        if unknown:
            raise ConvArithError(
                f"{unknown[0]}={changes[unknown[0]]!r} is no style field; known: {', '.join(sorted(known))}"
            )
        return replace(self, **changes)

    def check(self) -> None:
        """Refuse values that cannot make a figure (a style is checked when it is made)."""
        for f in fields(self):
            getattr(self, f.name)  # every field was checked by __post_init__


def _shown(value: Any) -> str:
    """``repr(value)`` on one line, at most 60 characters."""
    text = " ".join(repr(value).split())
    return text if len(text) <= 60 else text[:57] + "..."


def _is_bool(value: Any) -> bool:
    kind = type(value)
    return isinstance(value, bool) or (
        kind.__module__ == "numpy" and kind.__name__ in ("bool", "bool_")
    )


def _color(name: str, value: Any) -> Color:
    if isinstance(value, str):
        return parse_color(name, value)
    rule = (
        f"{name}={_shown(value)} must be a colour: (r, g, b) with whole numbers "
        "from 0 to 255, or text like #268bd2, #26b or 38,139,210"
    )
    ordered = hasattr(value, "__len__") and hasattr(value, "__getitem__")
    if isinstance(value, (bytes, Mapping)) or not ordered:
        raise ConvArithError(rule)
    try:
        parts = list(value)
        channels = tuple(operator.index(c) for c in parts if not _is_bool(c))
    except TypeError:
        raise ConvArithError(rule) from None
    if len(parts) != 3 or len(channels) != 3 or not all(0 <= c <= 255 for c in channels):
        raise ConvArithError(rule)
    return (int(channels[0]), int(channels[1]), int(channels[2]))


def _real(name: str, value: Any, low: float, high: float, unit: str = "") -> float:
    if _is_bool(value) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ConvArithError(f"{name}={_shown(value)} must be a number from {low} to {high}{unit}")
    number = float(value)
    if not low <= number <= high:
        raise ConvArithError(f"{name}={_shown(value)} must be between {low} and {high}{unit}")
    return number


def _whole(name: str, value: Any, low: int, high: int, unit: str) -> int:
    try:
        if _is_bool(value):
            raise TypeError
        number = operator.index(value)
    except TypeError:
        raise ConvArithError(
            f"{name}={_shown(value)} must be a whole number of {unit} from {low} to {high}"
        ) from None
    if not low <= number <= high:
        raise ConvArithError(f"{name}={_shown(value)} must be between {low} and {high} {unit}")
    return int(number)


def _bool(name: str, value: Any) -> bool:
    if not _is_bool(value):
        raise ConvArithError(f"{name}={_shown(value)} must be True or False")
    return bool(value)


def luminance(color: Color) -> float:
    """WCAG relative luminance of an sRGB colour, 0 (black) to 1 (white).

    >>> luminance((255, 255, 255)), luminance((0, 0, 0))
    (1.0, 0.0)
    """

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: Color, b: Color) -> float:
    """WCAG contrast ratio of two colours, 1 to 21.

    >>> round(contrast((0, 0, 0), (255, 255, 255)), 1)
    21.0
    """
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def blend(under: Color, over: Color, opacity: float) -> Color:
    """``over`` laid at ``opacity`` on ``under``, as the backends composite it.

    >>> blend((255, 255, 255), (0, 0, 0), 0.4)
    (153, 153, 153)
    """
    return (
        round(under[0] + (over[0] - under[0]) * opacity),
        round(under[1] + (over[1] - under[1]) * opacity),
        round(under[2] + (over[2] - under[2]) * opacity),
    )


def readable(preferred: Color, under: Color) -> Color:
    """``preferred`` if it has :data:`MIN_CONTRAST` on ``under``, else black or white, whichever has more.

    One of black and white always has at least 4.5:1 on any colour.

    >>> readable((0, 0, 0), (38, 139, 210)), readable((0, 0, 0), (7, 54, 66))
    ((0, 0, 0), (255, 255, 255))
    """
    if contrast(preferred, under) >= MIN_CONTRAST:
        return preferred
    black, white = (0, 0, 0), (255, 255, 255)
    return black if contrast(black, under) >= contrast(white, under) else white


#: Named styles: the original's colours with labels (``light``), a dark
#: theme, and ``original``: the original guide's look, no labels.
THEMES: dict[str, Style] = {
    "light": Style(),
    "dark": Style(
        line_color=(147, 161, 161),
        shade_color=(253, 246, 227),
        shade_opacity=0.35,
        background=(0, 43, 54),
        text_color=(238, 232, 213),
        label_color=(147, 161, 161),
        value_color=(255, 255, 255),
    ),
    "original": Style(labels=False),
}


def parse_color(name: str, text: str) -> Color:
    """Parse ``#26b`` / ``#268bd2`` / ``38,139,210`` into an RGB tuple.

    >>> parse_color("input_color", "#268bd2")
    (38, 139, 210)
    """
    value = text.strip()
    try:
        if value.startswith("#"):
            digits = value[1:]
            if len(digits) == 3:
                digits = "".join(d * 2 for d in digits)
            if len(digits) != 6 or not all(d in "0123456789abcdefABCDEF" for d in digits):
                raise ValueError
            rgb = tuple(int(digits[n : n + 2], 16) for n in (0, 2, 4))
        else:
            rgb = tuple(int(part) for part in value.split(","))
        if len(rgb) != 3 or not all(0 <= c <= 255 for c in rgb):
            raise ValueError
    except ValueError:
        raise ConvArithError(
            f"{name}={text!r} must be a colour like #268bd2, #26b or 38,139,210"
        ) from None
    return (rgb[0], rgb[1], rgb[2])
