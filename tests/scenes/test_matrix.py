"""(c) Matrix scenes: ``y = C x`` for a convolution and ``x' = Cᵀ y'`` for a transposed one.

``matrix`` multiplied by any flattened input (not only the scene's values:
the product is linear) gives PyTorch's output with the scene's weights;
``kernel_ids`` names, for every entry, the kernel position that the gather
scene's taps say links that output to that input; the frames walk the rows
(convolution) or the columns (transposed); too large a matrix and pooling are
refused with a message that helps.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convarith.core.errors import ConvArithError
from convarith.scenes.build import scene
from convarith.scenes.matrix import matrix_scene
from support.views_cases import (
    conv_configs,
    per_axis,
    torch_conv,
    torch_conv_transpose,
    transposed_configs,
)


def _fits(shape: tuple[int, ...], out: tuple[int, ...]) -> bool:
    return max(int(np.prod(shape)), int(np.prod(out))) <= 64


def check_kernel_ids(ms, op: str, shape: tuple[int, ...], params: dict) -> None:
    """Entry (u, v) holds kernel index t iff output u's tap t reads input v (gather scene)."""
    g = scene(op, shape, **params)
    k = g.config.kernel_size
    ids = np.asarray(ms.kernel_ids)
    n_out, n_in = int(np.prod(g.output_shape)), int(np.prod(g.input_shape))
    assert ids.shape == (n_out, n_in)
    expected = np.full((n_out, n_in), -1)
    for frame in g.frames:
        u = int(np.ravel_multi_index(frame.output, g.output_shape))
        for tap in frame.taps:
            if tap.input is not None:
                v = int(np.ravel_multi_index(tap.input, g.input_shape))
                assert expected[u, v] == -1, "two taps of one output read one input"
                expected[u, v] = int(np.ravel_multi_index(tap.kernel, k))
    np.testing.assert_array_equal(ids, expected)
    # Non-zero entries are the weights the ids name; the others are zero.
    w = np.asarray(ms.gather.values.weights, dtype=float).ravel()
    m = np.asarray(ms.matrix, dtype=float)
    np.testing.assert_array_equal(m[ids >= 0], w[ids[ids >= 0]])
    np.testing.assert_array_equal(m[ids < 0], 0)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(conv_configs(), st.integers(0, 1000))
def test_conv_matrix_times_input_is_torch_conv(config, seed) -> None:
    shape, params = config
    ms = matrix_scene("conv", shape, numerical=True, seed=seed, **params)
    w = np.asarray(ms.gather.values.weights, dtype=float)
    rng = np.random.default_rng(seed)
    for x in (np.asarray(ms.gather.values.input, dtype=float), rng.normal(size=shape)):
        expected = torch_conv(x, w, params)
        got = np.asarray(ms.matrix) @ x.ravel()
        np.testing.assert_allclose(got, expected.ravel(), rtol=0, atol=1e-9)
    assert ms.frames == tuple(range(int(np.prod(ms.config.output_shape))))
    assert not ms.transposed
    check_kernel_ids(ms, "conv", shape, params)


def _no_extra_direct_rows(shape, params) -> bool:
    """output_padding < stride on every axis: the direct conv has as many outputs as y'."""
    ndim = len(shape)
    s = per_axis(params["stride"], ndim)
    a = per_axis(params["output_padding"], ndim)
    return all(aa < sa for aa, sa in zip(a, s))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(transposed_configs(), st.integers(0, 1000))
def test_transposed_matrix_times_input_is_torch_conv_transpose(config, seed) -> None:
    shape, params = config
    from convarith.core.arithmetic import output_shape

    out = output_shape("conv_transpose", shape, **params)
    if not _fits(shape, out):
        return
    if len(shape) == 2 and not _no_extra_direct_rows(shape, params):
        return  # see test_transposed_matrix_with_output_padding_at_least_stride_2d (a bug)
    check_transposed(shape, params, seed)


def check_transposed(shape, params, seed) -> None:
    ms = matrix_scene("conv_transpose", shape, numerical=True, seed=seed, **params)
    w = np.asarray(ms.gather.values.weights, dtype=float)
    rng = np.random.default_rng(seed)
    for y in (np.asarray(ms.gather.values.input, dtype=float), rng.normal(size=shape)):
        expected = torch_conv_transpose(y, w, params)
        got = np.asarray(ms.matrix) @ y.ravel()
        np.testing.assert_allclose(got, expected.ravel(), rtol=0, atol=1e-9)
    assert ms.transposed
    # One frame per column of Cᵀ: per transposed-conv input cell.
    assert ms.frames == tuple(range(int(np.prod(shape))))
    check_kernel_ids(ms, "conv_transpose", shape, params)


