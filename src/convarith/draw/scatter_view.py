"""The scatter view of a transposed convolution.

Left to right: the input with the current cell highlighted, ``×`` the kernel,
``=`` the block that cell adds (its value times every weight, at dilated
positions), and the full result with the running sums, the block's place in
it shaded.  The full result's border that ``padding`` cuts away is dashed;
what remains is the output, and after the last frame it holds exactly what
PyTorch's ``conv_transpose`` computes.
"""

from __future__ import annotations

from convarith.core.text import shape_text
from convarith.draw.numerical_view import format_value
from convarith.draw.panels import (
    Panel,
    bounds,
    caption,
    index2,
    nested,
    row_of_panels,
    shape2,
    shift,
    sign,
)
from convarith.draw.style import Style
from convarith.figure.primitives import (
    Color,
    DynamicLayer,
    FigureLayer,
    Primitive,
    StaticLayer,
    Text,
)
from convarith.scene.scatter import ScatterScene

__all__ = [
    "ScatterLayout",
    "scatter_highlights",
    "scatter_layers",
    "scatter_static",
    "scatter_sums",
]

#: Kernel cells: a pale tone that reads as "weights", in both themes.
_KERNEL_FILL: Color = (238, 232, 213)


class ScatterLayout:
    """Where the scatter view's four panels sit, and their labels."""

    def __init__(self, sc: ScatterScene, style: Style, cell: float, top: float = 0.0) -> None:
        c = sc.config
        self.sc, self.style, self.cell = sc, style, cell
        self.inp = Panel(*shape2(c.input_shape), cell)
        self.ker = Panel(*shape2(c.kernel_size), cell)
        k_eff = tuple(a.k_eff for a in c.axes)
        self.block = Panel(*shape2(k_eff), cell)
        self.full = Panel(*shape2(sc.full_shape), cell)
        self.panels = [self.inp, self.ker, self.block, self.full]
        self.size = max(11.0, min(16.0, 0.5 * cell + 3))
        for panel, (text, _) in zip(self.panels, self.titles()):
            panel.make_room(text, self.size)
        row_of_panels(self.panels, [1.5, 1.5, 1.5], top)

    def titles(self) -> list[tuple[str, list[str]]]:
        """Per panel: its label, and the lines of detail under it."""
        c, sc = self.sc.config, self.sc
        cropped = any(a.pad_lo or a.pad_hi for a in c.axes)
        notes = []
        if cropped:
            notes.append(
                f"inside the full result {shape_text(sc.full_shape, '×')}: padding cuts the dashed border"
            )
        if any(a.stride > 1 for a in c.axes):
            notes.append("blocks land every " + shape_text(c.stride, "×") + " cells (the stride)")
        # The output is named first; when padding crops, the note says what the dashed border is.
        full = f"transposed conv output {shape_text(c.output_shape, '×')}"
        return [
            (f"transposed conv input {shape_text(c.input_shape, '×')}", []),
            (f"kernel {shape_text(c.kernel_size, '×')}", []),
            ("cell × kernel", []),
            (full, notes),
        ]

    def signs(self) -> list[Text]:
        """The operators between the panels: ×, =, +=."""
        out: list[Text] = []
        for left, right, text in (
            (self.inp, self.ker, "×"),
            (self.ker, self.block, "="),
            (self.block, self.full, "+="),
        ):
            (_, top, right_edge, bottom), (left_edge, _, _, _) = left.box(), right.box()
            out.append(
                sign(
                    text,
                    ((right_edge + left_edge) / 2, (top + bottom) / 2),
                    self.size * 1.3,
                    self.style,
                )
            )
        return out

    def labels(self) -> list[Text]:
        """Each panel's label and notes."""
        out: list[Text] = []
        for panel, (text, notes) in zip(self.panels, self.titles()):
            out.append(panel.label(text, self.style, self.size, bold=True))
            out += [
                panel.label(note, self.style, self.size, line=n + 1) for n, note in enumerate(notes)
            ]
        return out

    def texts(self) -> list[Text]:
        """Every text of the view: operators, labels unless turned off, the caption on request."""
        texts = self.signs() + (self.labels() if self.style.labels else [])
        if self.style.caption:
            texts += caption(self.sc.config, self.style, self.size, bounds(self.panels, texts))
        return texts


