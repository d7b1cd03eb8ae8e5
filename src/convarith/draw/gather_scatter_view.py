"""Gather and scatter side by side: two ways to a transposed convolution, one result.

Top: the gather view, a stride-1 convolution of the stretched, padded input
with the flipped kernel, filling the output one cell per step.  Bottom: the
scatter view, each input cell times the kernel added into the full result.
Both advance together (the shorter in proportion); a last frame shows both
finished and frames the two equal outputs.
"""

from __future__ import annotations

from convarith.core.text import shape_text
from convarith.draw.numerical_view import format_value
from convarith.draw.panels import Panel, bounds, index2, nested, row_of_panels, shape2, shift
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
from convarith.scene.scatter import ScatterScene

__all__ = ["compare_layers"]

#: The frame around the two equal outputs in the last frame.
_ACCENT: Color = (211, 54, 130)


class _Gather:
    """The top row: stretched, padded grid and the output it fills."""

    def __init__(self, sc: ScatterScene, style: Style, cell: float, size: float) -> None:
        self.sc, self.style, self.cell, self.size = sc, style, cell, size
        g = sc.gather
        self.grid = Panel(*shape2(g.grid_shape), cell)
        self.out = Panel(*shape2(g.output_shape), cell)
        self.grid.make_room(self.grid_title(), size)
        self.out.make_room(self.out_title(), size)
        self.height = row_of_panels([self.grid, self.out], [2.0], top=1.6)

    def grid_title(self) -> str:
        return f"stretched, padded input {shape_text(self.sc.gather.grid_shape, '×')}"

    def out_title(self) -> str:
        return f"transposed conv output {shape_text(self.sc.gather.output_shape, '×')}"

    def static(self) -> list[Primitive]:
        st, g = self.style, self.sc.gather
        kinds = [axis.kinds for axis in g.grid]
        rows, cols = (("input",), kinds[0]) if len(kinds) == 1 else (kinds[0], kinds[1])
        values = g.values
        assert values is not None
        prims = self.grid.cells(
            st,
            lambda r, c: st.input_color if rows[r] == "input" and cols[c] == "input" else None,
            lambda r, c: not (rows[r] == "input" and cols[c] == "input"),
        )
        one_d = len(g.grid_shape) == 1
        prims += self.grid.values(
            (
                (r, c, str(nested(values.grid, (c,) if one_d else (r, c))))
                for r in range(self.grid.rows)
                for c in range(self.grid.cols)
            ),
            st,
        )
        prims += self.out.cells(st, lambda r, c: st.output_color)
        return prims

    def frame(self, n: int, done: int) -> list[Primitive]:
        """Window of output cell ``n``; output values up to ``done`` cells shown."""
        st, g = self.style, self.sc.gather
        values = g.values
        assert values is not None
        prims: list[Primitive] = []
        if n >= 0:
            frame = g.frames[n]
            prims += self.grid.highlight(st, [index2(t.grid) for t in frame.taps], outline=False)
            (r0, r1), (c0, c1) = (
                ((0, 1), frame.window[0]) if len(frame.window) == 1 else frame.window
            )
            prims.append(self.grid.outline(st, r0, c0, r1 - r0, c1 - c0, width=1.5))
            prims += [
                Text(
                    self.grid.point(index2(t.grid)[1] + 0.8, index2(t.grid)[0] + 0.78),
                    str(nested(values.weights, t.kernel)),
                    0.3 * self.cell,
                    st.value_color,
                )
                for t in frame.taps
            ]
            prims += self.out.highlight(st, [index2(frame.output)])
        shown = [index2(f.output) for f in g.frames[:done]]
        one_d = len(g.output_shape) == 1
        prims += self.out.values(
            (
                (r, c, format_value(nested(values.output, (c,) if one_d else (r, c))))
                for r, c in shown
            ),
            st,
            size=0.36,
        )
        return prims

    def texts(self) -> list[Text]:
        st, size = self.style, self.size
        left, top, _, _ = self.grid.box()
        return [
            Text(
                (left, top - 1.1 * size),
                "gather: a stride-1 convolution of the stretched input, kernel flipped",
                size,
                st.text_color,
                anchor="start",
                bold=True,
            ),
            self.grid.label(self.grid_title(), st, size),
            self.out.label(self.out_title(), st, size),
        ]


def compare_layers(
    sc: ScatterScene, style: Style, cell: float, margin: float
) -> tuple[tuple[FigureLayer, ...], float, float, int]:
    """The layers of the side-by-side view, the canvas size and the frame count."""
    size = max(11.0, min(16.0, 0.5 * cell + 3))
    gather = _Gather(sc, style, cell, size)
    scatter = ScatterLayout(sc, style, cell, top=1.6 + gather.height + 3.0 + 3.2 * size / cell)

    def heading() -> Text:
        top = min(p.box()[1] for p in scatter.panels)
        return Text(
            (gather.grid.box()[0], top - 1.1 * size),
            "scatter: each input cell times the kernel, added into the full result",
            size,
            style.text_color,
            anchor="start",
            bold=True,
        )

    def banner() -> Text:
        """Beside the gather output, in the last frame: the two framed outputs agree."""
        _, top, right, bottom = gather.out.box()
        return Text(
            (right + cell, (top + bottom) / 2),
            "same output as the scatter view (framed below)",
            size,
            _ACCENT,
            anchor="start",
            bold=True,
        )

    panels = [gather.grid, gather.out, *scatter.panels]

    def texts() -> list[Text]:
        """Headings and labels unless turned off (the scatter row adds its own), the caption."""
        found = [*gather.texts(), heading()] if style.labels else []
        return found + scatter.texts()  # the scatter row honours labels and caption itself

    left, top, right, bottom = bounds(panels, [*texts(), banner()])
    shift(panels, margin - left, margin - top)
    n_g, n_s = len(sc.gather.frames), len(sc.frames)
    steps = max(n_g, n_s)
    frames: list[tuple[Primitive, ...]] = []
    for t in range(steps):
        g, s = t * n_g // steps, t * n_s // steps
        frames.append(
            tuple(
                gather.frame(g, g + 1) + scatter_highlights(scatter, s) + scatter_sums(scatter, s)
            )
        )
    # Last frame: both finished, the two outputs framed alike.
    (rlo, rhi), (clo, chi) = ((0, 1), sc.crop[0]) if len(sc.crop) == 1 else sc.crop
    accent = 2.5 * style.thick * cell
    final: list[Primitive] = [
        *gather.frame(-1, n_g),
        *scatter_sums(scatter, n_s - 1),
        Polygon(
            gather.out.quad(0, 0, gather.out.rows, gather.out.cols),
            stroke=_ACCENT,
            stroke_width=accent,
        ),
        Polygon(
            scatter.full.quad(rlo, clo, rhi - rlo, chi - clo), stroke=_ACCENT, stroke_width=accent
        ),
        *([banner()] if style.labels else []),
    ]
    frames.append(tuple(final))
    layers: list[FigureLayer] = [
        StaticLayer(tuple(gather.static() + scatter_static(scatter))),
        DynamicLayer(tuple(frames)),
        StaticLayer(tuple(texts())),
    ]
    return tuple(layers), right - left + 2 * margin, bottom - top + 2 * margin, len(frames)