@pytest.mark.parametrize(
    ("shape", "params"),
    [
        ((2, 2), {"kernel_size": 3}),
        ((3, 3), {"kernel_size": 3, "stride": 2, "padding": 1}),
        ((3, 3), {"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1}),
        ((2,), {"kernel_size": 2, "dilation": 2, "output_padding": 1}),  # 1-D: a >= s is fine
        ((4,), {"kernel_size": 3, "stride": 3, "padding": 4}),
    ],
)
def test_transposed_matrix_named_cases(shape, params) -> None:
    check_transposed(shape, params, 0)


@pytest.mark.parametrize(
    ("shape", "params"),
    [
        ((2, 2), {"kernel_size": 2, "dilation": 2, "output_padding": 1}),
        ((2, 3), {"kernel_size": 2, "dilation": (1, 2), "output_padding": (0, 1)}),
    ],
)
def test_transposed_matrix_with_output_padding_at_least_stride_2d(shape, params) -> None:
    check_transposed(shape, params, 0)


def test_transposed_matrix_is_the_transpose_of_the_conv_it_transposes() -> None:
    """Cᵀ of conv_transpose(3x3 -> 5x5, s2 p1) is C of conv(5x5 -> 3x3, s2 p1), transposed."""
    params = {"kernel_size": 3, "stride": 2, "padding": 1}
    t = matrix_scene("conv_transpose", (3, 3), numerical=True, seed=4, **params)
    c = matrix_scene("conv", (5, 5), numerical=True, seed=4, **params)
    # Kernel positions do not depend on the values: the index matrices are transposes.
    np.testing.assert_array_equal(np.asarray(t.kernel_ids), np.asarray(c.kernel_ids).T)
    assert np.asarray(t.matrix).shape == (25, 9)


def test_frames_count_rows_or_columns() -> None:
    assert len(matrix_scene("conv", (4, 4), kernel_size=3).frames) == 4
    assert len(matrix_scene("conv_transpose", (2, 2), kernel_size=3).frames) == 4
    assert len(matrix_scene("conv", (6,), kernel_size=2, stride=2).frames) == 3
    assert len(matrix_scene("conv_transpose", (3,), kernel_size=2, stride=2).frames) == 3


@pytest.mark.parametrize(
    ("op", "shape", "params", "suggested"),
    [
        ("conv", (9, 9), {"kernel_size": 1}, "8x8"),
        ("conv", (65,), {"kernel_size": 2}, "64"),
        # 9x9 output: 81 rows; a 2x2 input gives 8x8, 64 rows.
        ("conv_transpose", (3, 3), {"kernel_size": 7}, "2x2"),
    ],
)
def test_too_large_matrix_refused_with_a_size(op, shape, params, suggested) -> None:
    with pytest.raises(ConvArithError) as info:
        matrix_scene(op, shape, **params)
    message = str(info.value)
    assert "\n" not in message
    assert "too large" in message and "64" in message
    assert re.search(rf"\b{suggested}\b", message)


def test_largest_matrix_is_drawn() -> None:
    ms = matrix_scene("conv", (8, 8), kernel_size=1)
    assert np.asarray(ms.matrix).shape == (64, 64)


@pytest.mark.parametrize("op", ["max_pool", "avg_pool"])
def test_pooling_refused(op) -> None:
    with pytest.raises(ConvArithError, match="pool") as info:
        matrix_scene(op, (4, 4), kernel_size=2)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("op", "shape", "params"),
    [
        ("conv", (5, 5), {"kernel_size": 3, "padding": 10**8}),
        ("conv_transpose", (2, 2), {"kernel_size": 3, "stride": 10**8}),
        ("conv", (5,), {"kernel_size": 2, "dilation": 10**8, "padding": 10**8 // 2}),
    ],
)
def test_huge_parameters_are_refused_before_the_scene_is_built(monkeypatch, op, shape, params):
    import tracemalloc

    import convarith.scenes.matrix as matrix

    def never(*args, **kwargs):
        raise AssertionError("built before the refusal")

    monkeypatch.setattr(matrix, "scene_of", never)
    tracemalloc.start()
    try:
        with pytest.raises(ConvArithError) as info:
            matrix_scene(op, shape, **params)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000 and "\n" not in str(info.value)
