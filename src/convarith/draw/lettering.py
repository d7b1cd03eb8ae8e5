"""How large labels are, and how they are set: sizes that read at any width, wrapped, stacked lines.

A figure's labels must read wherever the figure is shown, down to the
150 px width at which the original README shows its animations: there a
label's capital letters must be at least 6 px tall.  So the smallest label
size grows with the figure's width (:func:`min_label_size`), and since wide
labels can widen a figure, each view lays itself out for a label size and
asks :func:`fit` for the size at which the two agree.

>>> round(min_label_size(400), 1)
22.2
>>> wrap("dashed: zeros between cells and zero padding", 10, 150)
['dashed: zeros between', 'cells and zero padding']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from convarith.figure.fonts import cap_height, line_extent, text_width
from convarith.figure.primitives import Color, Polyline, Primitive, Text

__all__ = [
    "LINE_GAP",
    "MIN_CAP_PX",
    "README_WIDTH",
    "TITLE_SHARE",
    "base_size",
    "centred",
    "fit",
    "legend",
    "line_room",
    "lines_above",
    "lines_below",
    "lines_height",
    "min_label_size",
    "widest",
    "wrap",
]

#: The width (px) at which the original README shows its animations.
README_WIDTH = 150.0
#: The least height (px) of a label's capital letters at that width.
MIN_CAP_PX = 6.0
#: Space between stacked lines, in ems.
LINE_GAP = 0.12
#: The share of a figure's width one label line may take before it is wrapped.
TITLE_SHARE = 0.9
#: A little more than the least size, so that rounding never takes a label under it.
_HEADROOM = 1.01

T = TypeVar("T")


def min_label_size(width: float) -> float:
    """The least font size of a label in a figure ``width`` units wide.

    Shown :data:`README_WIDTH` px wide, its capitals are :data:`MIN_CAP_PX` tall.
    """
    return MIN_CAP_PX / cap_height(1.0) * width / README_WIDTH * _HEADROOM


def base_size(cell: float) -> float:
    """The label size of a small figure: about half a cell, 11 to 16 units."""
    return max(11.0, min(16.0, 0.5 * cell + 3))


def fit(layout: Callable[[float], T], width: Callable[[T], float], start: float = 0.0) -> T:
    """Lay out with the least label size that reads at the layout's own width.

    ``layout(size)`` places everything with labels of at least ``size``;
    ``width(result)`` is the canvas width it needs.  Wider labels can make
    a wider canvas, so the size is raised until it is enough for the width
    it makes (views keep labels within their maps' width where they can, so
    this settles in a few steps).
    """
    size = start
    for _ in range(200):
        result = layout(size)
        need = min_label_size(width(result))
        if size >= need:
            return result
        size = max(need, size * 1.02)
    raise AssertionError("label sizes did not settle")  # pragma: no cover


def line_room(room: float, size: float) -> float:
    """How wide a line at ``size`` may be: ``room``, or most of the widest figure that size suits.

    A line up to :data:`TITLE_SHARE` of that width widens a narrower figure a
    little rather than break; past it, it is wrapped.
    """
    return max(room, TITLE_SHARE * size / min_label_size(1.0))


def wrap(text: str, size: float, room: float, bold: bool = False) -> list[str]:
    """``text`` broken at spaces into lines at most ``room`` wide, as even as can be.

    As few lines as a greedy fill needs (a word wider than ``room`` gets a
    line of its own), with the breaks that make the widest line narrowest:
    no lone short word at the end.
    """
    words = text.split(" ")
    greedy: list[str] = []
    for word in words:
        if greedy and text_width(f"{greedy[-1]} {word}", size, bold) <= room:
            greedy[-1] = f"{greedy[-1]} {word}"
        else:
            greedy.append(word)
    count = len(greedy)
    if count == 1 or len(words) > 40:
        return greedy

    def width(start: int, stop: int) -> float:
        return text_width(" ".join(words[start:stop]), size, bold)

    # best[k][i]: the narrowest widest line setting words[:i] on k lines.
    n = len(words)
    best = [[float("inf")] * (n + 1) for _ in range(count + 1)]
    cut = [[0] * (n + 1) for _ in range(count + 1)]
    best[0][0] = 0.0
    for k in range(1, count + 1):
        for i in range(1, n + 1):
            for j in range(k - 1, i):
                line = width(j, i)
                if line > room and i - j > 1:
                    continue
                widest_line = max(best[k - 1][j], line)
                if widest_line < best[k][i]:
                    best[k][i], cut[k][i] = widest_line, j
    if best[count][n] == float("inf"):
        return greedy
    lines: list[str] = []
    i = n
    for k in range(count, 0, -1):
        j = cut[k][i]
        lines.append(" ".join(words[j:i]))
        i = j
    return lines[::-1]


Line = tuple[str, float, bool, Color]
"""One line to set: text, size, bold, colour."""


def _height(line: Line) -> float:
    up, down = line_extent(line[1], line[2])
    return up + down


def lines_below(x: float, top: float, lines: Sequence[Line]) -> tuple[list[Text], float]:
    """Lines centred on ``x``, stacked down from ``top``; the texts and the bottom of the last."""
    texts: list[Text] = []
    y = top
    for n, line in enumerate(lines):
        text, size, bold, color = line
        up, down = line_extent(size, bold)
        y += up + (LINE_GAP * size if n else 0.0)
        texts.append(Text((x, y), text, size, color, bold=bold))
        y += down
    return texts, y


def lines_above(x: float, bottom: float, lines: Sequence[Line]) -> tuple[list[Text], float]:
    """Lines centred on ``x``, stacked so the last one ends at ``bottom``; the texts and the top of the first."""
    height = lines_height(lines)
    texts, _ = lines_below(x, bottom - height, lines)
    return texts, bottom - height


def lines_height(lines: Sequence[Line]) -> float:
    """Height of stacked lines, as :func:`lines_below` sets them."""
    return sum(_height(line) for line in lines) + sum(LINE_GAP * line[1] for line in lines[1:])


def widest(lines: Sequence[Line]) -> float:
    """Width of the widest line."""
    return max((text_width(t, s, b) for t, s, b, _ in lines), default=0.0)


def centred(x: float, width: float, left: float, right: float) -> float:
    """Where to centre a line ``width`` wide meant for ``x``: moved in as far as needed to stay in ``[left, right]``.

    >>> centred(10, 8, 0, 100), centred(98, 8, 0, 100), centred(50, 200, 0, 100)
    (10, 96.0, 50.0)
    """
    if width >= right - left:
        return (left + right) / 2
    return min(max(x, left + width / 2), right - width / 2)


LegendRow = tuple[str, float, bool, Color, Color | None]
"""One line of a legend: text, size, bold, colour, and the colour of the bar under it (or None)."""


def legend(
    x: float,
    top: float,
    rows: Sequence[LegendRow],
    edge: Color,
    room: float = float("inf"),
) -> tuple[list[Primitive], float]:
    """Lines centred on ``x`` from ``top`` down, those with a bar colour underlined in it.

    A bar names the map its line labels by the map's colour; each barred row
    after the first gets a little more room above it.  ``edge`` outlines the
    bars (a pale bar stays visible on a pale background).  A row wider than
    ``room`` is wrapped (a barred row only past :data:`TITLE_SHARE` of the
    widest figure its size suits), each of its lines barred.  Returns the primitives
    and the bottom they reach.
    """
    prims: list[Primitive] = []
    y = top
    for n, (text, size, bold, color, bar) in enumerate(rows):
        # A map's label may be wider than ``room``, up to most of the figure's width.
        limit = line_room(room, size) if bar is not None else room
        for k, line in enumerate(wrap(text, size, limit, bold)):
            up, down = line_extent(size, bold)
            y += up + (LINE_GAP * size if n or k else 0.0)
            if bar is not None and n and not k:
                y += 0.3 * size
            prims.append(Text((x, y), line, size, color, bold=bold))
            y += down
            if bar is not None:
                # A line, not a filled shape: what fills shapes in this colour is a map's cell.
                half = text_width(line, size, bold) / 2
                thick, rim = 0.16 * size, 0.03 * size
                middle = y + 0.04 * size + thick / 2 + rim
                ends = ((x - half, middle), (x + half, middle))
                prims.append(Polyline(ends, edge, thick + 2 * rim))
                prims.append(
                    Polyline(((x - half + rim, middle), (x + half - rim, middle)), bar, thick)
                )
                y = middle + thick / 2 + rim + 0.015 * size
    return prims, y
