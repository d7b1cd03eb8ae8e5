"""Gather and scatter, one above the other: two ways to a transposed convolution, one result.

Top: the gather view, a stride-1 convolution of the stretched, padded input
with the flipped kernel, filling the output one cell per step.  Below: the
scatter view, each input cell times the kernel added into the full result.
Both advance together (the shorter in proportion); a last frame shows both
finished and frames the two equal outputs.

>>> from convarith.scenes.scatter import scatter_scene
>>> layers, width, height, frames = compare_layers(
...     scatter_scene((2, 2), kernel_size=3), Style(), 30, 21)
>>> frames, height > width
(17, True)
"""

from __future__ import annotations

from dataclasses import replace

from convarith.core.text import shape_text
from convarith.draw.geometry import Box, points_box, text_box, union
from convarith.draw.lettering import (
    LegendRow,
    Line,
    base_size,
    centred,
    fit,
    legend,
    lines_below,
    lines_height,
    widest,
    wrap,
)
from convarith.draw.numerical_view import WEIGHT_SIZE, format_value
from convarith.draw.panels import Panel, index2, nested, shape2, shift
from convarith.draw.scatter_view import (
    ScatterLayout,
    scatter_highlights,
    scatter_static,
    scatter_sums,
)
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
from convarith.scenes.scatter import ScatterScene

__all__ = ["BANNER", "compare_layers"]

#: What the last frame says beside the framed outputs.
BANNER = "same output as the scatter view (framed below)"
_GATHER = "gather: a stride-1 convolution of the stretched input, kernel flipped"
_SCATTER = "scatter: each input cell times the kernel, added into the full result"


