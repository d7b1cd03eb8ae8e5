"""A realistic figure for the vector backends (the classic "padding, strides" view) and probes.

A 5x5 input with one cell of padding (a slanted 7x7 grid whose outer ring is
dashed), a 3x3 window moving with stride 2 over 9 frames, a 3x3 output above
it with numbers in its cells, connector lines, labels in both weights.
Probe points say which colour a correct renderer puts where, at 1 px per
canvas unit (SVG at scale 1, PDF and TikZ at 144 dpi).
"""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

from PIL import Image

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
from support.tools import require_tool

CELL = 30.0
COLUMN = (1.0 * CELL, -0.5 * CELL)  # one column to the right
ROW = (0.7 * CELL, 0.65 * CELL)  # one row down
INPUT_ORIGIN = (20.0, 250.0)
OUTPUT_ORIGIN = (110.0, 60.0)
WIDTH, HEIGHT = 420.0, 410.0

WHITE: Color = (255, 255, 255)
BLUE: Color = (38, 139, 210)
CYAN: Color = (42, 161, 152)
DARK: Color = (0, 43, 54)
SHADE: Color = (7, 54, 66)
SHADE_OPACITY = 0.4
DURATIONS = (1000,) * 8 + (2000,)
VALUES = ("12.0", "12.0", "17.0", "10.0", "17.0", "19.0", "9.0", "6.0", "14.0")


def grid_point(origin: Point, row: float, column: float) -> Point:
    """Canvas position of the grid point ``(row, column)`` (fractions allowed)."""
    return (
        origin[0] + column * COLUMN[0] + row * ROW[0],
        origin[1] + column * COLUMN[1] + row * ROW[1],
    )


def quad(
    origin: Point, row: float, column: float, rows: float, columns: float
) -> tuple[Point, ...]:
    return (
        grid_point(origin, row, column),
        grid_point(origin, row, column + columns),
        grid_point(origin, row + rows, column + columns),
        grid_point(origin, row + rows, column),
    )


def shaded(color: Color, opacity: float = SHADE_OPACITY) -> Color:
    """``color`` seen through the window shading."""
    return tuple(  # type: ignore[return-value]
        round((1 - opacity) * c + opacity * s) for c, s in zip(color, SHADE, strict=True)
    )


def padding_strides_figure() -> Figure:
    input_cells: list[Primitive] = []
    for i in range(7):
        for j in range(7):
            if 0 < i < 6 and 0 < j < 6:
                continue
            input_cells.append(
                Polygon(quad(INPUT_ORIGIN, i, j, 1, 1), stroke=DARK, stroke_width=1.6, dash=(6, 6))
            )
    for i in range(1, 6):
        for j in range(1, 6):
            input_cells.append(
                Polygon(quad(INPUT_ORIGIN, i, j, 1, 1), fill=BLUE, stroke=DARK, stroke_width=1.6)
            )
    windows: list[tuple[Primitive, ...]] = []
    output_marks: list[tuple[Primitive, ...]] = []
    for a in range(3):
        for b in range(3):
            window = Polygon(
                quad(INPUT_ORIGIN, 2 * a, 2 * b, 3, 3), fill=SHADE, fill_opacity=SHADE_OPACITY
            )
            lines = tuple(
                Polyline(
                    (
                        grid_point(INPUT_ORIGIN, 2 * a + 3 * di, 2 * b + 3 * dj),
                        grid_point(OUTPUT_ORIGIN, a + di, b + dj),
                    ),
                    stroke=DARK,
                    stroke_width=0.8,
                )
                for di in (0, 1)
                for dj in (0, 1)
            )
            windows.append((window, *lines))
            output_marks.append(
                (Polygon(quad(OUTPUT_ORIGIN, a, b, 1, 1), fill=SHADE, fill_opacity=SHADE_OPACITY),)
            )
    output: list[Primitive] = []
    for a in range(3):
        for b in range(3):
            output.append(
                Polygon(quad(OUTPUT_ORIGIN, a, b, 1, 1), fill=CYAN, stroke=DARK, stroke_width=1.6)
            )
            output.append(
                Text(grid_point(OUTPUT_ORIGIN, a + 0.5, b + 0.5), VALUES[3 * a + b], 9, DARK)
            )
    labels = (
        Text((340, 345), "input 5×5", 14, DARK),
        Text((275, 70), "output 3×3", 14, DARK, anchor="start"),
        Text((410, 20), "padding 1, stride 2", 12, DARK, anchor="end", bold=True),
    )
    return Figure(
        WIDTH,
        HEIGHT,
        (
            StaticLayer(tuple(input_cells)),
            DynamicLayer(tuple(windows)),
            StaticLayer(tuple(output)),
            DynamicLayer(tuple(output_marks)),
            StaticLayer(labels),
        ),
        DURATIONS,
        title="Convolution: padding 1, stride 2 & <more>",
    )


