"""The matrix view: ``y = C x`` (or ``x' = Cᵀ y'``) under the maps it flattens.

Top: the input map, the kernel (a letter for each weight, or its value in
the numerical variant) and the output map.  Under them: the input flattened
row by row into a row of cells over the matrix's columns, the output
flattened into a column beside its rows, and the matrix, each non-zero entry
naming its weight.  For a convolution each frame highlights one row of ``C``
(one output cell) with the input cells it reads.  For a transposed
convolution each frame highlights one column of ``Cᵀ`` (one input cell) with
the output cells it feeds, and, in the numerical variant, adds that column
times its input into ``x'``: the output fills up column by column, as the
scatter view fills it, and holds the final values only after the last frame.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from convarith.core.text import shape_text
from convarith.draw.geometry import Box, points_box, text_box, union
from convarith.draw.labels import caption_texts
from convarith.draw.lettering import (
    LegendRow,
    Line,
    base_size,
    centred,
    fit,
    legend,
    lines_above,
    lines_below,
    lines_height,
    widest,
    wrap,
)
from convarith.draw.numerical_view import format_value
from convarith.draw.panels import Panel, shape2, shift
from convarith.draw.style import Style
from convarith.figure.primitives import (
    Color,
    DynamicLayer,
    FigureLayer,
    Polygon,
    Primitive,
    StaticLayer,
    Text,
)
from convarith.scenes.matrix import MatrixScene

__all__ = ["matrix_layers", "weight_names"]

_EMPTY_LINE_OPACITY = 0.25
#: Value sizes relative to the cell: inputs and weights, outputs, cell numbers.
_VALUE, _OUTPUT, _INDEX = 0.5, 0.42, 0.4


def weight_names(count: int) -> list[str]:
    """Short names for kernel positions: letters, then numbers past 26.

    >>> weight_names(4)
    ['a', 'b', 'c', 'd']
    """
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [letters[n] if count <= 26 else str(n) for n in range(count)]


def _flat_values(values: object) -> list[float]:
    return [float(v) for v in np.asarray(values, dtype=float).reshape(-1)]


class _Layout:
    def __init__(
        self, ms: MatrixScene, style: Style, cell: float, numerical: bool, need: float = 0.0
    ) -> None:
        c = ms.config
        self.ms, self.style, self.cell, self.numerical = ms, style, cell, numerical
        base = base_size(cell)
        self.title_size = max(base, need)
        self.note_size = max(0.85 * base, need)
        n_out, n_in = ms.matrix.shape
        # What the figure calls input and output: the transposed convolution's own, when transposed.
        self.inp = Panel(*shape2(c.input_shape), cell)
        self.out = Panel(*shape2(c.output_shape), cell)
        self.ker = Panel(*shape2(c.kernel_size), cell)
        self.maps = [self.inp, self.ker, self.out]
        row = sum(p.cols for p in self.maps) + 2 * 1.5
        equation = 1 + 2.5 + n_in
        self.width = max(row, equation)
        self.room = self.width * cell
        # The maps, side by side and centred, bottoms aligned.
        height = max(p.rows for p in self.maps)
        x = (self.width - row) / 2
        for panel in self.maps:
            panel.x, panel.y = x, height - panel.rows
            x += panel.cols + 1.5
        y: float = height
        self.map_labels: list[Primitive] = []
        if style.labels:
            self.map_labels = self._map_labels(y * cell + 0.3 * self.title_size)
            y = max(_box(p)[3] for p in self.map_labels) / cell + 0.6 * self.title_size / cell
            y += (lines_height(self._vec_in_label()) + 0.3 * self.title_size) / cell
        else:
            y += 1.0
        left = (self.width - equation) / 2
        self.vec_in = Panel(1, n_in, cell, x=left + 3.5, y=y)
        self.vec_out = Panel(n_out, 1, cell, x=left, y=y + 2)
        self.mat = Panel(n_out, n_in, cell, x=left + 3.5, y=y + 2)
        self.panels = [*self.maps, self.vec_in, self.vec_out, self.mat]
        names = weight_names(int(np.prod(c.kernel_size)))
        w = _flat_values(ms.gather.values.weights) if ms.gather.values else []
        self.weight_text = [
            format_value(v).removesuffix(".0") if numerical else names[n] for n, v in enumerate(w)
        ]

    def names(self) -> tuple[str, str, str]:
        """What the figure calls the input, the output and the matrix."""
        return ("y′", "x′", "Cᵀ") if self.ms.transposed else ("x", "y", "C")

    def map_titles(self) -> list[str]:
        """The labels of the input, the kernel and the output."""
        c = self.ms.config
        x, y, _ = self.names()
        what = "transposed conv " if self.ms.transposed else ""
        return [
            f"{what}input {x}: {shape_text(c.input_shape, '×')}",
            f"kernel {shape_text(c.kernel_size, '×')}",
            f"{what}output {y}: {shape_text(c.output_shape, '×')}",
        ]

    def _map_labels(self, top: float) -> list[Primitive]:
        """Each map's label under it, or a legend under the row when they would crowd."""
        st, size = self.style, self.title_size
        titles = self.map_titles()
        placed: list[Text] = []
        for panel, title in zip(self.maps, titles):
            line: list[Line] = [(title, size, True, st.text_color)]
            x = (panel.box()[0] + panel.box()[2]) / 2
            placed += lines_below(centred(x, widest(line), 0.0, self.room), top, line)[0]
        boxes = [text_box(t) for t in placed]
        if all(a[2] + size <= b[0] for a, b in itertools.pairwise(boxes)):
            return list(placed)
        bars = (st.input_color, st.kernel_color, st.output_color)
        rows: list[LegendRow] = [
            (title, size, True, st.text_color, bar) for title, bar in zip(titles, bars)
        ]
        return legend(self.room / 2, top, rows, st.line_color, self.room)[0]

    def _vec_in_label(self) -> list[Line]:
        x, _, _ = self.names()
        return [
            (line, self.note_size, False, self.style.label_color)
            for line in wrap(f"{x}, flattened row by row", self.note_size, self.room)
        ]

    def _matrix_label(self) -> list[Line]:
        st = self.style
        x, y, m = self.names()
        lines: list[Line] = [
            (f"{m}: {shape_text(self.ms.matrix.shape, '×')}", self.title_size, True, st.text_color),
            (f"{y} = {m} {x}", self.note_size, False, st.label_color),
        ]
        if self.ms.transposed:
            note = "C: the matrix of the convolution it transposes"
            lines += [
                (piece, self.note_size, False, st.label_color)
                for piece in wrap(note, self.note_size, self.room)
            ]
        return lines

    def texts(self) -> list[Primitive]:
        """The ``=`` sign, labels unless turned off, the caption on request."""
        st = self.style
        (_, top, right, _), (left, _, _, _) = self.vec_out.box(), self.mat.box()
        dx, dy = self.vec_out.dx, self.vec_out.dy
        found: list[Primitive] = [
            Text(
                ((right + left) / 2, top + 0.5 * self.cell),
                "=",
                1.2 * self.title_size,
                st.text_color,
                bold=True,
            )
        ]
        bottom = max(p.box()[3] for p in self.panels)
        if st.labels:
            found += [_moved(p, dx, dy) for p in self.map_labels]
            v_left, v_top, v_right, _ = self.vec_in.box()
            found += lines_above(
                centred((v_left + v_right) / 2, widest(self._vec_in_label()), dx, self.room + dx),
                v_top - 0.3 * self.title_size,
                self._vec_in_label(),
            )[0]
            m_left, _, m_right, m_bottom = self.mat.box()
            lines = self._matrix_label()
            found_below, bottom = lines_below(
                centred((m_left + m_right) / 2, widest(lines), dx, self.room + dx),
                m_bottom + 0.3 * self.title_size,
                lines,
            )
            found += found_below
        if st.caption:
            found += caption_texts(
                self.ms.config,
                self.room / 2 + dx,
                bottom,
                self.note_size,
                self.room,
                st.label_color,
            )
        return found

    def bounds(self) -> Box:
        boxes = [p.box() for p in self.panels] + [_box(p) for p in self.texts()]
        return union(boxes)


