"""Flat grids of cells placed side by side: the building block of the explanatory views.

A :class:`Panel` is a rectangle of ``rows x cols`` cells at a position on the
canvas; the functions here draw its cells (filled, dashed or empty), values,
highlights and labels.  Views compute panel positions in cell units first,
then shift everything by the margin once the bounds are known.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from convarith.draw.geometry import Box, text_box, union
from convarith.draw.style import Style
from convarith.figure.fonts import text_width
from convarith.figure.primitives import Color, Point, Polygon, Polyline, Primitive, Text

__all__ = ["Panel", "fit_size", "index2", "nested", "row_of_panels", "shape2"]


def shape2(shape: tuple[int, ...]) -> tuple[int, int]:
    """A 1-D or 2-D shape as ``(rows, cols)``."""
    return (1, shape[0]) if len(shape) == 1 else (shape[0], shape[1])


def index2(index: tuple[int, ...]) -> tuple[int, int]:
    """A 1-D or 2-D index as ``(row, col)``."""
    return (0, index[0]) if len(index) == 1 else (index[0], index[1])


def nested(values: Any, index: tuple[int, ...]) -> Any:
    """The entry of nested lists at ``index`` (values of scenes are nested lists).

    >>> nested([[1, 2], [3, 4]], (1, 0))
    3
    """
    for n in index:
        values = values[n]
    return values


def fit_size(text: str, size: float, room: float) -> float:
    """The largest font size, at most ``size``, at which ``text`` fits in ``room``."""
    width = text_width(text, size)
    return size if width <= room else size * room / width


@dataclass
class Panel:
    """``rows x cols`` cells of size ``cell``; top-left corner at ``(x, y)`` in cells."""

    rows: int
    cols: int
    cell: float
    x: float = 0.0
    y: float = 0.0
    dx: float = 0.0
    dy: float = 0.0
    #: Width in cells the panel claims in a row (at least ``cols``; more for a wide label).
    footprint: float = 0.0

    def make_room(self, text: str, size: float, bold: bool = True) -> None:
        """Widen the footprint so that ``text`` at ``size`` fits under the panel."""
        need = (text_width(text, size, bold) + size) / self.cell
        self.footprint = max(self.footprint, self.cols, need)

    def point(self, col: float, row: float) -> Point:
        """Canvas point at ``(col, row)`` cells from the panel's corner."""
        return (self.dx + (self.x + col) * self.cell, self.dy + (self.y + row) * self.cell)

    def quad(self, r: int, c: int, rows: int = 1, cols: int = 1) -> tuple[Point, ...]:
        """The rectangle of ``rows x cols`` cells from cell ``(r, c)``."""
        return (
            self.point(c, r),
            self.point(c + cols, r),
            self.point(c + cols, r + rows),
            self.point(c, r + rows),
        )

    def centre(self, r: float, c: float) -> Point:
        """Centre of cell ``(r, c)``."""
        return self.point(c + 0.5, r + 0.5)

    def box(self) -> Box:
        """The panel's canvas box."""
        (left, top), (right, bottom) = self.point(0, 0), self.point(self.cols, self.rows)
        return left, top, right, bottom

    @property
    def width(self) -> float:
        """Width in cells."""
        return self.cols

    def cells(
        self,
        style: Style,
        fill: Callable[[int, int], Color | None],
        dashed: Callable[[int, int], bool] = lambda r, c: False,
    ) -> list[Primitive]:
        """Dashed grid lines where ``dashed``, then filled, outlined cells where ``fill`` gives a colour."""
        thick = style.thick * self.cell
        prims: list[Primitive] = self.dashed_edges(style, dashed)
        for r in range(self.rows):
            for c in range(self.cols):
                color = fill(r, c)
                if color is not None:
                    prims.append(
                        Polygon(
                            self.quad(r, c), fill=color, stroke=style.line_color, stroke_width=thick
                        )
                    )
        return prims

    def dashed_edges(self, style: Style, dashed: Callable[[int, int], bool]) -> list[Primitive]:
        """Dashed lines along every edge of the dashed cells, each edge once.

        Runs of edges along a grid line are one polyline, as TikZ's dashed
        grid draws them: per-cell outlines would draw shared edges twice, in
        opposite directions, and the two dash patterns would fill each other's gaps.
        """
        thick = style.thick * self.cell
        dash = (style.dash * self.cell, style.dash * self.cell)
        prims: list[Primitive] = []

        def is_dashed(r: int, c: int) -> bool:
            return 0 <= r < self.rows and 0 <= c < self.cols and dashed(r, c)

        for r in range(self.rows + 1):
            run = [c for c in range(self.cols) if is_dashed(r - 1, c) or is_dashed(r, c)]
            for start, stop in _runs(run):
                prims.append(
                    Polyline(
                        (self.point(start, r), self.point(stop, r)),
                        style.line_color,
                        thick,
                        dash=dash,
                    )
                )
        for c in range(self.cols + 1):
            run = [r for r in range(self.rows) if is_dashed(r, c - 1) or is_dashed(r, c)]
            for start, stop in _runs(run):
                prims.append(
                    Polyline(
                        (self.point(c, start), self.point(c, stop)),
                        style.line_color,
                        thick,
                        dash=dash,
                    )
                )
        return prims

    def values(
        self,
        texts: Iterable[tuple[int, int, str]],
        style: Style,
        size: float = 0.5,
        color: Color | Callable[[int, int], Color] | None = None,
    ) -> list[Primitive]:
        """A value centred in each given cell (``size`` relative to the cell).

        ``color``: one colour, or one per cell ``(r, c)``; by default the
        style's ink on an input cell.
        """
        ink = color if callable(color) else (lambda r, c: color or style.ink(style.input_color))
        return [
            Text(
                self.centre(r, c),
                text,
                fit_size(text, size * self.cell, 0.86 * self.cell),
                ink(r, c),
                kind="value",
            )
            for r, c, text in texts
        ]

    def highlight(
        self, style: Style, cells: Iterable[tuple[int, int]], outline: bool = True
    ) -> list[Primitive]:
        """Shade cells (40 % by default) and outline them."""
        prims: list[Primitive] = []
        thick = style.thick * self.cell
        for r, c in cells:
            quad = self.quad(r, c)
            prims.append(Polygon(quad, fill=style.shade_color, fill_opacity=style.shade_opacity))
            if outline:
                prims.append(Polygon(quad, stroke=style.line_color, stroke_width=thick))
        return prims

    def outline(
        self,
        style: Style,
        r: int,
        c: int,
        rows: int,
        cols: int,
        color: Color | None = None,
        width: float = 2.0,
    ) -> Polygon:
        """A heavier outline around a block of cells."""
        return Polygon(
            self.quad(r, c, rows, cols),
            stroke=color or style.line_color,
            stroke_width=width * style.thick * self.cell,
        )

    def label(
        self,
        text: str,
        style: Style,
        size: float,
        *,
        bold: bool = False,
        below: bool = True,
        line: int = 0,
    ) -> Text:
        """A label centred under (or over) the panel; ``line`` stacks further lines."""
        left, top, right, bottom = self.box()
        y = bottom + (0.9 + 1.3 * line) * size if below else top - (0.9 + 1.3 * line) * size
        color = style.text_color if bold else style.label_color
        return Text(((left + right) / 2, y), text, size if bold else 0.85 * size, color, bold=bold)


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Contiguous runs of sorted ints as ``(start, stop)`` (stop exclusive).

    >>> _runs([0, 1, 2, 5, 6])
    [(0, 3), (5, 7)]
    """
    runs: list[tuple[int, int]] = []
    for n in indices:
        if runs and runs[-1][1] == n:
            runs[-1] = (runs[-1][0], n + 1)
        else:
            runs.append((n, n + 1))
    return runs


def row_of_panels(panels: list[Panel], gaps: list[float], top: float = 0.0) -> float:
    """Place panels left to right with ``gaps`` (cells) between footprints, centred vertically.

    Returns the row's height in cells.
    """
    height = max(p.rows for p in panels)
    x = 0.0
    for n, panel in enumerate(panels):
        room = max(panel.footprint, panel.cols)
        panel.x = x + (room - panel.cols) / 2
        panel.y = top + (height - panel.rows) / 2
        x += room + (gaps[n] if n < len(gaps) else 0)
    return height


def sign(text: str, at: Point, size: float, style: Style) -> Text:
    """An operator between panels (×, =, +=)."""
    return Text(at, text, size, style.text_color, bold=True)


def bounds(panels: Iterable[Panel], texts: Iterable[Text]) -> Box:
    """The box holding panels and texts."""
    return union([*(p.box() for p in panels), *(text_box(t) for t in texts)])


def shift(panels: Iterable[Panel], dx: float, dy: float) -> None:
    """Move every panel by ``(dx, dy)`` canvas units."""
    for p in panels:
        p.dx += dx
        p.dy += dy
