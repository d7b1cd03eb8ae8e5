"""(e) Figures of every view: frames, timing, labels, caption, themes, colours, cell size, scale."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import convarith
from convarith.backends.raster import render_frame
from convarith.core.errors import ConvArithError
from convarith.draw import THEMES
from convarith.draw.views import cell_size
from convarith.figure.primitives import Polygon, Polyline, Text
from support.views_cases import all_primitives, paragraphs, reads, texts

CONV = {"kernel_size": 3, "stride": 2, "padding": 1}
T = "conv_transpose"

# (id, op, shape, view, params, frames): frames from the semantics, by hand.
VIEWS = [
    ("arithmetic-conv", "conv", (5, 5), "arithmetic", CONV, 9),
    ("arithmetic-transposed", T, (3, 3), "arithmetic", CONV, 25),
    ("arithmetic-pool-1d", "max_pool", (7,), "arithmetic", {"kernel_size": 3, "stride": 2}, 3),
    ("numerical-conv", "conv", (5, 5), "numerical", CONV, 9),
    ("numerical-transposed", T, (3, 3), "numerical", CONV, 25),
    ("numerical-avg-pool", "avg_pool", (5, 5), "numerical", {"kernel_size": 3, "stride": 1}, 9),
    ("scatter", T, (3, 3), "scatter", CONV, 9),
    ("scatter-1d", T, (4,), "scatter", {"kernel_size": 2, "dilation": 2}, 4),
    ("matrix-conv", "conv", (4, 4), "matrix", {"kernel_size": 3}, 4),
    ("matrix-transposed", T, (2, 2), "matrix", {"kernel_size": 3}, 4),
    ("compare", T, (3, 3), "compare", CONV, 26),
]
IDS = [v[0] for v in VIEWS]


def _animate(op, shape, view, params, **style):
    return convarith.animate(op, shape, view=view, **params, **style)


@pytest.mark.parametrize(("name", "op", "shape", "view", "params", "frames"), VIEWS, ids=IDS)
def test_frame_count_and_durations(name, op, shape, view, params, frames) -> None:
    anim = _animate(op, shape, view, params, frame_ms=500, pause_ms=1500)
    assert anim.frame_count == frames == anim.figure.frame_count
    assert anim.figure.durations == (500,) * (frames - 1) + (2000,)
    assert anim.figure.loop
    default = _animate(op, shape, view, params)
    assert default.figure.durations == (1000,) * frames  # the original's 1 s per frame
    once = _animate(op, shape, view, params, loop=False)
    assert not once.figure.loop
    assert f"{frames} frames" in repr(anim)


def _size(shape) -> str:
    return "×".join(map(str, shape))


@pytest.mark.parametrize(("name", "op", "shape", "view", "params", "frames"), VIEWS, ids=IDS)
def test_every_map_is_labelled_with_its_role_and_size(
    name, op, shape, view, params, frames
) -> None:
    anim = _animate(op, shape, view, params)
    out = anim.scene.config.output_shape
    words = " | ".join(sorted(paragraphs(anim.figure)))
    if op == T:
        assert re.search(rf"transposed conv input [a-z′:]* ?{_size(shape)}", words)
        assert re.search(rf"output [a-z′ :]*{_size(out)}", words)
    else:
        assert re.search(rf"\binput [a-z :]*{_size(shape)}", words)
        assert re.search(rf"\boutput [a-z :]*{_size(out)}", words)
    if view in ("scatter", "matrix"):
        assert f"kernel {_size(anim.scene.config.kernel_size)}" in words


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        ("arithmetic", ["transposed conv input 3×3", "transposed conv output 5×5"]),
        ("numerical", ["transposed conv input 3×3", "transposed conv output 5×5"]),
        ("matrix", ["transposed conv input y′: 3×3", "transposed conv output x′: 5×5", "Cᵀ: 25×9"]),
    ],
)
def test_transposed_labels_say_whose_input_and_output(view, expected) -> None:
    anim = _animate(T, (3, 3), view, CONV)
    found = paragraphs(anim.figure)
    for text in expected:
        assert text in found
    # Never a bare "input 3×3": the original's users misread exactly that.
    assert "input 3×3" not in found


def test_direct_labels() -> None:
    found = set(paragraphs(_animate("conv", (5, 5), "arithmetic", CONV).figure))
    assert {"input 5×5", "padded to 7×7 (dashed: zeros)", "output 3×3"} <= found
    found = set(paragraphs(_animate("max_pool", (5, 5), "numerical", {"kernel_size": 3}).figure))
    assert {"input 5×5", "max pooling output 1×1"} <= found
    found = set(paragraphs(_animate("conv", (4, 4), "matrix", {"kernel_size": 3}).figure))
    assert {"input x: 4×4", "output y: 2×2", "kernel 3×3", "C: 4×16", "y = C x"} <= found


@pytest.mark.parametrize("view", ["scatter", "compare"])
def test_explanatory_views_name_the_transposed_output(view) -> None:
    found = paragraphs(_animate(T, (3, 3), view, CONV).figure)
    assert "transposed conv output 5×5" in found


def test_labels_can_be_left_out() -> None:
    for view in ("arithmetic", "numerical"):
        anim = _animate("conv", (5, 5), view, CONV, labels=False)
        assert not any("input" in t or "output" in t for t in texts(anim.figure))


@pytest.mark.parametrize("view", ["scatter", "matrix", "compare"])
def test_labels_can_be_left_out_of_explanatory_views(view) -> None:
    anim = _animate(T, (3, 3), view, CONV, labels=False)
    assert not any("input" in t or "output" in t for t in texts(anim.figure))


CAPTION = ["convolution: 5×5 → 3×3", "kernel 3, stride 2, padding 1"]
CAPTION_T = [
    "transposed convolution: 3×3 → 5×5",
    "kernel 3, stride 2, padding 1",
    "drawn as a stride-1 convolution of the stretched input, kernel flipped",
]


@pytest.mark.parametrize("view", ["arithmetic", "numerical"])
def test_caption_on_request(view) -> None:
    plain = _animate("conv", (5, 5), view, CONV)
    captioned = _animate("conv", (5, 5), view, CONV, caption=True)
    assert not any(reads(plain.figure, line) for line in CAPTION)
    assert all(reads(captioned.figure, line) for line in CAPTION)
    # The caption needs room: the canvas grows downwards.
    assert captioned.figure.height > plain.figure.height
    transposed = _animate(T, (3, 3), view, CONV, caption=True, output_padding=1)
    assert reads(transposed.figure, "kernel 3, stride 2, padding 1, output_padding 1")
    assert reads(transposed.figure, CAPTION_T[2])


@pytest.mark.parametrize("view", ["scatter", "matrix", "compare"])
def test_caption_in_explanatory_views(view) -> None:
    anim = _animate(T, (3, 3), view, CONV, caption=True)
    assert reads(anim.figure, "transposed convolution: 3×3 → 5×5")


def _colours(figure):
    strokes, fills, inks = set(), set(), set()
    for p in all_primitives(figure):
        if isinstance(p, Text):
            inks.add(p.color)
        else:
            if p.stroke is not None:
                strokes.add(p.stroke)
            if isinstance(p, Polygon) and p.fill is not None:
                fills.add(p.fill)
    return strokes, fills, inks


@pytest.mark.parametrize(("name", "op", "shape", "view", "params", "frames"), VIEWS, ids=IDS)
def test_dark_theme_colours_are_used(name, op, shape, view, params, frames) -> None:
    dark = THEMES["dark"]
    anim = _animate(op, shape, view, params, theme="dark")
    fig = anim.figure
    assert fig.background == dark.background == (0, 43, 54)
    strokes, fills, inks = _colours(fig)
    assert dark.line_color in strokes
    # The light theme's line colour would vanish on the dark background.
    assert THEMES["light"].line_color not in strokes
    assert dark.shade_color in fills
    assert dark.text_color in inks
    frame = render_frame(fig, 0)
    assert frame.getpixel((1, 1)) == dark.background
    light = render_frame(_animate(op, shape, view, params).figure, 0)
    assert light.getpixel((1, 1)) == (255, 255, 255)


@pytest.mark.parametrize(("name", "op", "shape", "view", "params", "frames"), VIEWS, ids=IDS)
def test_custom_colours_are_used(name, op, shape, view, params, frames) -> None:
    custom = {
        "input_color": (200, 30, 30),
        "output_color": (30, 200, 30),
        "line_color": (90, 0, 90),
        "shade_color": (250, 200, 0),
        "background": (240, 240, 200),
    }
    anim = _animate(op, shape, view, params, **custom)
    strokes, fills, _ = _colours(anim.figure)
    assert {custom["input_color"], custom["output_color"], custom["shade_color"]} <= fills
    assert custom["line_color"] in strokes
    assert not {(38, 139, 210), (42, 161, 152), (7, 54, 66)} & fills
    assert render_frame(anim.figure, 0).getpixel((1, 1)) == custom["background"]


def test_style_can_be_passed_whole() -> None:
    style = THEMES["light"].updated(input_color=(1, 2, 3))
    anim = convarith.animate("conv", (4, 4), kernel_size=3, style=style)
    assert (1, 2, 3) in _colours(anim.figure)[1]


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        ({"frame_ms": 5}, "frame_ms"),
        ({"pause_ms": -1}, "pause_ms"),
        ({"cell": 2}, "cell"),
        ({"shade_opacity": 1.5}, "shade_opacity"),
        ({"theme": "sepia"}, "theme"),
        ({"view": "sideways"}, "view"),
    ],
)
def test_bad_style_refused(bad, match) -> None:
    with pytest.raises(ConvArithError, match=match):
        convarith.animate("conv", (4, 4), kernel_size=3, **bad)


def test_wrong_scene_for_view_refused() -> None:
    for view in ("scatter", "compare"):
        with pytest.raises(ConvArithError, match="conv_transpose"):
            convarith.animate("conv", (4, 4), view=view, kernel_size=3)
    with pytest.raises(ConvArithError, match="pool"):
        convarith.animate("avg_pool", (4, 4), view="matrix", kernel_size=2)
    with pytest.raises(ConvArithError, match="3-D"):
        convarith.animate("conv", (3, 3, 3), kernel_size=2)


# ---- cell size ------------------------------------------------------------------------------


def _flat_cell(anim) -> float:
    """Width of an input cell of a flat view, measured on the figure."""
    for p in all_primitives(anim.figure):
        if isinstance(p, Polygon) and p.fill == anim.style.input_color:
            xs = [x for x, _ in p.points]
            return max(xs) - min(xs)
    raise AssertionError("no input cell")


def test_cell_shrinks_for_big_inputs_and_keeps_the_width() -> None:
    small = convarith.animate("conv", (5, 5), view="numerical", kernel_size=3)
    big = convarith.animate("conv", (20, 20), view="numerical", kernel_size=3)
    assert _flat_cell(small) == pytest.approx(30)  # the default cell
    cell = _flat_cell(big)
    assert 22 <= cell < 30
    assert cell == pytest.approx(cell_size(big.scene, "numerical", big.style))
    # Grid 20 cells + gap + output 18: the figure stays about 1000 units wide.
    assert big.figure.width == pytest.approx(1000 + 2 * 0.7 * cell, rel=0.05)
    slanted = convarith.animate("conv", (60, 60), kernel_size=3)
    assert cell_size(slanted.scene, "arithmetic", slanted.style) < 30
    assert slanted.figure.width < 1100
    # A cell the user sets is kept.
    fixed = convarith.animate("conv", (30, 30), view="numerical", kernel_size=3, cell=12)
    assert _flat_cell(fixed) == pytest.approx(12)


@pytest.mark.parametrize(
    ("op", "shape", "view", "params"),
    [
        ("conv", (60, 60), "numerical", {"kernel_size": 3}),
        ("conv", (200,), "arithmetic", {"kernel_size": 3}),
        (T, (30, 30), "scatter", {"kernel_size": 3}),
    ],
)
def test_illegible_figures_refused(op, shape, view, params) -> None:
    with pytest.raises(ConvArithError) as info:
        convarith.animate(op, shape, view=view, **params).figure  # noqa: B018
    message = str(info.value)
    assert "\n" not in message
    assert "too large for a legible" in message and "cell" in message
    assert re.search(r"about \d+ cells", message)


def test_scale_multiplies_raster_size() -> None:
    anim = convarith.animate("conv", (4, 4), kernel_size=3)
    one = render_frame(anim.figure, 0)
    two = render_frame(anim.figure, 0, scale=2)
    assert one.size == (math.ceil(anim.figure.width), math.ceil(anim.figure.height))
    assert two.size == (math.ceil(2 * anim.figure.width), math.ceil(2 * anim.figure.height))
    half = render_frame(anim.figure, 0, scale=0.5)
    assert half.size == (math.ceil(anim.figure.width / 2), math.ceil(anim.figure.height / 2))
    # Same picture, more pixels: the scaled-down big frame is close to the small one.
    down = np.asarray(two.resize(one.size), dtype=float)
    assert np.abs(down - np.asarray(one, dtype=float)).mean() < 12


def test_lines_and_polylines_use_the_line_colour() -> None:
    anim = convarith.animate("conv", (5, 5), kernel_size=3, line_color=(10, 20, 30))
    lines = [p for p in all_primitives(anim.figure) if isinstance(p, Polyline)]
    assert lines and all(p.stroke == (10, 20, 30) for p in lines)
