"""Colours, sizes and timing of the figures.

The defaults are the original guide's: input blue (38,139,210), output cyan
(42,161,152), lines and dashed padding (0,43,54), window shading (7,54,66) at
40 % opacity; ``thick`` TikZ lines (0.8 pt on 0.5 cm cells) and ``dashed``
(3 pt on, 3 pt off); one second per frame.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from convarith.core.errors import ConvArithError
from convarith.figure.primitives import Color

__all__ = ["THEMES", "Style", "parse_color"]

#: A TikZ ``thick`` line (0.8 pt) on the original's 0.5 cm (14.2 pt) cells.
_THICK = 0.8 / 14.2264
#: TikZ ``dashed``: 3 pt on, 3 pt off.
_DASH = 3.0 / 14.2264
#: The default connector lines (0.4 pt).
_THIN = 0.4 / 14.2264


@dataclass(frozen=True)
class Style:
    """How a figure looks and moves.

    Attributes
    ----------
    input_color, output_color, line_color, shade_color : (r, g, b)
        Input cells, output cells, outlines and dashes, window shading.
    shade_opacity : float
        Opacity of the window shading.
    background : (r, g, b) or None
        Canvas colour (``None``: transparent where the format allows it).
    text_color : (r, g, b)
        Labels and values.
    cell : float or None
        Cell size in canvas units (pixels at scale 1); ``None`` picks 30, or
        less for large grids so that the figure stays about 1000 units wide.
    frame_ms, pause_ms : int
        Time per frame; extra time on the last frame before looping.
    labels, caption : bool
        Label every map (input/output, sizes); add a caption with the parameters.
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
    cell: float | None = None
    frame_ms: int = 1000
    pause_ms: int = 0
    labels: bool = True
    caption: bool = False
    loop: bool = True

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

    def durations(self, frames: int) -> tuple[int, ...]:
        """Per-frame durations in milliseconds, the pause added to the last."""
        if frames < 1:
            return ()
        return (self.frame_ms,) * (frames - 1) + (self.frame_ms + self.pause_ms,)

    def updated(self, **changes: Any) -> Style:
        """A copy with some fields changed, checked."""
        style = replace(self, **changes)
        style.check()
        return style

    def check(self) -> None:
        """Refuse values that cannot make a figure."""
        if self.cell is not None and not 4 <= self.cell <= 400:
            raise ConvArithError(f"cell={self.cell} must be between 4 and 400 units")
        if not 0 <= self.shade_opacity <= 1:
            raise ConvArithError(f"shade_opacity={self.shade_opacity} must be between 0 and 1")
        if not 10 <= self.frame_ms <= 60_000:
            raise ConvArithError(f"frame_ms={self.frame_ms} must be between 10 and 60000")
        if not 0 <= self.pause_ms <= 600_000:
            raise ConvArithError(f"pause_ms={self.pause_ms} must be between 0 and 600000")


#: Named styles: the original's colours, and a dark theme.
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
            if len(digits) != 6:
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