def _box(p: Primitive) -> Box:
    return text_box(p) if isinstance(p, Text) else points_box(p.points)


def _moved(p: Primitive, dx: float, dy: float) -> Primitive:
    from dataclasses import replace

    if isinstance(p, Text):
        return replace(p, position=(p.position[0] + dx, p.position[1] + dy))
    return replace(p, points=tuple((x + dx, y + dy) for x, y in p.points))


class _Texts:
    """The values of every panel, as drawn in the static layer, to redraw them over a shading."""

    def __init__(self, lay: _Layout) -> None:
        st, ms = lay.style, lay.ms
        self.lay = lay
        values = ms.gather.values
        assert values is not None
        x_in = _flat_values(values.input)
        self.numerical = lay.numerical
        n_out, n_in = ms.matrix.shape
        if lay.numerical:
            inputs = [format_value(v).removesuffix(".0") for v in x_in]
            outputs = [format_value(v) for v in _flat_values(values.output)]
            self.inp = (inputs, _VALUE)
            self.vec_in = (inputs, _VALUE)
            # A transposed convolution's output fills up frame by frame (see _frame).
            self.out = None if ms.transposed else (outputs, _OUTPUT)
        else:
            # Cell numbers show how the maps are flattened, row by row.
            self.inp = ([str(n) for n in range(n_in)], _INDEX)
            self.vec_in = self.inp
            self.out = ([str(n) for n in range(n_out)], _INDEX)
        self.under = {
            "inp": st.input_color,
            "vec_in": st.input_color,
            "out": st.output_color,
            "vec_out": st.output_color,
        }

    def draw(self, which: str, cells: list[tuple[int, int]], shaded: bool) -> list[Primitive]:
        """The values of ``cells`` of one panel; ``shaded``: drawn again over the shading."""
        lay, st = self.lay, self.lay.style
        found = {"inp": self.inp, "vec_in": self.vec_in, "out": self.out, "vec_out": self.out}
        entry = found[which]
        if entry is None:
            return []
        texts, size = entry
        panel: Panel = getattr(lay, which)
        under = self.under[which]
        ink = st.ink(st.shaded(under) if shaded else under)

        def flat(r: int, c: int) -> int:
            return r * panel.cols + c

        return panel.values(((r, c, texts[flat(r, c)]) for r, c in cells), st, size, ink)


