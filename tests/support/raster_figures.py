"""Realistic figures for the raster backend and encoder tests and the benchmark.

``classic_figure`` draws the classic "convolution arithmetic" view for a
square input, padding, kernel and stride: a slanted input grid (blue inner
cells, dashed padding ring), a shaded window moving over it, connector lines
from the window's corners to the current output cell, an output grid floating
above that hides part of the lines, the current output cell highlighted, and
two labels.  The layer order is the one that makes the raster backend work
hardest: dynamic, dynamic, static, dynamic.

``padding_strides()`` is the guide's "padding, strides" animation (5x5 input,
padding 1, 3x3 kernel, stride 2: 9 frames of about 400x450 px) and
``large()`` a 64x64 input with a 3x3 kernel (3,844 frames, 8-unit cells).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from convarith.figure.primitives import (
    Color,
    DynamicLayer,
    Figure,
    Point,
    Polygon,
    Polyline,
    Primitive,
    StaticLayer,
    Text,
)

WHITE: Color = (255, 255, 255)
BLUE: Color = (38, 139, 210)
CYAN: Color = (42, 161, 152)
DARK: Color = (0, 43, 54)
SHADE: Color = (7, 54, 66)
LINE: Color = (0, 0, 0)
SHADE_OPACITY = 0.4
OUTLINE = 1.6
DASH = (6.0, 6.0)
MARGIN = 20.0
GAP = 50.0  # between the top of the input grid and the bottom of the output grid
LABEL_SIZE = 14.0


@dataclass(frozen=True)
class Grid:
    """A slanted grid: corner (row, column) sits at origin + column*COLUMN + row*ROW."""

    origin: Point
    rows: int
    cell: float

    def corner(self, row: float, column: float) -> Point:
        cx, cy = 1.0 * self.cell, -0.5 * self.cell
        rx, ry = 0.7 * self.cell, 0.65 * self.cell
        return (
            self.origin[0] + column * cx + row * rx,
            self.origin[1] + column * cy + row * ry,
        )

    def quad(self, row: int, column: int, rows: int = 1, columns: int = 1) -> tuple[Point, ...]:
        return (
            self.corner(row, column),
            self.corner(row, column + columns),
            self.corner(row + rows, column + columns),
            self.corner(row + rows, column),
        )

    def extent(self) -> tuple[float, float, float, float]:
        corners = [self.corner(r, c) for r in (0, self.rows) for c in (0, self.rows)]
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        return min(xs), min(ys), max(xs), max(ys)


def _placed(rows: int, cell: float, left: float, top: float) -> Grid:
    probe = Grid((0.0, 0.0), rows, cell)
    x0, y0, _, _ = probe.extent()
    return Grid((left - x0, top - y0), rows, cell)


@dataclass(frozen=True)
class Layout:
    """Where the grids of a classic figure sit, and the canvas size."""

    inputs: Grid
    outputs: Grid
    width: float
    height: float


def classic_layout(size: int, padding: int, kernel: int, stride: int, cell: float) -> Layout:
    """Output grid centred above the input grid, a label above and below."""
    padded = size + 2 * padding
    out = (padded - kernel) // stride + 1
    in_x0, _, in_x1, _ = Grid((0.0, 0.0), padded, cell).extent()
    out_x0, out_y0, out_x1, out_y1 = Grid((0.0, 0.0), out, cell).extent()
    width = max(in_x1 - in_x0, out_x1 - out_x0) + 2 * MARGIN
    out_top = MARGIN + LABEL_SIZE * 1.6
    outputs = _placed(out, cell, (width - (out_x1 - out_x0)) / 2, out_top)
    in_top = out_top + (out_y1 - out_y0) + GAP
    inputs = _placed(padded, cell, (width - (in_x1 - in_x0)) / 2, in_top)
    height = inputs.extent()[3] + LABEL_SIZE * 1.6 + MARGIN
    return Layout(inputs, outputs, width, height)


def classic_figure(
    size: int,
    padding: int,
    kernel: int,
    stride: int,
    cell: float,
    durations: tuple[int, ...] | None = None,
) -> Figure:
    """The classic convolution view of a ``size`` x ``size`` input."""
    padded = size + 2 * padding
    out = (padded - kernel) // stride + 1
    layout = classic_layout(size, padding, kernel, stride, cell)
    inputs, outputs, width, height = layout.inputs, layout.outputs, layout.width, layout.height
    in_bottom = inputs.extent()[3]

    base: list[Primitive] = _padding_edges(inputs, size, padding)
    for row in range(padding, padding + size):
        for column in range(padding, padding + size):
            base.append(
                Polygon(inputs.quad(row, column), fill=BLUE, stroke=DARK, stroke_width=OUTLINE)
            )
    base.append(
        Text((width / 2, in_bottom + LABEL_SIZE * 0.9), f"input {size}×{size}", LABEL_SIZE, DARK)
    )

    windows: list[tuple[Primitive, ...]] = []
    lines: list[tuple[Primitive, ...]] = []
    highlights: list[tuple[Primitive, ...]] = []
    for o_row in range(out):
        for o_column in range(out):
            r0, c0 = o_row * stride, o_column * stride
            shading: list[Primitive] = [
                Polygon(
                    inputs.quad(r0 + i, c0 + j),
                    fill=SHADE,
                    fill_opacity=SHADE_OPACITY,
                    stroke=DARK,
                    stroke_width=OUTLINE,
                )
                for i in range(kernel)
                for j in range(kernel)
            ]
            shading.append(
                Polygon(inputs.quad(r0, c0, kernel, kernel), stroke=DARK, stroke_width=OUTLINE)
            )
            windows.append(tuple(shading))
            window = inputs.quad(r0, c0, kernel, kernel)
            target = outputs.quad(o_row, o_column)
            lines.append(
                tuple(
                    Polyline((a, b), stroke=LINE, stroke_width=0.8)
                    for a, b in zip(window, target, strict=True)
                )
            )
            highlights.append(
                (
                    Polygon(
                        target,
                        fill=SHADE,
                        fill_opacity=SHADE_OPACITY,
                        stroke=DARK,
                        stroke_width=OUTLINE,
                    ),
                )
            )
    top: list[Primitive] = [
        Polygon(outputs.quad(r, c), fill=CYAN, stroke=DARK, stroke_width=OUTLINE)
        for r in range(out)
        for c in range(out)
    ]
    top.append(
        Text((width / 2, MARGIN + LABEL_SIZE * 0.5), f"output {out}×{out}", LABEL_SIZE, DARK)
    )
    frames = out * out
    return Figure(
        width=width,
        height=height,
        layers=(
            StaticLayer(tuple(base)),
            DynamicLayer(tuple(windows)),
            DynamicLayer(tuple(lines)),
            StaticLayer(tuple(top)),
            DynamicLayer(tuple(highlights)),
        ),
        durations=durations if durations is not None else (1000,) * frames,
        title=f"convolution of a {size}x{size} input",
    )


def _padding_edges(inputs: Grid, size: int, padding: int) -> list[Primitive]:
    """Each edge of the padding ring once, dashed symmetrically like the guide's.

    Two cells sharing an edge would draw it twice with opposite phases (a
    polygon's dashes run from its first corner), which reads as a solid
    line; one polyline per edge, with an odd number of dashes and gaps of
    equal length, starts and ends with a dash at both corners.
    """
    padded = size + 2 * padding
    edges: set[tuple[tuple[int, int], tuple[int, int]]] = set()
    for row in range(padded):
        for column in range(padded):
            if padding <= row < padding + size and padding <= column < padding + size:
                continue
            corners = [(row, column), (row, column + 1), (row + 1, column + 1), (row + 1, column)]
            for a, b in zip(corners, corners[1:] + corners[:1], strict=True):
                edges.add((min(a, b), max(a, b)))
    lines: list[Primitive] = []
    for a, b in sorted(edges):
        start, end = inputs.corner(*a), inputs.corner(*b)
        length = math.dist(start, end)
        pieces = max(1, round((length / DASH[0] - 1) / 2)) * 2 + 1
        dash = (length / pieces, length / pieces)
        lines.append(Polyline((start, end), stroke=DARK, stroke_width=OUTLINE, dash=dash))
    return lines


def padding_strides() -> Figure:
    """The guide's "padding, strides": 9 frames, the last one held longer."""
    return classic_figure(5, 1, 3, 2, 30.0, durations=(1000,) * 8 + (2000,))


def large() -> Figure:
    """A 64x64 input, 3x3 kernel, stride 1: 3,844 frames with 8-unit cells."""
    return classic_figure(64, 0, 3, 1, 8.0)
