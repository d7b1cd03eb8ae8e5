"""The scatter view of a transposed convolution.

Top to bottom: the input with the current cell highlighted, ``×`` the
kernel, ``=`` the block that cell adds (its value times every weight, at
dilated positions), and ``+=`` the full result with the running sums, the
block's place in it shaded.  The full result's border that ``padding`` cuts
away is dashed; what remains is the output, and after the last frame it
holds exactly what PyTorch's ``conv_transpose`` computes.

The panels are stacked, not set side by side: four labels in one row would
have to be too small to read when the figure is shown small.

>>> from convarith.scenes.scatter import scatter_scene
>>> lay = ScatterLayout(scatter_scene((3, 3), kernel_size=3, stride=2, padding=1), Style(), 30)
>>> [(p.rows, p.cols) for p in lay.panels], [t.text for t in lay.signs()]
([(3, 3), (3, 3), (3, 3), (7, 7)], ['×', '=', '+='])
"""

from __future__ import annotations

from convarith.core.text import shape_text
from convarith.draw.geometry import Box, text_box, union
from convarith.draw.labels import caption_texts
from convarith.draw.lettering import Line, base_size, fit, lines_below, lines_height, wrap
from convarith.draw.numerical_view import format_value
from convarith.draw.panels import Panel, index2, nested, shape2, shift
from convarith.draw.style import Style
from convarith.figure.fonts import text_width
from convarith.figure.primitives import (
    Color,
    DynamicLayer,
    FigureLayer,
    Primitive,
    StaticLayer,
    Text,
)
from convarith.scenes.scatter import ScatterScene

__all__ = [
    "ScatterLayout",
    "scatter_highlights",
    "scatter_layers",
    "scatter_static",
    "scatter_sums",
]

#: Value sizes relative to the cell: the input and kernel, the products and sums.
_VALUE = 0.5
_SUM = 0.42


class ScatterLayout:
    """Where the scatter view's four panels sit (stacked and centred), and their labels.

    ``top`` and ``width`` (cells) place the column inside a larger figure.
    """

    def __init__(
        self,
        sc: ScatterScene,
        style: Style,
        cell: float,
        need: float = 0.0,
        top: float = 0.0,
        width: float = 0.0,
    ) -> None:
        c = sc.config
        self.sc, self.style, self.cell = sc, style, cell
        self.inp = Panel(*shape2(c.input_shape), cell)
        self.ker = Panel(*shape2(c.kernel_size), cell)
        k_eff = tuple(a.k_eff for a in c.axes)
        self.block = Panel(*shape2(k_eff), cell)
        self.full = Panel(*shape2(sc.full_shape), cell)
        self.panels = [self.inp, self.ker, self.block, self.full]
        base = base_size(cell)
        self.title_size = max(base, need)
        self.note_size = max(0.85 * base, need)
        self.sign_size = 1.3 * self.title_size
        self.width = max(width, *(p.cols for p in self.panels))
        self.room = max(self.width * cell, *(t[1] for t in self._title_widths()))
        self.top = top
        y = top
        for n, panel in enumerate(self.panels):
            if n:
                y += 1.4 * self.sign_size / cell
            panel.x, panel.y = (self.width - panel.cols) / 2, y
            y += panel.rows
            if style.labels:
                y += (0.3 * self.title_size + lines_height(self._label(n))) / cell
        self.bottom = y

    def _title_widths(self) -> list[tuple[str, float]]:
        return [(t, text_width(t, self.title_size, True)) for t, _ in self.titles()]

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

    def _label(self, n: int) -> list[Line]:
        st = self.style
        title, notes = self.titles()[n]
        lines: list[Line] = [(title, self.title_size, True, st.text_color)]
        for note in notes:
            lines += [
                (line, self.note_size, False, st.label_color)
                for line in wrap(note, self.note_size, self.room)
            ]
        return lines

    def centre_x(self) -> float:
        """The column's axis, in canvas units."""
        left, _, right, _ = self.inp.box()
        return (left + right) / 2

    def signs(self) -> list[Text]:
        """The operators between the panels: ×, =, +=, each in the gap above its panel."""
        out: list[Text] = []
        x = self.centre_x()
        for panel, text in ((self.ker, "×"), (self.block, "="), (self.full, "+=")):
            top = panel.box()[1]
            out.append(
                Text(
                    (x, top - 0.7 * self.sign_size),
                    text,
                    self.sign_size,
                    self.style.text_color,
                    bold=True,
                )
            )
        return out

    def labels(self) -> list[Text]:
        """Each panel's label and notes, under it."""
        out: list[Text] = []
        x = self.centre_x()
        for n, panel in enumerate(self.panels):
            out += lines_below(x, panel.box()[3] + 0.3 * self.title_size, self._label(n))[0]
        return out

    def texts(self) -> list[Text]:
        """Every text of the view: operators, labels unless turned off, the caption on request."""
        texts = self.signs() + (self.labels() if self.style.labels else [])
        if self.style.caption:
            texts += self.caption(self.bounds(texts)[3])
        return texts

    def caption(self, below: float) -> list[Text]:
        """The caption's lines, wrapped to the column, from ``below`` down."""
        return caption_texts(
            self.sc.config,
            self.centre_x(),
            below,
            self.note_size,
            self.room,
            self.style.label_color,
        )

    def bounds(self, texts: list[Text]) -> Box:
        """The box holding the panels and ``texts``."""
        return union([*(p.box() for p in self.panels), *(text_box(t) for t in texts)])


