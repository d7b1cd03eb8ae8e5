"""The arithmetic view: the original guide's slanted grids.

Both maps are drawn as sheared grids (the original's TikZ ``xslant=-0.7,
yslant=0.5``), the output floating above the input by the grid's height plus
one cell.  Each frame shades the taps of the window on the input grid (only
the taps a dilated kernel reads), outlines the window, joins its corners to
the current output cell with four thin lines, and shades that output cell.
Padding and inserted zeros are dashed empty cells.

Coordinates follow the original: ``x`` runs along a row (columns), ``y`` up
the map (row ``r`` of an ``H``-row grid spans ``y`` from ``H - r - 1`` to
``H - r``); :class:`Shear` maps them to the canvas.

>>> Shear(10)(1, 0), Shear(10)(0, 1)
((10.0, -5.0), (-7.0, -6.5))
"""

from __future__ import annotations

from dataclasses import dataclass

from convarith.draw.geometry import Box, points_box, text_box, union
from convarith.draw.labels import caption_texts, input_label, output_label
from convarith.draw.layers import classic_layers
from convarith.draw.lettering import (
    Line,
    base_size,
    centred,
    fit,
    line_room,
    lines_above,
    lines_below,
    widest,
    wrap,
)
from convarith.draw.panels import index2, shape2
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
from convarith.scenes.model import Frame, Scene

__all__ = ["Shear", "slanted_layers", "slanted_outlines"]


@dataclass(frozen=True)
class Shear:
    """The original's projection: grid coordinates (cells) to canvas units."""

    cell: float
    dx: float = 0.0
    dy: float = 0.0

    def __call__(self, x: float, y: float, lift: float = 0.0) -> Point:
        """Canvas point of grid point ``(x, y)``, raised by ``lift`` cells."""
        c = self.cell
        return (self.dx + c * (x - 0.7 * y), self.dy - c * (0.5 * x + 0.65 * y + lift))

    def quad(
        self, x0: float, y0: float, x1: float, y1: float, lift: float = 0.0
    ) -> tuple[Point, ...]:
        """The parallelogram of the grid rectangle ``[x0, x1] x [y0, y1]``."""
        return (self(x0, y1, lift), self(x1, y1, lift), self(x1, y0, lift), self(x0, y0, lift))


class _Geometry:
    """Sizes and the projection of one slanted figure, with labels of at least ``need`` units."""

    def __init__(self, scene: Scene, style: Style, cell: float, need: float = 0.0) -> None:
        self.scene = scene
        self.style = style
        self.cell = cell
        self.rows, self.cols = shape2(scene.grid_shape)
        self.out_rows, self.out_cols = shape2(scene.output_shape)
        self.one_d = len(scene.grid_shape) == 1
        self.lift = self.rows + 1
        # A 1-D output strip sits centred over the input strip.
        self.out_x = (self.cols - self.out_cols) / 2 if self.one_d else 0.0
        self.shear = Shear(cell)
        self.thick = style.thick * cell
        base = base_size(cell)
        self.title_size = max(base, need)
        self.note_size = max(0.85 * base, need)

    def in_cell(self, r: int, c: int) -> tuple[Point, ...]:
        return self.shear.quad(c, self.rows - r - 1, c + 1, self.rows - r)

    def out_point(self, x: float, y: float) -> Point:
        return self.shear(self.out_x + x, y, self.lift)

    def out_cell(self, r: int, c: int) -> tuple[Point, ...]:
        x = self.out_x + c
        return self.shear.quad(x, self.out_rows - r - 1, x + 1, self.out_rows - r, self.lift)

    def input_box(self) -> Box:
        s = self.shear
        return points_box([s(0, 0), s(self.cols, 0), s(0, self.rows), s(self.cols, self.rows)])

    def output_box(self) -> Box:
        p = self.out_point
        return points_box(
            [p(0, 0), p(self.out_cols, 0), p(0, self.out_rows), p(self.out_cols, self.out_rows)]
        )

    def texts(self) -> list[Text]:
        """The output's label over both maps; the input's label and notes under them; the caption."""
        st = self.style
        if not st.labels and not st.caption:
            return []
        maps = union([self.input_box(), self.output_box()])
        left, top, right, bottom = maps
        room = right - left
        texts: list[Text] = []
        below: list[Line] = []
        if st.labels:
            main, detail = input_label(self.scene.config, self.scene.grid_shape)
            below.append((main, self.title_size, True, st.text_color))
            if detail:
                below += [
                    (line, self.note_size, False, st.label_color)
                    for line in wrap(detail, self.note_size, line_room(room, self.note_size))
                ]
            above: list[Line] = [
                (output_label(self.scene.config), self.title_size, True, st.text_color)
            ]
            o_left, _, o_right, _ = self.output_box()
            x = centred((o_left + o_right) / 2, widest(above), left, right)
            texts += lines_above(x, top - 0.3 * self.title_size, above)[0]
            i_left, _, i_right, _ = self.input_box()
            x = centred((i_left + i_right) / 2, widest(below), left, right)
            found, bottom = lines_below(x, bottom + 0.3 * self.title_size, below)
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

    def bounds(self) -> Box:
        boxes = [self.input_box(), self.output_box()]
        boxes += [text_box(t) for t in self.texts()]
        return union(boxes)


