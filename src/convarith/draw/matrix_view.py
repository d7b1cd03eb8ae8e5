"""The matrix view: ``y = C x`` (or ``x' = Cᵀ y'``) beside the maps it flattens.

Left: the input and output maps, and the kernel with a letter for each
weight (or its value in the numerical variant).  Right: the input flattened
row by row into a row of cells over the matrix's columns, the output
flattened into a column beside its rows, and the matrix, each non-zero entry
naming its weight.  For a convolution each frame highlights one row of ``C``
(one output cell) with the input cells it reads; for a transposed convolution
one column of ``Cᵀ`` (one input cell) with the output cells it feeds.
"""

from __future__ import annotations

import numpy as np

from convarith.core.text import shape_text
from convarith.draw.numerical_view import format_value
from convarith.draw.panels import Panel, bounds, caption, shape2, shift, sign
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
from convarith.scene.matrix import MatrixScene

__all__ = ["matrix_layers", "weight_names"]

_KERNEL_FILL: Color = (238, 232, 213)
_EMPTY_LINE_OPACITY = 0.25


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
    def __init__(self, ms: MatrixScene, style: Style, cell: float, numerical: bool) -> None:
        c = ms.config
        self.ms, self.style, self.cell, self.numerical = ms, style, cell, numerical
        self.size = max(11.0, min(16.0, 0.5 * cell + 3))
        n_out, n_in = ms.matrix.shape
        # What the figure calls input and output: the transposed convolution's own, when transposed.
        self.inp = Panel(*shape2(c.input_shape), cell)
        self.out = Panel(*shape2(c.output_shape), cell)
        self.ker = Panel(*shape2(c.kernel_size), cell)
        for panel, text in zip((self.inp, self.out, self.ker), self.map_titles()):
            panel.make_room(text, self.size)
        left = max(p.footprint for p in (self.inp, self.out, self.ker)) + 1.5
        for panel, y in (
            (self.inp, 2.0),
            (self.out, 4.5 + self.inp.rows),
            (self.ker, 7.0 + self.inp.rows + self.out.rows),
        ):
            panel.x, panel.y = (left - 1.5 - panel.cols) / 2, y
        self.vec_in = Panel(1, n_in, cell, x=left + 3.5, y=0)
        self.vec_out = Panel(n_out, 1, cell, x=left, y=2)
        self.mat = Panel(n_out, n_in, cell, x=left + 3.5, y=2)
        self.panels = [self.inp, self.out, self.ker, self.vec_in, self.vec_out, self.mat]
        names = weight_names(int(np.prod(c.kernel_size)))
        w = _flat_values(ms.gather.values.weights) if ms.gather.values else []
        self.weight_text = [
            format_value(v).removesuffix(".0") if numerical else names[n] for n, v in enumerate(w)
        ]

    def names(self) -> tuple[str, str, str]:
        """What the figure calls the input, the output and the matrix."""
        return ("y′", "x′", "Cᵀ") if self.ms.transposed else ("x", "y", "C")

    def map_titles(self) -> list[str]:
        c = self.ms.config
        x, y, _ = self.names()
        what = "transposed conv " if self.ms.transposed else ""
        return [
            f"{what}input {x}: {shape_text(c.input_shape, '×')}",
            f"{what}output {y}: {shape_text(c.output_shape, '×')}",
            f"kernel {shape_text(c.kernel_size, '×')}",
        ]

    def texts(self) -> list[Text]:
        """The ``=`` sign, labels unless turned off, the caption on request."""
        st, size, ms = self.style, self.size, self.ms
        x, y, m = self.names()
        (_, top, right, _), (left, _, _, _) = self.vec_out.box(), self.mat.box()
        texts = [sign("=", ((right + left) / 2, top + 0.5 * self.cell), size * 1.2, st)]
        if st.labels:
            titles = self.map_titles()
            note = "   (C: the matrix of the convolution it transposes)" if ms.transposed else ""
            texts += [
                self.inp.label(titles[0], st, size, bold=True, below=False),
                self.out.label(titles[1], st, size, bold=True, below=False),
                self.ker.label(titles[2], st, size, bold=True, below=False),
                self.vec_in.label(f"{x}, flattened row by row", st, size, below=False),
                self.mat.label(f"{m}: {shape_text(ms.matrix.shape, '×')}", st, size, bold=True),
                self.mat.label(f"{y} = {m} {x}{note}", st, size, line=1),
            ]
        if st.caption:
            texts += caption(ms.config, st, size, bounds(self.panels, texts))
        return texts


