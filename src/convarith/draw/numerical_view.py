"""The numerical view: flat grids with the values in the cells.

As in the original's numerical figures: the input grid (padding and inserted
zeros dashed) with a value in every cell, the window shaded with the kernel
weights as small subscripts in its cells, and the output to the right,
vertically centred, its values printed with one decimal.  For a transposed
convolution the grid is the equivalent direct convolution's stretched,
padded input and the subscripts are the flipped kernel as it is applied (a
note says so).  A max-pooling window frames the cell(s) holding its maximum.

Values are at least as large, relative to the cell, as the original's
(inputs 0.39 of a cell tall, subscripts and outputs 0.24), and each is drawn
in a colour that keeps 4.5:1 contrast on its cell, shaded or not
(:meth:`Style.ink`): a value under the moving window is drawn again over
the shading.
"""

from __future__ import annotations

from typing import Any

from convarith.core.errors import ConvArithError
from convarith.draw.geometry import Box, points_box, text_box, union
from convarith.draw.labels import caption_texts, input_label, output_label
from convarith.draw.layers import classic_layers
from convarith.draw.lettering import (
    LegendRow,
    Line,
    base_size,
    centred,
    fit,
    legend,
    line_room,
    lines_below,
    widest,
    wrap,
)
from convarith.draw.panels import fit_size, index2, nested, shape2
from convarith.draw.style import Style
from convarith.figure.primitives import (
    Color,
    FigureLayer,
    Point,
    Polygon,
    Polyline,
    Primitive,
    StaticLayer,
    Text,
)
from convarith.scenes.model import Frame, Scene

__all__ = [
    "INPUT_SIZE",
    "OUTPUT_SIZE",
    "WEIGHT_SIZE",
    "flat_layers",
    "flat_outlines",
    "format_value",
]

#: Font sizes relative to the cell: input values, weight subscripts, output values.
INPUT_SIZE = 0.56
WEIGHT_SIZE = 0.36
OUTPUT_SIZE = 0.42
#: Where a subscript sits in its cell (fractions of the cell from its top-left corner).
_SUBSCRIPT = (0.82, 0.76)


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

    def __init__(self, scene: Scene, style: Style, cell: float, need: float = 0.0) -> None:
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
        base = base_size(cell)
        self.title_size = max(base, need)
        self.note_size = max(0.85 * base, need)
        self.kinds = _kinds(scene)

    def point(self, x: float, y: float) -> Point:
        return (self.dx + x * self.cell, self.dy + y * self.cell)

    def rect(self, x0: float, y0: float, x1: float, y1: float) -> tuple[Point, ...]:
        return (self.point(x0, y0), self.point(x1, y0), self.point(x1, y1), self.point(x0, y1))

    def grid_value(self, r: int, c: int) -> Any:
        index = (c,) if len(self.scene.grid_shape) == 1 else (r, c)
        return nested(self.values.grid, index)

    def under(self, r: int, c: int) -> Color:
        """The colour of grid cell ``(r, c)``: input, or the paper of a dashed cell."""
        return self.style.input_color if self.kinds(r, c) else self.style.paper

    def notes(self) -> list[str]:
        """What the input's dashed cells hold, and what the subscripts and frames mean."""
        config = self.scene.config
        _, detail = input_label(config, self.scene.grid_shape)
        notes = [detail] if detail else []
        if config.transposed:
            notes.append("subscripts: the kernel, flipped")
        elif self.values.weights is not None:
            notes.append("subscripts: the kernel's weights")
        if config.op == "max_pool":
            notes.append("framed: each window's maximum")
        return notes

    def maps_box(self) -> Box:
        return union(
            [
                (*self.point(0, 0), *self.point(self.cols, self.rows)),
                (
                    *self.point(self.out_x, self.out_y),
                    *self.point(self.out_x + self.out_cols, self.out_y + self.out_rows),
                ),
            ]
        )

    def texts(self) -> list[Primitive]:
        """Labels under the maps (a legend when they do not fit side by side), then the caption."""
        st = self.style
        left, _, right, bottom = self.maps_box()
        room = right - left
        texts: list[Primitive] = []
        if st.labels:
            found, bottom = self._labels()
            texts += found
        if st.caption:
            texts += caption_texts(
                self.scene.config,
                (left + right) / 2,
                bottom,
                self.note_size,
                line_room(room, self.note_size),
                st.label_color,
            )
        return texts

    def _labels(self) -> tuple[list[Primitive], float]:
        """Each map's label under it, the notes under both; the bottom they reach.

        When the two would collide, they become a legend under both maps,
        each map's label underlined in the map's colour.
        """
        st = self.style
        config = self.scene.config
        left, _, right, bottom = self.maps_box()
        room = right - left
        gap = 0.3 * self.title_size
        main, _ = input_label(config, self.scene.grid_shape)
        notes = [
            (line, self.note_size, False, st.label_color)
            for note in self.notes()
            for line in wrap(note, self.note_size, line_room(room, self.note_size))
        ]
        first: list[Line] = [(main, self.title_size, True, st.text_color)]
        in_x = self.point(self.cols / 2, 0)[0]
        below, end = lines_below(centred(in_x, widest(first), left, right), bottom + gap, first)
        out: list[Line] = [(output_label(config), self.title_size, True, st.text_color)]
        out_x = self.point(self.out_x + self.out_cols / 2, 0)[0]
        beside, _ = lines_below(centred(out_x, widest(out), left, right), bottom + gap, out)
        if not any(
            _crowded(text_box(a), text_box(b), self.title_size) for a in beside for b in below
        ):
            # The notes under both labels, centred on the figure like the caption.
            found, end = lines_below((left + right) / 2, end + 0.2 * self.note_size, notes)
            return [*below, *beside, *found], end
        return self._legend(main, [line[0] for line in notes], output_label(config), bottom + gap)

    def _legend(
        self, main: str, notes: list[str], out: str, top: float
    ) -> tuple[list[Primitive], float]:
        """The labels one under the other, each map's underlined in the map's colour."""
        st, size, note = self.style, self.title_size, self.note_size
        rows: list[LegendRow] = [
            (main, size, True, st.text_color, st.input_color),
            *((n, note, False, st.label_color, None) for n in notes),
            (out, size, True, st.text_color, st.output_color),
        ]
        left, _, right, _ = self.maps_box()
        return legend((left + right) / 2, top, rows, st.line_color, line_room(right - left, note))

    def bounds(self) -> Box:
        return union([self.maps_box(), *(_box(p) for p in self.texts())])