def scatter_static(lay: ScatterLayout) -> list[Primitive]:
    """What every frame shows: the input, the kernel, the block's outline, the full result."""
    st, sc = lay.style, lay.sc
    c = sc.config
    values = sc.gather.values
    assert values is not None
    prims: list[Primitive] = []
    prims += lay.inp.cells(st, lambda r, q: st.input_color)
    ndim = len(c.input_shape)
    prims += lay.inp.values(
        (
            (r, q, str(nested(values.input, (q,) if ndim == 1 else (r, q))))
            for r in range(lay.inp.rows)
            for q in range(lay.inp.cols)
        ),
        st,
    )
    prims += lay.ker.cells(st, lambda r, q: _KERNEL_FILL)
    prims += lay.ker.values(
        (
            (r, q, str(nested(values.weights, (q,) if ndim == 1 else (r, q))))
            for r in range(lay.ker.rows)
            for q in range(lay.ker.cols)
        ),
        st,
        color=(0, 43, 54),
    )
    dil = [a.dilation for a in c.axes]
    drow, dcol = (1, dil[0]) if ndim == 1 else (dil[0], dil[1])
    prims += lay.block.cells(
        st,
        lambda r, q: _KERNEL_FILL if r % drow == 0 and q % dcol == 0 else None,
        lambda r, q: not (r % drow == 0 and q % dcol == 0),
    )
    (rlo, rhi), (clo, chi) = ((0, 1), sc.crop[0]) if ndim == 1 else sc.crop
    prims += lay.full.cells(
        st,
        lambda r, q: st.output_color if rlo <= r < rhi and clo <= q < chi else None,
        lambda r, q: not (rlo <= r < rhi and clo <= q < chi),
    )
    return prims


def scatter_highlights(lay: ScatterLayout, n: int) -> list[Primitive]:
    """Frame ``n``'s input cell, the block it adds, and where the block lands."""
    st, sc = lay.style, lay.sc
    frame = sc.frames[n]
    prims: list[Primitive] = lay.inp.highlight(st, [index2(frame.input)])
    block_cells = []
    for kernel, _, product in frame.taps:
        r, q = index2(tuple(t * a.dilation for t, a in zip(kernel, sc.config.axes)))
        block_cells.append((r, q, format_value(product)))
    prims += lay.block.values(block_cells, st, size=0.36, color=(0, 43, 54))
    prims += lay.full.highlight(st, [index2(pos) for _, pos, _ in frame.taps], outline=False)
    return prims


def scatter_sums(lay: ScatterLayout, n: int) -> list[Primitive]:
    """The running sums after frame ``n``, in every cell some block has reached."""
    sc = lay.sc
    reached = {index2(pos) for frame in sc.frames[: n + 1] for _, pos, _ in frame.taps}
    if n == len(sc.frames) - 1:
        # Finished: every output cell has its value, 0.0 where no block landed
        # (strides wider than the kernel, output_padding).
        (rlo, rhi), (clo, chi) = ((0, 1), sc.crop[0]) if len(sc.crop) == 1 else sc.crop
        reached |= {(r, q) for r in range(rlo, rhi) for q in range(clo, chi)}
    running = sc.frames[n].running
    one_d = len(sc.full_shape) == 1
    return lay.full.values(
        (
            (r, q, format_value(nested(running, (q,) if one_d else (r, q))))
            for r, q in sorted(reached)
        ),
        lay.style,
        size=0.36,
    )


def scatter_layers(
    sc: ScatterScene, style: Style, cell: float, margin: float
) -> tuple[tuple[FigureLayer, ...], float, float]:
    """The layers of the scatter view, and the canvas width and height."""
    lay = ScatterLayout(sc, style, cell)
    left, top, right, bottom = bounds(lay.panels, lay.texts())
    shift(lay.panels, margin - left, margin - top)
    frames = tuple(
        tuple(scatter_highlights(lay, n) + scatter_sums(lay, n)) for n in range(len(sc.frames))
    )
    layers: list[FigureLayer] = [
        StaticLayer(tuple(scatter_static(lay))),
        DynamicLayer(frames),
        StaticLayer(tuple(lay.texts())),
    ]
    return tuple(layers), right - left + 2 * margin, bottom - top + 2 * margin