def window_lines(frame: int) -> list[tuple[Point, Point]]:
    """The connector lines of frame ``frame``, as in the figure."""
    a, b = divmod(frame, 3)
    return [
        (
            grid_point(INPUT_ORIGIN, 2 * a + 3 * di, 2 * b + 3 * dj),
            grid_point(OUTPUT_ORIGIN, a + di, b + dj),
        )
        for di in (0, 1)
        for dj in (0, 1)
    ]


def distance_to_segment(point: Point, segment: tuple[Point, Point]) -> float:
    (x, y), ((x0, y0), (x1, y1)) = point, segment
    dx, dy = x1 - x0, y1 - y0
    t = max(0.0, min(1.0, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - x0 - t * dx, y - y0 - t * dy)


def probes(frame: int) -> list[tuple[str, Point, Color]]:
    """(what, canvas point, expected colour) for frame ``frame`` of the figure.

    Every point is at least 3 units from the frame's connector lines, so
    antialiasing of a line never reaches the probed pixel.
    """
    a, b = divmod(frame, 3)
    outside = next(
        (i, j)
        for i, j in ((5, 5), (1, 5), (5, 1), (1, 1))
        if not (2 * a <= i <= 2 * a + 2 and 2 * b <= j <= 2 * b + 2)
        and _clear(grid_point(INPUT_ORIGIN, i + 0.5, j + 0.5), frame)
    )
    # The window's top-left cell is padding in the first row and column of frames.
    corner_color = shaded(WHITE) if a == 0 or b == 0 else shaded(BLUE)
    # Another output cell, probed near its top edge, clear of the lines.
    other, other_point = next(
        ((r, c), point)
        for r in (2, 0, 1)
        for c in (2, 0, 1)
        if (r, c) != (a, b) and _clear(point := grid_point(OUTPUT_ORIGIN, r + 0.15, c + 0.5), frame)
    )
    found = [
        ("background", (5.0, 5.0), WHITE),
        ("background right of the input", (405.0, 200.0), WHITE),
        (
            f"inner input cell {outside} outside the window",
            grid_point(INPUT_ORIGIN, outside[0] + 0.5, outside[1] + 0.5),
            BLUE,
        ),
        (
            "window over an input cell",
            grid_point(INPUT_ORIGIN, 2 * a + 1.5, 2 * b + 1.6),
            shaded(BLUE),
        ),
        ("window's first cell", grid_point(INPUT_ORIGIN, 2 * a + 0.5, 2 * b + 0.4), corner_color),
        (f"output cell {other} away from its number", other_point, CYAN),
        (
            "current output cell away from its number",
            grid_point(OUTPUT_ORIGIN, a + 0.15, b + 0.5),
            shaded(CYAN),
        ),
    ]
    for what, point, _ in found:
        assert _clear(point, frame), what
    return found


def _clear(point: Point, frame: int) -> bool:
    return all(distance_to_segment(point, line) > 3 for line in window_lines(frame))


def require(tool: str) -> str:
    """The tool's path, or skip (fail under CI=true): see support.tools."""
    return require_tool(tool)


def render_pdf(pdf: Path, page: int, dpi: int = 144) -> Image.Image:
    """Page ``page`` (1-based) of ``pdf`` as an RGB image; fails on any poppler warning."""
    prefix = pdf.with_name(f"{pdf.stem}-page{page}")
    done = subprocess.run(
        [
            require("pdftoppm"),
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-png",
            "-singlefile",
            str(pdf),
            str(prefix),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stderr == "", done.stderr
    with Image.open(prefix.with_suffix(".png")) as image:
        converted: Image.Image = image.convert("RGB")
    return converted


def assert_probes(image: Image.Image, frame: int, tolerance: int = 4) -> None:
    for what, (x, y), expected in probes(frame):
        pixel = image.getpixel((int(x), int(y)))
        assert isinstance(pixel, tuple)
        assert all(abs(p - e) <= tolerance for p, e in zip(pixel, expected, strict=True)), (
            f"frame {frame}, {what} at {(x, y)}: {pixel} instead of {expected}"
        )