def _crowded(a: Box, b: Box, size: float) -> bool:
    """Whether two lines on one row come closer than one em (or overlap)."""
    same_row = min(a[3], b[3]) - max(a[1], b[1]) > 0
    return same_row and min(a[2], b[2]) - max(a[0], b[0]) > -size


def _box(p: Primitive) -> Box:
    return text_box(p) if isinstance(p, Text) else points_box(p.points)


def _kinds(scene: Scene) -> Any:
    """``(r, c) -> bool``: whether grid cell ``(r, c)`` holds an input value."""
    grid = scene.grid
    row_kinds = grid[0].kinds if len(grid) == 2 else ("input",)
    col_kinds = grid[-1].kinds
    return lambda r, c: row_kinds[r] == "input" and col_kinds[c] == "input"


def _value(f: _Flat, r: int, c: int, color: Color) -> Text | None:
    value = f.grid_value(r, c)
    if value is None:
        return None
    text = str(value)
    size = fit_size(text, INPUT_SIZE * f.cell, 0.8 * f.cell)
    return Text(f.point(c + 0.5, r + 0.5), text, size, color, kind="value")


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
    for r in range(f.rows):
        for c in range(f.cols):
            if f.kinds(r, c):
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
            text = _value(f, r, c, st.ink(f.under(r, c)))
            if text is not None:
                prims.append(text)
    return StaticLayer(tuple(prims))


def _maxima(f: _Flat, frame: Frame) -> set[tuple[int, int]]:
    """The window's cells that hold its maximum (max pooling only)."""
    if f.scene.config.op != "max_pool":
        return set()
    read = [(index2(t.grid), f.grid_value(*index2(t.grid))) for t in frame.taps]
    values = [v for _, v in read if v is not None]
    if not values:
        return set()
    top = max(values)
    return {cell for cell, v in read if v == top}


