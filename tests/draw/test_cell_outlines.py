"""The cells' outlines coincide with the cells the figure draws, in both outlined views.

``cell_outlines`` finds where each grid and output cell is without drawing;
these tests draw the figure and read its primitives back: the input cells of
the static input layer, the output cells of the output layer, each frame's
shaded taps (padding and inserted zeros included) and each frame's
highlighted output cell.
"""

from __future__ import annotations

from typing import Any

import pytest

from convarith.core.errors import ConvArithError
from convarith.draw import draw
from convarith.draw.style import Style
from convarith.draw.views import OUTLINED, cell_outlines
from convarith.figure.primitives import DynamicLayer, Figure, Polygon, StaticLayer
from convarith.scenes.build import scene
from convarith.scenes.model import Scene

#: (op, input shape, parameters): strided, padded, dilated, transposed with output
#: padding and cropping, pooling in ceil mode (cells outside the padded input), 1-D and 2-D.
CASES: list[tuple[str, tuple[int, ...], dict[str, Any]]] = [
    ("conv", (5, 5), {"kernel_size": 3, "stride": 2, "padding": 1}),
    ("conv", (9,), {"kernel_size": 3, "dilation": 2, "padding": ((4, 0),)}),  # causal
    ("conv", (6, 6), {"kernel_size": 3, "dilation": 2, "padding": ((1, 2), (0, 1))}),
    ("conv", (6, 5), {"kernel_size": (3, 2), "stride": 2, "padding": "same_tf"}),
    ("conv_transpose", (3, 3), {"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1}),
    ("conv_transpose", (4,), {"kernel_size": 3, "stride": 3, "dilation": 2, "padding": 2}),
    ("conv_transpose", (2, 3), {"kernel_size": (2, 3), "stride": (2, 1), "dilation": (1, 2)}),
    ("conv_transpose", (5,), {"kernel_size": 2, "padding": 2}),
    ("max_pool", (6, 6), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    ("max_pool", (8,), {"kernel_size": 3, "stride": 2, "dilation": 2, "ceil_mode": True}),
    ("avg_pool", (5, 5), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
]
STYLES = {
    "default": Style(),
    "bare": Style(labels=False, caption=False),
    "captioned": Style(caption=True, cell=17.0),
}


def _ids(case: tuple[str, tuple[int, ...], dict[str, Any]]) -> str:
    op, shape, params = case
    return f"{op}{'x'.join(map(str, shape))}-" + "-".join(f"{k}{v}" for k, v in params.items())


def _scene(case: tuple[str, tuple[int, ...], dict[str, Any]], view: str) -> Scene:
    op, shape, params = case
    return scene(op, shape, numerical=view == "numerical", **params)


def _polygons(layer: Any) -> list[Polygon]:
    assert isinstance(layer, StaticLayer)
    return [p for p in layer.primitives if isinstance(p, Polygon)]


def _frames(figure: Figure, n: int) -> tuple[tuple[Any, ...], ...]:
    layer = figure.layers[n]
    assert isinstance(layer, DynamicLayer)
    return layer.frames


@pytest.mark.parametrize("style_name", list(STYLES))
@pytest.mark.parametrize("view", OUTLINED)
@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_outlines_are_the_cells_the_figure_draws(
    case: tuple[str, tuple[int, ...], dict[str, Any]], view: str, style_name: str
) -> None:
    style = STYLES[style_name]
    s = _scene(case, view)
    figure = draw(s, view, style)
    outlines = cell_outlines(s, view, style)
    assert (outlines.width, outlines.height) == (figure.width, figure.height)
    # Every position of the grid, row-major, and every output cell, row-major.
    rows, cols = (1, *s.grid_shape) if len(s.grid_shape) == 1 else s.grid_shape
    assert [o.at for o in outlines.grid] == [
        (c,) if len(s.grid_shape) == 1 else (r, c) for r in range(rows) for c in range(cols)
    ]
    # The input layer: the filled cells are the input cells, the same polygons.
    filled = [p.points for p in _polygons(figure.layers[0]) if p.fill == style.input_color]
    assert filled == [o.points for o in outlines.grid if o.kind == "input"]
    assert all((o.input is None) == (o.kind != "input") for o in outlines.grid)
    # The output layer: every output cell, in order.
    assert [p.points for p in _polygons(figure.layers[2])] == [o.points for o in outlines.output]
    assert [o.at for o in outlines.output] == [f.output for f in s.frames]
    at = {o.at: o for o in outlines.grid}
    windows, highlights = _frames(figure, 1), _frames(figure, 3)
    for n, frame in enumerate(s.frames):
        # Frame n lights output cell n, and shades its taps, padding and zeros included.
        assert highlights[n][0].points == outlines.output[n].points
        shaded = [
            p.points
            for p in windows[n]
            if isinstance(p, Polygon) and p.fill == style.shade_color and p.stroke is None
        ]
        assert shaded == [at[t.grid].points for t in frame.taps]
        for tap in frame.taps:
            assert at[tap.grid].input == tap.input
            assert (at[tap.grid].kind == "input") == (tap.input is not None)
    # Each input cell drawn at most once (a transposed convolution's cropping hides some).
    shown = [o.input for o in outlines.grid if o.input is not None]
    assert len(shown) == len(set(shown)) == len(outlines.inputs())


def test_what_the_zeros_are() -> None:
    s = scene("conv_transpose", (2, 2), kernel_size=2, stride=2, padding=0)
    kinds = {o.kind for o in cell_outlines(s).grid}
    assert kinds == {"input", "padding", "inserted"}
    pooled = scene("max_pool", (5,), kernel_size=2, stride=2, ceil_mode=True)
    assert [o.kind for o in cell_outlines(pooled).grid] == ["input"] * 5 + ["outside"]


def test_outlines_change_no_figure() -> None:
    """Finding the outlines leaves the figure as it was (same primitives before and after)."""
    s = _scene(CASES[4], "arithmetic")
    before = draw(s)
    cell_outlines(s)
    assert draw(s) == before


@pytest.mark.parametrize("view", ["scatter", "matrix", "compare", "nope"])
def test_other_views_are_not_outlined(view: str) -> None:
    with pytest.raises(ConvArithError, match="outlined in the arithmetic and numerical views"):
        cell_outlines(_scene(CASES[0], "arithmetic"), view)


def test_refuses_what_draw_refuses() -> None:
    with pytest.raises(ConvArithError, match="needs a numerical scene"):
        cell_outlines(_scene(CASES[0], "arithmetic"), "numerical")
