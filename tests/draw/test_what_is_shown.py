"""Figures say what they show: the flipped kernel, the maximum, how x' accumulates, clean 1-D lines.

* The numerical view of a transposed convolution says its subscripts are the
  kernel flipped (they are: the scene's taps index the flipped kernel).
* The max-pooling view frames, in every frame, exactly the window's cells
  that hold its maximum (PyTorch's max over the window, from the values).
* The matrix view of a transposed convolution fills ``x'`` column by
  column: after frame ``n`` it shows the transposed convolution of the
  first ``n + 1`` input cells alone (PyTorch), and the full output only at
  the end, as the scatter view does.
* In 1-D slanted views no connector line passes over the output strip.
"""

from __future__ import annotations

import numpy as np
import pytest

import convarith
from convarith.draw.numerical_view import format_value
from convarith.figure.primitives import Polygon, Polyline, StaticLayer, Text
from support.views_cases import (
    centroid,
    contains,
    dynamic_frame,
    paragraphs,
    torch_conv_transpose,
)

T = "conv_transpose"


@pytest.mark.parametrize(
    ("shape", "params"),
    [((3, 3), {"kernel_size": 3, "stride": 2, "padding": 1}), ((4,), {"kernel_size": 2})],
)
def test_numerical_transposed_view_says_the_kernel_is_flipped(shape, params) -> None:
    words = " ".join(paragraphs(convarith.animate(T, shape, view="numerical", **params).figure))
    assert "kernel, flipped" in words
    direct = convarith.animate("conv", (5, 5), view="numerical", kernel_size=3).figure
    assert "flipped" not in " ".join(paragraphs(direct))


@pytest.mark.parametrize(
    ("shape", "params"),
    [
        ((5, 5), {"kernel_size": 3, "stride": 1}),  # the gallery's
        ((5, 5), {"kernel_size": 2, "stride": 1, "padding": 1}),
        ((6, 4), {"kernel_size": (3, 2), "stride": 2, "padding": 1, "ceil_mode": True}),
        ((7,), {"kernel_size": 3, "stride": 2, "dilation": 2, "padding": 1}),
    ],
)
@pytest.mark.parametrize("seed", [0, 1, 7])
def test_max_pooling_frames_the_maximum_of_each_window(shape, params, seed) -> None:
    anim = convarith.animate("max_pool", shape, view="numerical", seed=seed, **params)
    sc, fig, style = anim.scene, anim.figure, anim.style
    x = np.asarray(sc.values.input)
    for n, frame in enumerate(sc.frames):
        prims = dynamic_frame(fig, 0, n)
        shades = [p for p in prims if isinstance(p, Polygon) and p.fill == style.shade_color]
        marks = [p for p in prims if isinstance(p, Polygon) and p.stroke == style.mark_color]
        assert len(shades) == len(frame.taps)
        read = {t.grid: x[t.input] for t in frame.taps if t.input is not None}
        top = max(read.values(), default=None)
        expected = {g for g, v in read.items() if v == top}
        assert top is None or top == np.asarray(sc.values.output)[frame.output]
        marked = {
            tap.grid
            for tap, shade in zip(frame.taps, shades)
            for mark in marks
            if contains(shade.points, centroid(mark.points))
        }
        assert marked == expected and len(marks) == len(expected), f"frame {n}"
    # A frame that is not max pooling frames nothing.
    averaged = {k: v for k, v in params.items() if k != "dilation"}
    plain = convarith.animate("avg_pool", shape, view="numerical", **averaged).figure
    assert not any(
        isinstance(p, Polygon) and p.stroke == style.mark_color
        for index in range(plain.frame_count)
        for p in dynamic_frame(plain, 0, index)
    )


