"""The numerical view: flat grids with the values in the cells.

As in the original's numerical figures: the input grid (padding and inserted
zeros dashed) with a value in every cell, the window shaded with the kernel
weights as small subscripts in its cells, and the output to the right,
vertically centred, its values printed with one decimal.  For a transposed
convolution the grid is the equivalent direct convolution's stretched,
padded input and the subscripts are the flipped kernel as it is applied.
"""

from __future__ import annotations

from typing import Any

from convarith.core.errors import ConvArithError
from convarith.draw.geometry import Box, overlap, text_box, union
from convarith.draw.labels import caption_lines, input_label, output_label
from convarith.draw.layers import classic_layers
from convarith.draw.panels import fit_size, index2, nested, shape2
from convarith.draw.style import Style
from convarith.figure.primitives import (
    FigureLayer,
    Point,
    Polygon,
    Polyline,
    Primitive,
    StaticLayer,
    Text,
)
from convarith.scene.model import Frame, Scene

__all__ = ["flat_layers", "format_value"]


def format_value(value: float) -> str:
    """An output value with one decimal, as the original prints them.

    >>> format_value(12), format_value(2.6667), format_value(-0.04)
    ('12.0', '2.7', '0.0')
    """
    if value != value or value in (float("inf"), float("-inf")):
        return {float("inf"): "∞", float("-inf"): "−∞"}.get(value, "NaN")
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


class _Flat:
    """Geometry of one numerical figure: input grid at the origin, output to its right."""

    def __init__(self, scene: Scene, style: Style, cell: float) -> None:
        if scene.values is None:
            raise ConvArithError("the numerical view needs a numerical scene (numerical=True)")
        self.scene = scene
        self.values = scene.values
        self.style = style
        self.cell = cell
        self.rows, self.cols = shape2(scene.grid_shape)
        self.out_rows, self.out_cols = shape2(scene.output_shape)
        self.out_x = self.cols + 1
        self.out_y = (self.rows - self.out_rows) // 2
        self.dx = 0.0
        self.dy = 0.0
        self.thick = style.thick * cell
        self.label_size = max(11.0, min(16.0, 0.5 * cell + 3))

    def point(self, x: float, y: float) -> Point:
        return (self.dx + x * self.cell, self.dy + y * self.cell)

    def rect(self, x0: float, y0: float, x1: float, y1: float) -> tuple[Point, ...]:
        return (self.point(x0, y0), self.point(x1, y0), self.point(x1, y1), self.point(x0, y1))

    def grid_value(self, r: int, c: int) -> Any:
        index = (c,) if len(self.scene.grid_shape) == 1 else (r, c)
        return nested(self.values.grid, index)

    def texts(self) -> list[Text]:
        """Labels on one line under both maps (pushed apart if they would overlap), then the caption."""
        st, size = self.style, self.label_size
        texts: list[Text] = []
        in_x = self.point(self.cols / 2, 0)[0]
        out_x = self.point(self.out_x + self.out_cols / 2, 0)[0]
        y = self.point(0, max(self.rows, self.out_y + self.out_rows))[1] + 0.9 * size
        if st.labels:
            main, detail = input_label(self.scene.config, self.scene.grid_shape)
            first = Text((in_x, y), main, size, st.text_color, bold=True)
            second = Text(
                (out_x, y), output_label(self.scene.config), size, st.text_color, bold=True
            )
            # Keep at least one em between the two labels.
            push = overlap(text_box(first), text_box(second)) + size
            if push > 0:
                second = Text((out_x + push, y), second.text, size, st.text_color, bold=True)
            texts += [first, second]
            if detail:
                y += 1.3 * size
                texts.append(Text((in_x, y), detail, 0.85 * size, st.label_color))
        if st.caption:
            y += 0.6 * size
            centre = self.point((self.out_x + self.out_cols) / 2, 0)[0]
            for line in caption_lines(self.scene.config):
                y += 1.35 * size
                texts.append(Text((centre, y), line, 0.85 * size, st.label_color))
        return texts

    def bounds(self) -> Box:
        boxes = [
            (*self.point(0, 0), *self.point(self.cols, self.rows)),
            (
                *self.point(self.out_x, self.out_y),
                *self.point(self.out_x + self.out_cols, self.out_y + self.out_rows),
            ),
        ]
        boxes += [text_box(t) for t in self.texts()]
        return union(boxes)


