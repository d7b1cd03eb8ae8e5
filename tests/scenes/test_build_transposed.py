"""(a) Numerical scenes of a transposed convolution: what the gather view draws computes PyTorch's output.

The numerical and arithmetic views draw a transposed convolution as a
stride-1 convolution, with the flipped kernel, over the input stretched with
zeros and padded (or cropped).  These tests rebuild that grid from the
semantics page, convolve it with PyTorch, and check every frame's window
against PyTorch's ``conv_transpose`` of the scene's own input and weights.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from convarith.scenes.build import scene
from support.views_cases import (
    as_batch,
    per_axis,
    stretched_padded,
    torch_conv_transpose,
    transposed_configs,
)

_CONV = {1: torch.nn.functional.conv1d, 2: torch.nn.functional.conv2d}


def check_gather_scene(shape: tuple[int, ...], params: dict, seed: int) -> None:
    sc = scene("conv_transpose", shape, numerical=True, seed=seed, **params)
    v = sc.values
    assert v is not None
    x = np.asarray(v.input, dtype=float)
    w = np.asarray(v.weights, dtype=float)
    expected = torch_conv_transpose(x, w, params)
    ndim = len(shape)
    d = per_axis(params.get("dilation", 1), ndim)

    # The drawn grid is the stretched, padded (or cropped) input of the semantics page.
    grid = np.asarray(v.grid, dtype=float)
    np.testing.assert_array_equal(grid, stretched_padded(x, params))
    assert sc.grid_shape == grid.shape
    # Its kinds say where the input sits, where zeros were inserted, where padding is.
    for axis, ax in enumerate(sc.grid):
        for inp, kind in zip(ax.inputs, ax.kinds):
            if kind == "input":
                assert inp is not None
            else:
                assert inp is None and kind in ("padding", "inserted")
        # Kinds as the semantics page builds the grid: stretched, then padded or cropped.
        k, st_, pa, da, a = (
            per_axis(params[name], ndim)[axis] if name in params else default
            for name, default in (
                ("kernel_size", 1),
                ("stride", 1),
                ("padding", 0),
                ("dilation", 1),
                ("output_padding", 0),
            )
        )
        lo = da * (k - 1) - pa
        stretched = (shape[axis] - 1) * st_ + 1
        expected_kinds = []
        for g in range(stretched + 2 * lo + a):
            u = g - lo
            if 0 <= u < stretched:
                expected_kinds.append("input" if u % st_ == 0 else "inserted")
            else:
                expected_kinds.append("padding")
        assert list(ax.kinds) == expected_kinds
        assert [n for n in ax.inputs if n is not None] == [
            (g - lo) // st_ for g, kind in enumerate(expected_kinds) if kind == "input"
        ]

    # The grid convolved (stride 1, same dilation) with the flipped kernel is PyTorch's output.
    flipped = np.flip(w, axis=tuple(range(ndim))).copy()
    direct = _CONV[ndim](as_batch(grid), as_batch(flipped), dilation=d)[0, 0].numpy()
    np.testing.assert_allclose(direct, expected, rtol=0, atol=1e-9)
    np.testing.assert_allclose(np.asarray(v.output, dtype=float), expected, rtol=0, atol=1e-9)

    # Frame by frame: one per output cell, row-major; the window's taps compute that cell.
    assert [f.output for f in sc.frames] == [tuple(c) for c in np.ndindex(*expected.shape)]
    ks = tuple(w.shape)
    for frame in sc.frames:
        assert frame.window_start == frame.output  # stride 1 over the grid
        assert sorted(t.kernel for t in frame.taps) == sorted(np.ndindex(*ks))
        total = 0.0
        for tap in frame.taps:
            # Tap t of the flipped kernel sits t*d cells into the window: it applies w[k-1-t].
            offset = tuple((kk - 1 - kt) * da for kk, kt, da in zip(ks, tap.kernel, d))
            assert tap.grid == tuple(o + f for o, f in zip(frame.output, offset))
            read = tuple(ax.inputs[g] for ax, g in zip(sc.grid, tap.grid))
            assert tap.input == (None if None in read else read)
            total += grid[tap.grid] * w[tap.kernel]
        assert total == pytest.approx(expected[frame.output], abs=1e-9)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(transposed_configs(), st.integers(0, 2**16))
def test_gather_grid_and_frames_match_torch(config, seed) -> None:
    shape, params = config
    check_gather_scene(shape, params, seed)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(transposed_configs(crop_first=True))
def test_gather_with_padding_beyond_the_kernel_reach_crops_the_stretched_input(config) -> None:
    shape, params = config
    check_gather_scene(shape, params, 5)
    p = per_axis(params["padding"], len(shape))[0]
    k = params["kernel_size"][0]
    d = per_axis(params["dilation"], len(shape))[0]
    sc = scene("conv_transpose", shape, **params)
    # No padding cell at the start of the first axis: the stretched input is cut there.
    assert p > d * (k - 1)
    assert sc.grid[0].kinds[0] != "padding"


@pytest.mark.parametrize(
    ("shape", "params"),
    [
        # The guide's transposed animations, and a few named corners.
        ((2, 2), {"kernel_size": 3}),
        ((3, 3), {"kernel_size": 3, "stride": 2, "padding": 1}),
        ((3, 3), {"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1}),
        ((3,), {"kernel_size": 2, "stride": 1, "dilation": 3, "output_padding": 2}),
        ((4,), {"kernel_size": 3, "stride": 3, "padding": 4}),
        ((2, 3), {"kernel_size": (1, 3), "stride": (3, 1), "padding": (0, 2), "dilation": (1, 2)}),
    ],
)
def test_named_transposed_configurations(shape, params) -> None:
    check_gather_scene(shape, params, 0)