class _Layout:
    """Both parts: the gather row on top, the scatter column under it, centred on one axis."""

    def __init__(self, sc: ScatterScene, style: Style, cell: float, need: float) -> None:
        self.sc, self.style, self.cell = sc, style, cell
        base = base_size(cell)
        self.title_size = max(base, need)
        self.note_size = max(0.85 * base, need)
        g = sc.gather
        self.grid = Panel(*shape2(g.grid_shape), cell)
        self.out = Panel(*shape2(g.output_shape), cell)
        probe = ScatterLayout(sc, style, cell, need)
        row = self.grid.cols + 2 + self.out.cols
        self.width = max(row, probe.width)
        self.room = self.width * cell
        labels = style.labels
        y = 0.0
        if labels:
            y += (lines_height(self._heading(_GATHER)) + 0.4 * self.title_size) / cell
        height = max(self.grid.rows, self.out.rows)
        x0 = (self.width - row) / 2
        self.grid.x, self.grid.y = x0, y + (height - self.grid.rows) / 2
        self.out.x, self.out.y = x0 + self.grid.cols + 2, y + (height - self.out.rows) / 2
        y += height
        self._row_bottom = y
        if labels:
            self._labels = self._row_labels()
            y = max(y, max(_box(p)[3] for p in self._labels) / cell)
            self._banner_top = y + 0.4 * self.title_size / cell
            y = self._banner_top + lines_height(self._banner()) / cell
            y += 0.8 * self.title_size / cell
            self._scatter_heading_top = y
            y += (lines_height(self._heading(_SCATTER)) + 0.4 * self.title_size) / cell
        else:
            self._labels = []
            y += 1.5
        self.scatter = ScatterLayout(sc, style, cell, need, top=y, width=self.width)

    def _heading(self, text: str) -> list[Line]:
        st = self.style
        return [
            (line, self.title_size, True, st.text_color)
            for line in wrap(text, self.title_size, self.room, bold=True)
        ]

    def _banner(self) -> list[Line]:
        return [
            (line, self.title_size, True, self.style.mark_color)
            for line in wrap(BANNER, self.title_size, self.room, bold=True)
        ]

    def grid_title(self) -> str:
        return f"stretched, padded input {shape_text(self.sc.gather.grid_shape, '×')}"

    def out_title(self) -> str:
        return f"transposed conv output {shape_text(self.sc.gather.output_shape, '×')}"

    def _row_labels(self) -> list[Primitive]:
        """Each map's label under it, or a legend under the row when they would collide."""
        st, size = self.style, self.title_size
        top = self._row_bottom * self.cell + 0.3 * size
        left, right = 0.0, self.room
        lines: list[Text] = []
        for panel, title in ((self.grid, self.grid_title()), (self.out, self.out_title())):
            line: list[Line] = [(title, self.note_size, True, st.text_color)]
            x = (panel.box()[0] + panel.box()[2]) / 2
            lines += lines_below(centred(x, widest(line), left, right), top, line)[0]
        a, b = (text_box(t) for t in lines)
        if a[2] + size <= b[0]:
            return list(lines)
        rows: list[LegendRow] = [
            (self.grid_title(), self.note_size, True, st.text_color, st.input_color),
            (self.out_title(), self.note_size, True, st.text_color, st.output_color),
        ]
        return legend((left + right) / 2, top, rows, st.line_color, right - left)[0]

    def panels(self) -> list[Panel]:
        return [self.grid, self.out, *self.scatter.panels]

    def texts(self) -> list[Primitive]:
        """Headings and labels unless turned off (the scatter column adds its own), the caption."""
        if not self.style.labels:
            return [*self.scatter.texts()]
        x = self.room / 2
        dx, dy = self.grid.dx, self.grid.dy
        found: list[Primitive] = [*lines_below(x + dx, dy, self._heading(_GATHER))[0]]
        found += [_moved(p, dx, dy) for p in self._labels]
        found += lines_below(
            x + dx, self._scatter_heading_top * self.cell + dy, self._heading(_SCATTER)
        )[0]
        return found + self.scatter.texts()

    def banner(self) -> list[Text]:
        """Under the gather row, in the last frame: the two framed outputs agree."""
        if not self.style.labels:
            return []
        top = self._banner_top * self.cell + self.grid.dy
        return lines_below(self.room / 2 + self.grid.dx, top, self._banner())[0]

    def bounds(self) -> Box:
        boxes = [p.box() for p in self.panels()]
        boxes += [_box(p) for p in [*self.texts(), *self.banner()]]
        return union(boxes)

    # ---- the gather row's drawing -----------------------------------------------------------

    def gather_static(self) -> list[Primitive]:
        st, g = self.style, self.sc.gather
        kinds = [axis.kinds for axis in g.grid]
        rows, cols = (("input",), kinds[0]) if len(kinds) == 1 else (kinds[0], kinds[1])
        values = g.values
        assert values is not None

        def is_input(r: int, c: int) -> bool:
            return rows[r] == "input" and cols[c] == "input"

        prims = self.grid.cells(
            st,
            lambda r, c: st.input_color if is_input(r, c) else None,
            lambda r, c: not is_input(r, c),
        )
        one_d = len(g.grid_shape) == 1
        prims += self.grid.values(
            (
                (r, c, str(nested(values.grid, (c,) if one_d else (r, c))))
                for r in range(self.grid.rows)
                for c in range(self.grid.cols)
            ),
            st,
            color=lambda r, c: st.ink(self._under(r, c)),
        )
        prims += self.out.cells(st, lambda r, c: st.output_color)
        return prims

    def _under(self, r: int, c: int) -> Color:
        kinds = [axis.kinds for axis in self.sc.gather.grid]
        rows, cols = (("input",), kinds[0]) if len(kinds) == 1 else (kinds[0], kinds[1])
        held = rows[r] == "input" and cols[c] == "input"
        return self.style.input_color if held else self.style.paper

    def gather_frame(self, n: int, done: int) -> list[Primitive]:
        """Window of output cell ``n``; output values up to ``done`` cells shown."""
        st, g = self.style, self.sc.gather
        values = g.values
        assert values is not None
        prims: list[Primitive] = []
        one_d_grid = len(g.grid_shape) == 1
        if n >= 0:
            frame = g.frames[n]
            taps = [index2(t.grid) for t in frame.taps]
            prims += self.grid.highlight(st, taps, outline=False)
            prims += self.grid.values(
                ((r, c, str(nested(values.grid, (c,) if one_d_grid else (r, c)))) for r, c in taps),
                st,
                color=lambda r, c: st.ink(st.shaded(self._under(r, c))),
            )
            (r0, r1), (c0, c1) = (
                ((0, 1), frame.window[0]) if len(frame.window) == 1 else frame.window
            )
            prims.append(self.grid.outline(st, r0, c0, r1 - r0, c1 - c0, width=1.5))
            prims += [
                Text(
                    self.grid.point(index2(t.grid)[1] + 0.82, index2(t.grid)[0] + 0.76),
                    str(nested(values.weights, t.kernel)),
                    WEIGHT_SIZE * self.cell,
                    st.ink(st.shaded(self._under(*index2(t.grid)))),
                    kind="value",
                )
                for t in frame.taps
            ]
            prims += self.out.highlight(st, [index2(frame.output)])
        current = index2(g.frames[n].output) if n >= 0 else None
        shown = [index2(f.output) for f in g.frames[:done]]
        one_d = len(g.output_shape) == 1
        ink, shaded = st.ink(st.output_color), st.ink(st.shaded(st.output_color))
        prims += self.out.values(
            (
                (r, c, format_value(nested(values.output, (c,) if one_d else (r, c))))
                for r, c in shown
            ),
            st,
            size=0.42,
            color=lambda r, c: shaded if (r, c) == current else ink,
        )
        return prims


