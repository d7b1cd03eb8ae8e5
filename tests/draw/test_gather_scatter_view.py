"""(d) The compare view: gather and scatter side by side, and a last frame with both outputs.

The frame count is ``max(gather frames, scatter frames) + 1``; the last frame
frames two maps, the gather output and the cropped part of the scatter's full
result, and both show PyTorch's output, value for value, row by row.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import convarith
from convarith.core.errors import ConvArithError
from convarith.draw.numerical_view import format_value
from convarith.figure.primitives import Text
from support.views_cases import dynamic_frame, polygons, torch_conv_transpose

CASES = [
    ((3, 3), {"kernel_size": 3, "stride": 2, "padding": 1}),
    ((2, 2), {"kernel_size": 3}),
    ((3,), {"kernel_size": 3, "stride": 2, "padding": 1}),
    ((4,), {"kernel_size": 2, "stride": 1}),  # 4 scatter frames, 5 gather frames
    ((2, 3), {"kernel_size": (2, 1), "stride": (2, 1), "padding": (0, 1)}),
    ((6,), {"kernel_size": 2, "stride": 1, "padding": 1}),  # 6 inputs, 5 outputs: scatter longer
]


def _inside(text: Text, box: tuple[float, float, float, float]) -> bool:
    x, y = text.position
    left, top, right, bottom = box
    return left < x < right and top < y < bottom


def _box(points) -> tuple[float, float, float, float]:
    xs, ys = zip(*points)
    return min(xs), min(ys), max(xs), max(ys)


def _values_in(prims, box) -> list[str]:
    """Texts inside ``box``, row by row (top to bottom, left to right)."""
    inside = [p for p in prims if isinstance(p, Text) and _inside(p, box)]
    inside.sort(key=lambda t: (round(t.position[1], 3), t.position[0]))
    return [t.text for t in inside]


@pytest.mark.parametrize(("shape", "params"), CASES)
def test_compare_frames_and_final_frame(shape, params) -> None:
    check_compare(shape, params)


@pytest.mark.parametrize(
    ("shape", "params"),
    [
        ((2,), {"kernel_size": 1, "stride": 3}),
        (
            (2, 3),
            {"kernel_size": (2, 1), "stride": (3, 1), "padding": (0, 1), "output_padding": (1, 0)},
        ),
    ],
)
def test_compare_final_frame_with_cells_no_block_reaches(shape, params) -> None:
    check_compare(shape, params)


def check_compare(shape, params) -> None:
    anim = convarith.animate("conv_transpose", shape, view="compare", seed=3, **params)
    sc = anim.scene
    n_gather, n_scatter = len(sc.gather.frames), len(sc.frames)
    assert n_gather == int(np.prod(sc.config.output_shape))
    assert n_scatter == int(np.prod(shape))
    assert anim.frame_count == max(n_gather, n_scatter) + 1
    fig = anim.figure
    assert len(fig.durations) == anim.frame_count

    v = sc.gather.values
    expected = torch_conv_transpose(v.input, v.weights, params)
    shown = [format_value(float(n)) for n in expected.ravel()]

    last = dynamic_frame(fig, 0, anim.frame_count - 1)
    # Two maps framed alike (same colour, no fill), of the output's shape.
    framed = [p for p in polygons(last) if p.fill is None and p.stroke is not None]
    assert len(framed) == 2 and framed[0].stroke == framed[1].stroke
    assert framed[0].stroke not in (anim.style.line_color, anim.style.output_color)
    # The banner may be set on several lines (labels are large enough to read when small).
    words = " ".join(p.text for p in last if isinstance(p, Text))
    assert "same output as the scatter view (framed below)" in words
    for frame_box in framed:
        assert _values_in(last, _box(frame_box.points)) == shown
    # The two framed maps are the same size (both are the output).
    (l1, t1, r1, b1), (l2, t2, r2, b2) = (_box(p.points) for p in framed)
    assert r1 - l1 == pytest.approx(r2 - l2) and b1 - t1 == pytest.approx(b2 - t2)

    # Before the last frame the outputs fill up: never fewer values than the frame before,
    # and the banner only at the end.
    boxes = [_box(p.points) for p in framed]
    counts = []
    for n in range(anim.frame_count - 1):
        prims = dynamic_frame(fig, 0, n)
        assert "scatter view" not in " ".join(p.text for p in prims if isinstance(p, Text))
        counts.append(tuple(len(_values_in(prims, b)) for b in boxes))
    for before, after in itertools.pairwise(counts):
        assert all(a >= b for a, b in zip(after, before))
    assert counts[0][0] == 1  # the gather view starts with its first output cell
    assert counts[-1] == (len(shown), len(shown))


@pytest.mark.parametrize("op", ["conv", "max_pool"])
def test_compare_needs_a_transposed_convolution(op) -> None:
    with pytest.raises(ConvArithError, match="conv_transpose") as info:
        convarith.animate(op, (4, 4), view="compare", kernel_size=2)
    assert "\n" not in str(info.value)