def _static(lay: _Layout, values: _Texts) -> list[Primitive]:
    st, ms = lay.style, lay.ms
    prims: list[Primitive] = []
    prims += lay.inp.cells(st, lambda r, c: st.input_color)
    prims += lay.out.cells(st, lambda r, c: st.output_color)
    prims += lay.ker.cells(st, lambda r, c: st.kernel_color)
    prims += lay.ker.values(
        (
            (r, c, lay.weight_text[r * lay.ker.cols + c])
            for r in range(lay.ker.rows)
            for c in range(lay.ker.cols)
        ),
        st,
        color=st.ink(st.kernel_color),
    )
    prims += lay.vec_in.cells(st, lambda r, c: st.input_color)
    prims += lay.vec_out.cells(st, lambda r, c: st.output_color)
    # Zero entries: a faint grid, so the eye follows rows and columns.
    n_out, n_in = ms.matrix.shape
    faint = st.thick * lay.cell
    for r in range(n_out):
        for c in range(n_in):
            if ms.kernel_ids[r, c] < 0:
                prims.append(
                    Polygon(
                        lay.mat.quad(r, c),
                        stroke=st.line_color,
                        stroke_width=faint,
                        stroke_opacity=_EMPTY_LINE_OPACITY,
                    )
                )
    prims += lay.mat.cells(st, lambda r, c: st.kernel_color if ms.kernel_ids[r, c] >= 0 else None)
    prims += lay.mat.values(
        (
            (r, c, lay.weight_text[ms.kernel_ids[r, c]])
            for r in range(n_out)
            for c in range(n_in)
            if ms.kernel_ids[r, c] >= 0
        ),
        st,
        size=0.55,
        color=st.ink(st.kernel_color),
    )
    for which in ("inp", "out", "vec_in", "vec_out"):
        panel: Panel = getattr(lay, which)
        prims += values.draw(which, _all(panel), shaded=False)
    return prims