def _static(lay: _Layout) -> list[Primitive]:
    st, ms = lay.style, lay.ms
    values = ms.gather.values
    assert values is not None
    x_in = _flat_values(values.input)
    y_out = _flat_values(values.output)
    prims: list[Primitive] = []
    prims += lay.inp.cells(st, lambda r, c: st.input_color)
    prims += lay.out.cells(st, lambda r, c: st.output_color)
    prims += lay.ker.cells(st, lambda r, c: _KERNEL_FILL)
    prims += lay.ker.values(
        (
            (r, c, lay.weight_text[r * lay.ker.cols + c])
            for r in range(lay.ker.rows)
            for c in range(lay.ker.cols)
        ),
        st,
        color=(0, 43, 54),
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
    prims += lay.mat.cells(st, lambda r, c: _KERNEL_FILL if ms.kernel_ids[r, c] >= 0 else None)
    prims += lay.mat.values(
        (
            (r, c, lay.weight_text[ms.kernel_ids[r, c]])
            for r in range(n_out)
            for c in range(n_in)
            if ms.kernel_ids[r, c] >= 0
        ),
        st,
        size=0.55,
        color=(0, 43, 54),
    )
    if lay.numerical:
        inputs = [format_value(v).removesuffix(".0") for v in x_in]
        outputs = [format_value(v) for v in y_out]
        prims += lay.inp.values(
            (
                (r, c, inputs[r * lay.inp.cols + c])
                for r in range(lay.inp.rows)
                for c in range(lay.inp.cols)
            ),
            st,
        )
        prims += lay.out.values(
            (
                (r, c, outputs[r * lay.out.cols + c])
                for r in range(lay.out.rows)
                for c in range(lay.out.cols)
            ),
            st,
            size=0.36,
        )
        prims += lay.vec_in.values(((0, c, inputs[c]) for c in range(n_in)), st)
        prims += lay.vec_out.values(((r, 0, outputs[r]) for r in range(n_out)), st, size=0.36)
    else:
        # Cell numbers show how the maps are flattened, row by row.
        prims += lay.inp.values(
            (
                (r, c, str(r * lay.inp.cols + c))
                for r in range(lay.inp.rows)
                for c in range(lay.inp.cols)
            ),
            st,
            size=0.4,
        )
        prims += lay.out.values(
            (
                (r, c, str(r * lay.out.cols + c))
                for r in range(lay.out.rows)
                for c in range(lay.out.cols)
            ),
            st,
            size=0.4,
        )
        prims += lay.vec_in.values(((0, c, str(c)) for c in range(n_in)), st, size=0.4)
        prims += lay.vec_out.values(((r, 0, str(r)) for r in range(n_out)), st, size=0.4)
    return prims


def _frame(lay: _Layout, index: int) -> list[Primitive]:
    st, ms = lay.style, lay.ms
    n_out, n_in = ms.matrix.shape
    prims: list[Primitive] = []
    if ms.transposed:
        column = index
        feeds = [r for r in range(n_out) if ms.kernel_ids[r, column] >= 0]
        prims += lay.mat.highlight(st, [(r, column) for r in range(n_out)], outline=False)
        prims.append(lay.mat.outline(st, 0, column, n_out, 1))
        prims += lay.vec_in.highlight(st, [(0, column)])
        prims += lay.inp.highlight(st, [divmod(column, lay.inp.cols)])
        prims += lay.vec_out.highlight(st, [(r, 0) for r in feeds])
        prims += lay.out.highlight(st, [divmod(r, lay.out.cols) for r in feeds])
    else:
        row = index
        reads = [c for c in range(n_in) if ms.kernel_ids[row, c] >= 0]
        prims += lay.mat.highlight(st, [(row, c) for c in range(n_in)], outline=False)
        prims.append(lay.mat.outline(st, row, 0, 1, n_in))
        prims += lay.vec_out.highlight(st, [(row, 0)])
        prims += lay.out.highlight(st, [divmod(row, lay.out.cols)])
        prims += lay.vec_in.highlight(st, [(0, c) for c in reads])
        prims += lay.inp.highlight(st, [divmod(c, lay.inp.cols) for c in reads])
    return prims


def matrix_layers(
    ms: MatrixScene, style: Style, cell: float, margin: float, numerical: bool = False
) -> tuple[tuple[FigureLayer, ...], float, float]:
    """The layers of the matrix view, and the canvas width and height."""
    lay = _Layout(ms, style, cell, numerical)
    left, top, right, bottom = bounds(lay.panels, lay.texts())
    shift(lay.panels, margin - left, margin - top)
    frames = tuple(tuple(_frame(lay, n)) for n in ms.frames)
    layers: list[FigureLayer] = [
        StaticLayer(tuple(_static(lay))),
        DynamicLayer(frames),
        StaticLayer(tuple(lay.texts())),
    ]
    return tuple(layers), right - left + 2 * margin, bottom - top + 2 * margin
