"""The original guide's 19 animations: names, parameters and frame counts from the semantics page."""

from __future__ import annotations

import pytest
from PIL import Image

import convarith
from convarith.gallery import catalogue
from convarith.gallery.catalogue import ALL, EXTRAS, ORIGINAL
from support.tools import SHARED, shared

# name: (i, o, p, k, s, d, kind), the semantics page's table, typed in by hand.
TABLE = {
    "no_padding_no_strides": (4, 2, 0, 3, 1, 1, "arithmetic"),
    "arbitrary_padding_no_strides": (5, 6, 2, 4, 1, 1, "arithmetic"),
    "same_padding_no_strides": (5, 5, 1, 3, 1, 1, "arithmetic"),
    "full_padding_no_strides": (5, 7, 2, 3, 1, 1, "arithmetic"),
    "no_padding_strides": (5, 2, 0, 3, 2, 1, "arithmetic"),
    "padding_strides": (5, 3, 1, 3, 2, 1, "arithmetic"),
    "padding_strides_odd": (6, 3, 1, 3, 2, 1, "arithmetic"),
    "dilation": (7, 3, 0, 3, 1, 2, "arithmetic"),
    "numerical_no_padding_no_strides": (5, 3, 0, 3, 1, 1, "conv"),
    "numerical_padding_strides": (5, 3, 1, 3, 2, 1, "conv"),
    "numerical_average_pooling": (5, 3, 0, 3, 1, 1, "avg_pool"),
    "numerical_max_pooling": (5, 3, 0, 3, 1, 1, "max_pool"),
}
TWINS = list(TABLE)[:7]
NAMES = [*TABLE, *(f"{n}_transposed" for n in TWINS)]
BY_NAME = {item.name: item for item in ORIGINAL}
# ../shared from the project's root; the original's README shows 15 of the 19
# (not the numerical ones).
REFERENCE = SHARED / "reference" / "gif"


def _animate(item):
    return convarith.animate(
        item.op, item.input_shape, view=item.view, numerical=item.numerical, **item.params
    )


def test_the_nineteen_names() -> None:
    assert len(ORIGINAL) == 19
    assert sorted(BY_NAME) == sorted(NAMES)
    assert all(item.group == "original" for item in ORIGINAL)
    assert ALL == ORIGINAL + EXTRAS
    assert not {item.name for item in EXTRAS} & set(BY_NAME)
    assert len({item.name for item in ALL}) == len(ALL)


@pytest.mark.parametrize("name", list(TABLE))
def test_direct_animations_match_the_table(name) -> None:
    i, o, p, k, s, d, kind = TABLE[name]
    item = BY_NAME[name]
    anim = _animate(item)
    c = anim.scene.config
    assert c.input_shape == (i, i) and c.output_shape == (o, o)
    assert c.kernel_size == (k, k) and c.stride == (s, s) and c.dilation == (d, d)
    assert c.padding == ((p, p), (p, p))
    if kind == "arithmetic":
        assert item.op == "conv" and anim.view == "arithmetic"
    else:
        assert item.op == kind and anim.view == "numerical"
        assert anim.scene.values is not None
    assert anim.frame_count == o * o
    assert anim.figure.durations == (1000,) * (o * o)  # 1 s per frame, looping
    assert anim.figure.loop


@pytest.mark.parametrize("name", TWINS)
def test_transposed_twins_give_back_the_direct_input_size(name) -> None:
    i, o, p, k, s, _, _ = TABLE[name]
    item = BY_NAME[f"{name}_transposed"]
    assert item.op == "conv_transpose" and item.view == "arithmetic"
    anim = _animate(item)
    c = anim.scene.config
    assert c.input_shape == (o, o)
    assert c.output_shape == (i, i)  # the direct convolution's input size
    assert c.kernel_size == (k, k) and c.stride == (s, s) and c.padding == ((p, p), (p, p))
    # The guide's a = (i + 2p - k) mod s, relationship 14.
    a = (i + 2 * p - k) % s
    assert c.output_padding == (a, a)
    assert anim.frame_count == i * i


def test_padding_strides_odd_transposed_puts_its_extra_zeros_bottom_right() -> None:
    anim = _animate(BY_NAME["padding_strides_odd_transposed"])
    sc = anim.scene
    # Stretched 3 -> 5 (zeros between), d(k-1)-p = 1 zero before, 1 + a=1 after: 8 per axis.
    kinds = ["padding", "input", "inserted", "input", "inserted", "input", "padding", "padding"]
    for axis in sc.grid:
        assert list(axis.kinds) == kinds
        assert list(axis.inputs) == [None, 0, None, 1, None, 2, None, None]
    assert sc.grid_shape == (8, 8)
    # The figure draws exactly the 9 input cells in blue (zeros are dashed, empty).
    blue = [
        p
        for layer in anim.figure.layers
        if hasattr(layer, "primitives")
        for p in layer.primitives
        if getattr(p, "fill", None) == anim.style.input_color
    ]
    assert len(blue) == 9


def test_358_frames_in_total() -> None:
    counts = {item.name: _animate(item).frame_count for item in ORIGINAL}
    assert sum(counts.values()) == 358


def test_frame_counts_match_the_original_gifs() -> None:
    with_reference = [n for n in NAMES if (shared("reference", "gif") / f"{n}.gif").exists()]
    for name in with_reference:
        with Image.open(REFERENCE / f"{name}.gif") as gif:
            assert _animate(BY_NAME[name]).frame_count == gif.n_frames, name
    assert len(with_reference) == 15


#: The outputs of the original's published numerical figures (first frames).
ORIGINAL_OUTPUTS = {
    "numerical_no_padding_no_strides": [[12.0, 12.0, 17.0], [10.0, 17.0, 19.0], [9.0, 6.0, 14.0]],
    "numerical_average_pooling": [[1.7, 1.7, 1.7], [1.0, 1.2, 1.8], [1.1, 0.8, 1.3]],
    "numerical_max_pooling": [[3.0, 3.0, 3.0], [3.0, 3.0, 3.0], [3.0, 2.0, 3.0]],
}


def test_the_original_numerical_figures_use_the_original_values() -> None:
    import subprocess

    from support.tools import require_tool

    pdftotext = require_tool("pdftotext")
    for name, expected in ORIGINAL_OUTPUTS.items():
        item = BY_NAME[name]
        values = convarith.animate(
            item.op, item.input_shape, view=item.view, **item.values, **item.params
        ).scene.values
        assert values is not None
        assert [[round(v, 1) for v in row] for row in values.output] == expected, name
        # The same numbers stand in the original's published figure, in the same order.
        page = shared("reference", "pdf", f"{name}_00.pdf")
        text = subprocess.run(
            [pdftotext, "-layout", str(page), "-"], capture_output=True, text=True, check=True
        ).stdout
        printed = [w for w in text.split() if "." in w]
        assert printed == [f"{v:.1f}" for row in expected for v in row], name
        assert values.input == [list(row) for row in catalogue.ORIGINAL_INPUT]


def test_numerical_padding_strides_uses_the_same_values_with_its_stride() -> None:
    item = BY_NAME["numerical_padding_strides"]
    values = convarith.animate(item.op, item.input_shape, **item.values, **item.params).scene.values
    assert values is not None and values.weights == [list(r) for r in catalogue.ORIGINAL_KERNEL]
    # torch.nn.functional.conv2d of the same numbers, stride 2, padding 1.
    assert values.output == [[6.0, 17.0, 3.0], [8.0, 17.0, 13.0], [6.0, 4.0, 4.0]]