def _all(panel: Panel) -> list[tuple[int, int]]:
    return [(r, c) for r in range(panel.rows) for c in range(panel.cols)]


def _running(ms: MatrixScene, column: int) -> list[float]:
    """``x'`` after adding the first ``column + 1`` columns of ``Cᵀ``, each times its input."""
    values = ms.gather.values
    assert values is not None
    y = np.asarray(_flat_values(values.input))
    matrix = np.asarray(ms.matrix, dtype=float)
    return [float(v) for v in matrix[:, : column + 1] @ y[: column + 1]]


def _frame(lay: _Layout, values: _Texts, index: int) -> list[Primitive]:
    st, ms = lay.style, lay.ms
    n_out, n_in = ms.matrix.shape
    prims: list[Primitive] = []

    def mark(which: str, cells: list[tuple[int, int]], outline: bool = True) -> None:
        panel: Panel = getattr(lay, which)
        prims.extend(panel.highlight(st, cells, outline=outline))
        prims.extend(values.draw(which, cells, shaded=True))

    if ms.transposed:
        column = index
        feeds = [r for r in range(n_out) if ms.kernel_ids[r, column] >= 0]
        prims += lay.mat.highlight(st, [(r, column) for r in range(n_out)], outline=False)
        prims.append(lay.mat.outline(st, 0, column, n_out, 1))
        mark("vec_in", [(0, column)])
        mark("inp", [divmod(column, lay.inp.cols)])
        mark("vec_out", [(r, 0) for r in feeds])
        mark("out", [divmod(r, lay.out.cols) for r in feeds])
        if lay.numerical:
            prims += _sums(lay, column, feeds)
    else:
        row = index
        reads = [c for c in range(n_in) if ms.kernel_ids[row, c] >= 0]
        prims += lay.mat.highlight(st, [(row, c) for c in range(n_in)], outline=False)
        prims.append(lay.mat.outline(st, row, 0, 1, n_in))
        mark("vec_out", [(row, 0)])
        mark("out", [divmod(row, lay.out.cols)])
        mark("vec_in", [(0, c) for c in reads])
        mark("inp", [divmod(c, lay.inp.cols) for c in reads])
    return prims


def _sums(lay: _Layout, column: int, feeds: list[int]) -> list[Primitive]:
    """``x'`` so far, in ``x'``'s column and map: each cell some column has reached."""
    st, ms = lay.style, lay.ms
    ids = np.asarray(ms.kernel_ids)
    last = column == ms.matrix.shape[1] - 1
    reached = [r for r in range(ms.matrix.shape[0]) if last or (ids[r, : column + 1] >= 0).any()]
    sums = _running(ms, column)
    fed = set(feeds)

    def ink(r: int) -> Color:
        under = st.output_color
        return st.ink(st.shaded(under) if r in fed else under)

    prims: list[Primitive] = []
    for panel, where in (
        (lay.vec_out, lambda r: (r, 0)),
        (lay.out, lambda r: divmod(r, lay.out.cols)),
    ):
        place: Callable[[int], tuple[int, int]] = where
        for r in reached:
            prims += panel.values([(*place(r), format_value(sums[r]))], st, _OUTPUT, ink(r))
    return prims


def matrix_layers(
    ms: MatrixScene, style: Style, cell: float, margin: float, numerical: bool = False
) -> tuple[tuple[FigureLayer, ...], float, float]:
    """The layers of the matrix view, and the canvas width and height."""

    def width(lay: _Layout) -> float:
        left, _, right, _ = lay.bounds()
        return right - left + 2 * margin

    lay = fit(lambda need: _Layout(ms, style, cell, numerical, need), width)
    left, top, right, bottom = lay.bounds()
    shift(lay.panels, margin - left, margin - top)
    values = _Texts(lay)
    frames = tuple(tuple(_frame(lay, values, n)) for n in ms.frames)
    layers: list[FigureLayer] = [
        StaticLayer(tuple(_static(lay, values))),
        DynamicLayer(frames),
        StaticLayer(tuple(lay.texts())),
    ]
    return tuple(layers), right - left + 2 * margin, bottom - top + 2 * margin