def _window(f: _Flat, frame: Frame) -> tuple[Primitive, ...]:
    """Shaded taps with their values redrawn over the shading, the window's grid, subscripts, maxima."""
    st = f.style
    prims: list[Primitive] = []
    taps = [index2(tap.grid) for tap in frame.taps]
    for r, c in taps:
        prims.append(
            Polygon(f.rect(c, r, c + 1, r + 1), fill=st.shade_color, fill_opacity=st.shade_opacity)
        )
    for r, c in taps:
        text = _value(f, r, c, st.ink(st.shaded(f.under(r, c))))
        if text is not None:
            prims.append(text)
    (r0, r1), (c0, c1) = ((0, 1), frame.window[0]) if len(frame.window) == 1 else frame.window
    for r in range(r0, r1 + 1):
        prims.append(Polyline((f.point(c0, r), f.point(c1, r)), st.line_color, f.thick))
    for c in range(c0, c1 + 1):
        prims.append(Polyline((f.point(c, r0), f.point(c, r1)), st.line_color, f.thick))
    weights = f.values.weights
    if weights is not None:
        size = WEIGHT_SIZE * f.cell
        for tap in frame.taps:
            r, c = index2(tap.grid)
            weight = str(nested(weights, tap.kernel))
            prims.append(
                Text(
                    f.point(c + _SUBSCRIPT[0], r + _SUBSCRIPT[1]),
                    weight,
                    fit_size(weight, size, 0.3 * f.cell),
                    st.ink(st.shaded(f.under(r, c))),
                    kind="value",
                )
            )
    inset = 1.6 * f.thick
    for r, c in sorted(_maxima(f, frame)):
        x0, y0 = f.point(c, r)
        x1, y1 = f.point(c + 1, r + 1)
        prims.append(
            Polygon(
                (
                    (x0 + inset, y0 + inset),
                    (x1 - inset, y0 + inset),
                    (x1 - inset, y1 - inset),
                    (x0 + inset, y1 - inset),
                ),
                stroke=st.mark_color,
                stroke_width=2 * f.thick,
            )
        )
    return tuple(prims)


def _output_value(f: _Flat, r: int, c: int, color: Color) -> Text:
    index = (c,) if len(f.scene.output_shape) == 1 else (r, c)
    text = format_value(nested(f.values.output, index))
    return Text(
        f.point(f.out_x + c + 0.5, f.out_y + r + 0.5),
        text,
        fit_size(text, OUTPUT_SIZE * f.cell, 0.88 * f.cell),
        color,
        kind="value",
    )


def _output_layer(f: _Flat) -> StaticLayer:
    st = f.style
    prims: list[Primitive] = []
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
    ink = st.ink(st.output_color)
    prims += [_output_value(f, r, c, ink) for r in range(f.out_rows) for c in range(f.out_cols)]
    return StaticLayer(tuple(prims))


def _highlight(f: _Flat, frame: Frame) -> tuple[Primitive, ...]:
    st = f.style
    r, c = index2(frame.output)
    quad = f.rect(f.out_x + c, f.out_y + r, f.out_x + c + 1, f.out_y + r + 1)
    prims: list[Primitive] = [
        Polygon(quad, fill=st.shade_color, fill_opacity=st.shade_opacity),
        Polygon(quad, stroke=st.line_color, stroke_width=f.thick),
    ]
    prims.append(_output_value(f, r, c, st.ink(st.shaded(st.output_color))))
    return tuple(prims)


def flat_layers(
    scene: Scene, style: Style, cell: float, margin: float
) -> tuple[tuple[FigureLayer, ...], float, float]:
    """The layers of the numerical view, and the canvas width and height."""
    f, width, height = _placed(scene, style, cell, margin)
    layers = classic_layers(
        _input_layer(f),
        lambda frame: _window(f, frame),
        _output_layer(f),
        lambda frame: _highlight(f, frame),
        scene.frames,
        f.texts(),
    )
    return layers, width, height


def _placed(scene: Scene, style: Style, cell: float, margin: float) -> tuple[_Flat, float, float]:
    """The geometry with its labels sized and the whole moved inside the margin; canvas width and height."""

    def width(f: _Flat) -> float:
        left, _, right, _ = f.bounds()
        return right - left + 2 * margin

    f = fit(lambda need: _Flat(scene, style, cell, need), width)
    left, top, right, bottom = f.bounds()
    f.dx, f.dy = margin - left, margin - top
    return f, right - left + 2 * margin, bottom - top + 2 * margin


def flat_outlines(
    scene: Scene, style: Style, cell: float, margin: float
) -> tuple[tuple[tuple[Point, ...], ...], tuple[tuple[Point, ...], ...], float, float]:
    """Where the cells of :func:`flat_layers`' figure are: the grid's, the output's, the canvas size.

    Each cell is the square the figure draws for it (same corners, same
    order), row-major: every position of the drawn grid (input cells,
    padding and inserted zeros alike), then every output cell.  Nothing is
    drawn.

    >>> from convarith.scenes.build import scene
    >>> s = scene("conv", (3,), kernel_size=2, padding=1, numerical=True)
    >>> grid, output, width, height = flat_outlines(s, Style(), 30, 21)
    >>> len(grid), len(output), grid[1][0][0] - grid[0][0][0]
    (5, 4, 30.0)
    """
    f, width, height = _placed(scene, style, cell, margin)
    grid = tuple(f.rect(c, r, c + 1, r + 1) for r in range(f.rows) for c in range(f.cols))
    output = tuple(
        f.rect(f.out_x + c, f.out_y + r, f.out_x + c + 1, f.out_y + r + 1)
        for r in range(f.out_rows)
        for c in range(f.out_cols)
    )
    return grid, output, width, height