def _input_layer(g: _Geometry) -> StaticLayer:
    """Dashed grid over the whole grid, then the input cells over it."""
    s, st = g.shear, g.style
    dash = (st.dash * g.cell, st.dash * g.cell)
    prims: list[Primitive] = []
    for y in range(g.rows + 1):
        prims.append(Polyline((s(0, y), s(g.cols, y)), st.line_color, g.thick, dash=dash))
    for x in range(g.cols + 1):
        prims.append(Polyline((s(x, 0), s(x, g.rows)), st.line_color, g.thick, dash=dash))
    grid = g.scene.grid
    row_kinds = grid[0].kinds if len(grid) == 2 else ("input",)
    col_kinds = grid[-1].kinds
    for r, rk in enumerate(row_kinds):
        if rk != "input":
            continue
        for c, ck in enumerate(col_kinds):
            if ck == "input":
                prims.append(
                    Polygon(
                        g.in_cell(r, c),
                        fill=st.input_color,
                        stroke=st.line_color,
                        stroke_width=g.thick,
                    )
                )
    return StaticLayer(tuple(prims))


def _window_prims(g: _Geometry, frame: Frame) -> tuple[Primitive, ...]:
    """Shaded taps, the window's outline grid, and the four connector lines."""
    s, st = g.shear, g.style
    prims: list[Primitive] = []
    for tap in frame.taps:
        r, c = index2(tap.grid)
        # The original also outlines each tap at 40 %; the window's grid drawn next covers
        # every such edge with a solid line, so that outline would never show.
        prims.append(
            Polygon(
                g.in_cell(r, c),
                fill=st.shade_color,
                fill_opacity=st.shade_opacity,
            )
        )
    (r0, r1), (c0, c1) = ((0, 1), frame.window[0]) if len(frame.window) == 1 else frame.window
    top, bottom = g.rows - r0, g.rows - r1
    for r in range(r0, r1 + 1):
        prims.append(Polyline((s(c0, g.rows - r), s(c1, g.rows - r)), st.line_color, g.thick))
    for c in range(c0, c1 + 1):
        prims.append(Polyline((s(c, top), s(c, bottom)), st.line_color, g.thick))
    orow, ocol = index2(frame.output)
    out_top, out_bottom = g.out_rows - orow, g.out_rows - orow - 1
    thin = st.thin * g.cell
    joins: tuple[tuple[int, int, int, int], ...]
    if g.one_d:
        # Strips one cell deep: join the window's far edge to the output cell's near
        # edge, so that no line passes under the output strip.
        joins = ((c0, top, ocol, out_bottom), (c1, top, ocol + 1, out_bottom))
    else:
        joins = (
            (c0, bottom, ocol, out_bottom),
            (c1, bottom, ocol + 1, out_bottom),
            (c0, top, ocol, out_top),
            (c1, top, ocol + 1, out_top),
        )
    for x_in, y_in, x_out, y_out in joins:
        prims.append(Polyline((s(x_in, y_in), g.out_point(x_out, y_out)), st.line_color, thin))
    return tuple(prims)


def _output_layer(g: _Geometry) -> StaticLayer:
    st = g.style
    return StaticLayer(
        tuple(
            Polygon(
                g.out_cell(r, c), fill=st.output_color, stroke=st.line_color, stroke_width=g.thick
            )
            for r in range(g.out_rows)
            for c in range(g.out_cols)
        )
    )


def _highlight(g: _Geometry, frame: Frame) -> tuple[Primitive, ...]:
    st = g.style
    quad = g.out_cell(*index2(frame.output))
    return (
        Polygon(quad, fill=st.shade_color, fill_opacity=st.shade_opacity),
        Polygon(quad, stroke=st.line_color, stroke_width=g.thick),
    )


def slanted_layers(
    scene: Scene, style: Style, cell: float, margin: float
) -> tuple[tuple[FigureLayer, ...], float, float]:
    """The layers of the arithmetic view, and the canvas width and height.

    Layer order follows the original: the input grid, the window with its
    connector lines, the output map (over the lines), the current output
    cell, the labels.
    """
    g, width, height = _placed(scene, style, cell, margin)
    layers = classic_layers(
        _input_layer(g),
        lambda frame: _window_prims(g, frame),
        _output_layer(g),
        lambda frame: _highlight(g, frame),
        scene.frames,
        g.texts(),
    )
    return layers, width, height


def _placed(
    scene: Scene, style: Style, cell: float, margin: float
) -> tuple[_Geometry, float, float]:
    """The geometry with its labels sized and the whole moved inside the margin; canvas width and height."""
    if len(scene.grid_shape) > 2:
        raise ValueError("the slanted view draws 1-D and 2-D scenes")

    def width(g: _Geometry) -> float:
        left, _, right, _ = g.bounds()
        return right - left + 2 * margin

    g = fit(lambda need: _Geometry(scene, style, cell, need), width)
    left, top, right, bottom = g.bounds()
    g.shear = Shear(cell, margin - left, margin - top)
    return g, right - left + 2 * margin, bottom - top + 2 * margin


def slanted_outlines(
    scene: Scene, style: Style, cell: float, margin: float
) -> tuple[tuple[tuple[Point, ...], ...], tuple[tuple[Point, ...], ...], float, float]:
    """Where the cells of :func:`slanted_layers`' figure are: the grid's, the output's, the canvas size.

    Each cell is the parallelogram the figure draws for it (same corners,
    same order), row-major: every position of the drawn grid (input cells,
    padding and inserted zeros alike), then every output cell.  Nothing is
    drawn.

    >>> from convarith.scenes.build import scene
    >>> grid, output, width, height = slanted_outlines(scene("conv", (3,), kernel_size=2), Style(), 30, 21)
    >>> len(grid), len(output), len(grid[0])
    (3, 2, 4)
    """
    g, width, height = _placed(scene, style, cell, margin)
    grid = tuple(g.in_cell(r, c) for r in range(g.rows) for c in range(g.cols))
    output = tuple(g.out_cell(r, c) for r in range(g.out_rows) for c in range(g.out_cols))
    return grid, output, width, height