def _cells(panel: Panel) -> list[tuple[int, int]]:
    return [(r, c) for r in range(panel.rows) for c in range(panel.cols)]


def _crop(sc: ScatterScene) -> tuple[tuple[int, int], tuple[int, int]]:
    return ((0, 1), sc.crop[0]) if len(sc.crop) == 1 else (sc.crop[0], sc.crop[1])


def _full_under(lay: ScatterLayout, r: int, q: int) -> Color:
    """The colour of cell ``(r, q)`` of the full result: output where kept, paper where cut."""
    (rlo, rhi), (clo, chi) = _crop(lay.sc)
    return lay.style.output_color if rlo <= r < rhi and clo <= q < chi else lay.style.paper


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
            for r, q in _cells(lay.inp)
        ),
        st,
        _VALUE,
        st.ink(st.input_color),
    )
    prims += lay.ker.cells(st, lambda r, q: st.kernel_color)
    prims += lay.ker.values(
        (
            (r, q, str(nested(values.weights, (q,) if ndim == 1 else (r, q))))
            for r, q in _cells(lay.ker)
        ),
        st,
        _VALUE,
        st.ink(st.kernel_color),
    )
    dil = [a.dilation for a in c.axes]
    drow, dcol = (1, dil[0]) if ndim == 1 else (dil[0], dil[1])
    prims += lay.block.cells(
        st,
        lambda r, q: st.kernel_color if r % drow == 0 and q % dcol == 0 else None,
        lambda r, q: not (r % drow == 0 and q % dcol == 0),
    )
    (rlo, rhi), (clo, chi) = _crop(sc)
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
    cell = index2(frame.input)
    prims: list[Primitive] = lay.inp.highlight(st, [cell])
    shaded_ink = st.ink(st.shaded(st.input_color))
    prims += lay.inp.values([(*cell, _input_text(sc, frame.input))], st, _VALUE, shaded_ink)
    block_cells = []
    for kernel, _, product in frame.taps:
        r, q = index2(tuple(t * a.dilation for t, a in zip(kernel, sc.config.axes)))
        block_cells.append((r, q, format_value(product)))
    prims += lay.block.values(block_cells, st, size=_SUM, color=st.ink(st.kernel_color))
    prims += lay.full.highlight(st, [index2(pos) for _, pos, _ in frame.taps], outline=False)
    return prims


def _input_text(sc: ScatterScene, index: tuple[int, ...]) -> str:
    values = sc.gather.values
    assert values is not None
    return str(nested(values.input, index))


def scatter_sums(lay: ScatterLayout, n: int, shaded: bool = True) -> list[Primitive]:
    """The running sums after frame ``n``, in every cell some block has reached.

    ``shaded``: frame ``n``'s block is shaded under them (its sums are inked for the shading).
    """
    sc, st = lay.sc, lay.style
    reached = {index2(pos) for frame in sc.frames[: n + 1] for _, pos, _ in frame.taps}
    landing = {index2(pos) for _, pos, _ in sc.frames[n].taps} if shaded else set()
    if n == len(sc.frames) - 1:
        # Finished: every output cell has its value, 0.0 where no block landed
        # (strides wider than the kernel, output_padding).
        (rlo, rhi), (clo, chi) = _crop(sc)
        reached |= {(r, q) for r in range(rlo, rhi) for q in range(clo, chi)}
    running = sc.frames[n].running
    one_d = len(sc.full_shape) == 1

    def ink(r: int, q: int) -> Color:
        under = _full_under(lay, r, q)
        return st.ink(st.shaded(under) if (r, q) in landing else under)

    return lay.full.values(
        (
            (r, q, format_value(nested(running, (q,) if one_d else (r, q))))
            for r, q in sorted(reached)
        ),
        st,
        size=_SUM,
        color=ink,
    )


def scatter_layers(
    sc: ScatterScene, style: Style, cell: float, margin: float
) -> tuple[tuple[FigureLayer, ...], float, float]:
    """The layers of the scatter view, and the canvas width and height."""

    def width(lay: ScatterLayout) -> float:
        left, _, right, _ = lay.bounds(lay.texts())
        return right - left + 2 * margin

    lay = fit(lambda need: ScatterLayout(sc, style, cell, need), width)
    left, top, right, bottom = lay.bounds(lay.texts())
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