def _input_layer(f: _Flat) -> StaticLayer:
    st = f.style
    dash = (st.dash * f.cell, st.dash * f.cell)
    prims: list[Primitive] = []
    for y in range(f.rows + 1):
        prims.append(
            Polyline((f.point(0, y), f.point(f.cols, y)), st.line_color, f.thick, dash=dash)
        )
    for x in range(f.cols + 1):
        prims.append(
            Polyline((f.point(x, 0), f.point(x, f.rows)), st.line_color, f.thick, dash=dash)
        )
    grid = f.scene.grid
    row_kinds = grid[0].kinds if len(grid) == 2 else ("input",)
    col_kinds = grid[-1].kinds
    size = 0.5 * f.cell
    for r, rk in enumerate(row_kinds):
        for c, ck in enumerate(col_kinds):
            if rk == "input" and ck == "input":
                prims.append(
                    Polygon(
                        f.rect(c, r, c + 1, r + 1),
                        fill=st.input_color,
                        stroke=st.line_color,
                        stroke_width=f.thick,
                    )
                )
    for r in range(f.rows):
        for c in range(f.cols):
            value = f.grid_value(r, c)
            if value is not None:
                text = str(value)
                prims.append(
                    Text(
                        f.point(c + 0.5, r + 0.5),
                        text,
                        fit_size(text, size, 0.8 * f.cell),
                        st.value_color,
                    )
                )
    return StaticLayer(tuple(prims))


def _window(f: _Flat, frame: Frame) -> tuple[Primitive, ...]:
    st = f.style
    prims: list[Primitive] = []
    for tap in frame.taps:
        r, c = index2(tap.grid)
        prims.append(
            Polygon(f.rect(c, r, c + 1, r + 1), fill=st.shade_color, fill_opacity=st.shade_opacity)
        )
    (r0, r1), (c0, c1) = ((0, 1), frame.window[0]) if len(frame.window) == 1 else frame.window
    for r in range(r0, r1 + 1):
        prims.append(Polyline((f.point(c0, r), f.point(c1, r)), st.line_color, f.thick))
    for c in range(c0, c1 + 1):
        prims.append(Polyline((f.point(c, r0), f.point(c, r1)), st.line_color, f.thick))
    weights = f.values.weights
    if weights is not None:
        size = 0.3 * f.cell
        for tap in frame.taps:
            r, c = index2(tap.grid)
            text = str(nested(weights, tap.kernel))
            prims.append(
                Text(
                    f.point(c + 0.8, r + 0.78),
                    text,
                    fit_size(text, size, 0.35 * f.cell),
                    st.value_color,
                )
            )
    return tuple(prims)


def _output_layer(f: _Flat) -> StaticLayer:
    st = f.style
    prims: list[Primitive] = []
    size = 0.36 * f.cell
    for r in range(f.out_rows):
        for c in range(f.out_cols):
            x, y = f.out_x + c, f.out_y + r
            prims.append(
                Polygon(
                    f.rect(x, y, x + 1, y + 1),
                    fill=st.output_color,
                    stroke=st.line_color,
                    stroke_width=f.thick,
                )
            )
    for r in range(f.out_rows):
        for c in range(f.out_cols):
            index = (c,) if len(f.scene.output_shape) == 1 else (r, c)
            text = format_value(nested(f.values.output, index))
            prims.append(
                Text(
                    f.point(f.out_x + c + 0.5, f.out_y + r + 0.5),
                    text,
                    fit_size(text, size, 0.85 * f.cell),
                    st.value_color,
                )
            )
    return StaticLayer(tuple(prims))


def _highlight(f: _Flat, frame: Frame) -> tuple[Primitive, ...]:
    st = f.style
    r, c = index2(frame.output)
    quad = f.rect(f.out_x + c, f.out_y + r, f.out_x + c + 1, f.out_y + r + 1)
    return (
        Polygon(quad, fill=st.shade_color, fill_opacity=st.shade_opacity),
        Polygon(quad, stroke=st.line_color, stroke_width=f.thick),
    )


def flat_layers(
    scene: Scene, style: Style, cell: float, margin: float
) -> tuple[tuple[FigureLayer, ...], float, float]:
    """The layers of the numerical view, and the canvas width and height."""
    f = _Flat(scene, style, cell)
    left, top, right, bottom = f.bounds()
    f.dx, f.dy = margin - left, margin - top
    layers = classic_layers(
        _input_layer(f),
        lambda frame: _window(f, frame),
        _output_layer(f),
        lambda frame: _highlight(f, frame),
        scene.frames,
        f.texts(),
    )
    return layers, right - left + 2 * margin, bottom - top + 2 * margin