def _column_values(fig, style, n_rows: int, index: int) -> dict[int, str]:
    """The values shown in x′'s column (the output-coloured column of ``n_rows`` cells), by row."""
    static = [p for layer in fig.layers if isinstance(layer, StaticLayer) for p in layer.primitives]
    cells = [p for p in static if isinstance(p, Polygon) and p.fill == style.output_color]
    by_x: dict[float, list[Polygon]] = {}
    for c in cells:
        by_x.setdefault(round(centroid(c.points)[0], 3), []).append(c)
    column = max(by_x.values(), key=len)
    assert len(column) == n_rows
    column.sort(key=lambda c: centroid(c.points)[1])
    shown: dict[int, str] = {}
    for p in dynamic_frame(fig, 0, index):
        if isinstance(p, Text) and p.kind == "value":
            for row, c in enumerate(column):
                if contains(c.points, p.position):
                    shown[row] = p.text
    return shown


@pytest.mark.parametrize(
    ("shape", "params"),
    [
        ((3, 3), {"kernel_size": 3, "stride": 2, "padding": 1}),  # the gallery's
        ((2, 2), {"kernel_size": 3}),
        ((3,), {"kernel_size": 2, "stride": 2}),
    ],
)
def test_transposed_matrix_view_accumulates_x_column_by_column(shape, params) -> None:
    anim = convarith.animate(T, shape, view="matrix", numerical=True, **params)
    ms, fig, style = anim.scene, anim.figure, anim.style
    y = np.asarray(ms.gather.values.input, dtype=float)
    w = np.asarray(ms.gather.values.weights, dtype=float)
    n_rows = ms.matrix.shape[0]
    final = torch_conv_transpose(y, w, params).ravel()
    for n in range(len(ms.frames)):
        first = np.zeros(y.size)
        first[: n + 1] = y.ravel()[: n + 1]
        partial = torch_conv_transpose(first.reshape(y.shape), w, params).ravel()
        ones = np.zeros(y.size)
        ones[: n + 1] = 1
        reach = torch_conv_transpose(ones.reshape(y.shape), np.ones_like(w), params).ravel() > 0
        shown = _column_values(fig, style, n_rows, n)
        if n == len(ms.frames) - 1:
            assert shown == {r: format_value(v) for r, v in enumerate(final)}
        else:
            assert shown == {r: format_value(partial[r]) for r in range(n_rows) if reach[r]}
    # Frame 0 shows the first column's share, not the totals.
    first_frame = _column_values(fig, style, n_rows, 0)
    assert len(first_frame) < n_rows or any(
        first_frame[r] != format_value(final[r]) for r in first_frame
    )


ONE_D = [
    ("conv", (7,), {"kernel_size": 3, "stride": 2, "padding": 1}),
    ("conv", (12,), {"kernel_size": 3, "dilation": 2}),
    (T, (4,), {"kernel_size": 3, "stride": 2}),
    (T, (6,), {"kernel_size": 2, "padding": 1}),
    ("max_pool", (9,), {"kernel_size": 3, "stride": 2}),
    ("avg_pool", (8,), {"kernel_size": 2}),
    ("conv", (3,), {"kernel_size": 3, "padding": 2}),
]


@pytest.mark.parametrize(("op", "shape", "params"), ONE_D)
def test_one_d_connectors_never_cross_the_output_strip(op, shape, params) -> None:
    anim = convarith.animate(op, shape, **params)
    fig, style = anim.figure, anim.style
    static = [p for layer in fig.layers if isinstance(layer, StaticLayer) for p in layer.primitives]
    outputs = [p for p in static if isinstance(p, Polygon) and p.fill == style.output_color]
    assert outputs
    for n in range(fig.frame_count):
        lines = [p for p in dynamic_frame(fig, 0, n) if isinstance(p, Polyline)]
        thinnest = min(p.stroke_width for p in lines)
        connectors = [p for p in lines if p.stroke_width == thinnest]
        assert connectors
        for line in connectors:
            (x0, y0), (x1, y1) = line.points
            for k in range(1, 400):
                t = k / 400
                point = (x0 + t * (x1 - x0), y0 + t * (y1 - y0))
                inside = [cell for cell in outputs if contains(cell.points, point)]
                assert not inside, f"frame {n}: a connector crosses the output strip at {point}"