def _box(p: Primitive) -> Box:
    return text_box(p) if isinstance(p, Text) else points_box(p.points)


def _moved(p: Primitive, dx: float, dy: float) -> Primitive:
    if isinstance(p, Text):
        return replace(p, position=(p.position[0] + dx, p.position[1] + dy))
    return replace(p, points=tuple((x + dx, y + dy) for x, y in p.points))


def compare_layers(
    sc: ScatterScene, style: Style, cell: float, margin: float
) -> tuple[tuple[FigureLayer, ...], float, float, int]:
    """The layers of the stacked view, the canvas size and the frame count."""

    def width(lay: _Layout) -> float:
        left, _, right, _ = lay.bounds()
        return right - left + 2 * margin

    lay = fit(lambda need: _Layout(sc, style, cell, need), width)
    left, top, right, bottom = lay.bounds()
    shift(lay.panels(), margin - left, margin - top)
    scatter = lay.scatter
    n_g, n_s = len(sc.gather.frames), len(sc.frames)
    steps = max(n_g, n_s)
    frames: list[tuple[Primitive, ...]] = []
    for t in range(steps):
        g, s = t * n_g // steps, t * n_s // steps
        frames.append(
            tuple(
                lay.gather_frame(g, g + 1)
                + scatter_highlights(scatter, s)
                + scatter_sums(scatter, s)
            )
        )
    # Last frame: both finished, the two outputs framed alike.
    (rlo, rhi), (clo, chi) = ((0, 1), sc.crop[0]) if len(sc.crop) == 1 else sc.crop
    accent = 2.5 * style.thick * cell
    final: list[Primitive] = [
        *lay.gather_frame(-1, n_g),
        *scatter_sums(scatter, n_s - 1, shaded=False),
        Polygon(
            lay.out.quad(0, 0, lay.out.rows, lay.out.cols),
            stroke=style.mark_color,
            stroke_width=accent,
        ),
        Polygon(
            scatter.full.quad(rlo, clo, rhi - rlo, chi - clo),
            stroke=style.mark_color,
            stroke_width=accent,
        ),
        *lay.banner(),
    ]
    frames.append(tuple(final))
    layers: list[FigureLayer] = [
        StaticLayer(tuple(lay.gather_static() + scatter_static(scatter))),
        DynamicLayer(tuple(frames)),
        StaticLayer(tuple(lay.texts())),
    ]
    return tuple(layers), right - left + 2 * margin, bottom - top + 2 * margin, len(frames)
