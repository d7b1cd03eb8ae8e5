"""conv_matrix: C @ x is the convolution, C.T @ y the transposed convolution; methods agree."""

from __future__ import annotations

from math import prod

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_array

from convarith.numeric import DENSE_LIMIT, conv, conv_matrix, conv_transpose
from support.numeric_cases import METHODS, assert_close, conv_cases


def _unbatched(x: np.ndarray, ndim: int) -> np.ndarray:
    return x if x.ndim == ndim + 1 else x[0]


@settings(max_examples=60, deadline=None)
@given(case=conv_cases(), sparse=st.booleans())
def test_c_times_x_is_the_convolution(case, sparse):
    x = _unbatched(case.x, case.ndim)
    matrix = conv_matrix(
        case.input_shape,
        case.weight,
        case.stride,
        case.padding,
        case.dilation,
        case.groups,
        sparse=sparse,
    )
    assert isinstance(matrix, csr_array) if sparse else isinstance(matrix, np.ndarray)
    expected = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[case.ndim](
        torch.from_numpy(x),
        torch.from_numpy(case.weight),
        None,
        case.stride,
        case.padding,
        case.dilation,
        case.groups,
    ).numpy()
    assert matrix.shape == (expected.size, x.size)
    assert_close(matrix @ x.reshape(-1), expected.reshape(-1))


@settings(max_examples=60, deadline=None)
@given(case=conv_cases(), sparse=st.booleans())
def test_c_transposed_times_y_is_the_transposed_convolution(case, sparse):
    x = _unbatched(case.x, case.ndim)
    matrix = conv_matrix(
        case.input_shape,
        case.weight,
        case.stride,
        case.padding,
        case.dilation,
        case.groups,
        sparse=sparse,
    )
    y = np.random.default_rng(0).standard_normal(matrix.shape[0])
    # The output padding that makes the transposed convolution return to the input size.
    out_pad = tuple(
        (i + 2 * p - d * (k - 1) - 1) % s
        for i, k, s, p, d in zip(
            case.input_shape, case.kernel, case.stride, case.padding, case.dilation, strict=True
        )
    )
    c_out = case.weight.shape[0]
    out_shape = tuple(
        (i + 2 * p - d * (k - 1) - 1) // s + 1
        for i, k, s, p, d in zip(
            case.input_shape, case.kernel, case.stride, case.padding, case.dilation, strict=True
        )
    )
    y_map = y.reshape(c_out, *out_shape)
    expected = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}[case.ndim](
        torch.from_numpy(y_map),
        torch.from_numpy(case.weight),
        None,
        case.stride,
        case.padding,
        out_pad,
        case.groups,
        case.dilation,
    ).numpy()
    assert expected.shape == x.shape
    assert_close(matrix.T @ y, expected.reshape(-1))


@pytest.mark.parametrize("padding", [0, 1, ((2, 0), (0, 1))])
def test_matrix_is_the_jacobian_of_torch_conv(padding):
    rng = np.random.default_rng(4)
    w = rng.standard_normal((4, 1, 3, 2))
    shape = (5, 4)

    def torch_conv(flat: torch.Tensor) -> torch.Tensor:
        x = flat.reshape(2, *shape)
        if isinstance(padding, tuple):
            x = F.pad(x, [p for pair in reversed(padding) for p in pair])
            return F.conv2d(x, torch.from_numpy(w), stride=(2, 1), groups=2).reshape(-1)
        return F.conv2d(x, torch.from_numpy(w), stride=(2, 1), padding=padding, groups=2).reshape(
            -1
        )

    jacobian = torch.autograd.functional.jacobian(
        torch_conv, torch.zeros(2 * prod(shape), dtype=torch.float64)
    ).numpy()
    matrix = conv_matrix(shape, w, stride=(2, 1), padding=padding, groups=2)
    np.testing.assert_array_equal(matrix, jacobian)


def test_sparse_structure_holds_every_tap_once():
    # No padding: every row holds k entries per input channel of its group, whatever the weights.
    w = np.zeros((6, 2, 3, 3))
    matrix = conv_matrix((9, 8), w, stride=2, dilation=(1, 2), groups=3, sparse=True)
    rows = 6 * 4 * 2
    assert matrix.shape == (rows, 6 * 9 * 8)
    assert matrix.nnz == rows * 2 * 9
    assert np.diff(matrix.indptr).tolist() == [18] * rows


def test_sparse_none_switches_at_the_dense_limit():
    small = conv_matrix((8, 8), np.ones((1, 1, 3, 3)))
    assert isinstance(small, np.ndarray)
    side = 48
    rows, cols = (side - 2) ** 2, side**2
    assert rows * cols > DENSE_LIMIT
    large = conv_matrix((side, side), np.ones((1, 1, 3, 3)))
    assert isinstance(large, csr_array)
    assert isinstance(conv_matrix((side, side), np.ones((1, 1, 3, 3)), sparse=False), np.ndarray)
    assert isinstance(conv_matrix((8, 8), np.ones((1, 1, 3, 3)), sparse=True), csr_array)


def test_matrix_dtype_follows_the_weight():
    assert conv_matrix((4,), np.ones((1, 1, 2), np.float32)).dtype == np.float32
    assert conv_matrix((4,), np.ones((1, 1, 2), np.float32), sparse=True).dtype == np.float32
    assert conv_matrix((4,), np.ones((1, 1, 2), np.int64)).dtype == np.float64


def test_padding_rules_reach_the_matrix():
    w = np.arange(1.0, 4.0).reshape(1, 1, 3)
    np.testing.assert_array_equal(
        conv_matrix((4,), w, padding="same"),
        [[2, 3, 0, 0], [1, 2, 3, 0], [0, 1, 2, 3], [0, 0, 1, 2]],
    )
    np.testing.assert_array_equal(
        conv_matrix((5,), w, stride=2, padding="same_tf"),
        [[2, 3, 0, 0, 0], [0, 1, 2, 3, 0], [0, 0, 0, 1, 2]],
    )


@settings(max_examples=40, deadline=None)
@given(case=conv_cases())
def test_three_methods_agree_on_conv(case):
    results = [
        conv(
            case.x,
            case.weight,
            case.bias,
            case.stride,
            case.padding,
            case.dilation,
            case.groups,
            method=m,
        )
        for m in METHODS
    ]
    for other in results[1:]:
        np.testing.assert_allclose(other, results[0], rtol=1e-12, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(case=conv_cases(transposed=True))
def test_three_methods_agree_on_conv_transpose(case):
    results = [
        conv_transpose(
            case.x,
            case.weight,
            case.bias,
            case.stride,
            case.padding,
            case.output_padding,
            case.groups,
            case.dilation,
            method=m,
        )
        for m in METHODS
    ]
    for other in results[1:]:
        np.testing.assert_allclose(other, results[0], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("op", ["conv", "conv_transpose"])
def test_methods_agree_where_the_matrix_is_sparse(op):
    # 40x40 with 2 channels: the matrix has 2*38*38 x 2*40*40 > DENSE_LIMIT entries.
    rng = np.random.default_rng(6)
    x = rng.standard_normal((2, 2, 40, 40))
    w = rng.standard_normal((2, 2, 3, 3))
    fn = conv if op == "conv" else conv_transpose
    results = [fn(x, w, method=m) for m in METHODS]
    torch_fn = F.conv2d if op == "conv" else F.conv_transpose2d
    expected = torch_fn(torch.from_numpy(x), torch.from_numpy(w)).numpy()
    for got in results:
        assert_close(got, expected)
