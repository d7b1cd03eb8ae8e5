"""conv and conv_transpose against torch.nn.functional, every method, 1-D to 3-D."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from convarith.numeric import conv, conv_transpose
from support.numeric_cases import (
    METHODS,
    ConvCase,
    assert_close,
    conv_cases,
    torch_conv,
    torch_conv_transpose,
)

FAST = settings(max_examples=150, deadline=None)
_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def _torch_bias(case: ConvCase) -> torch.Tensor | None:
    return None if case.bias is None else torch.from_numpy(case.bias)


@FAST
@given(case=conv_cases(), method=st.sampled_from(METHODS))
def test_conv_matches_torch(case, method):
    got = conv(
        case.x,
        case.weight,
        case.bias,
        case.stride,
        case.padding,
        case.dilation,
        case.groups,
        method=method,
    )
    assert got.dtype == np.float64
    assert_close(got, torch_conv(case))


@FAST
@given(case=conv_cases(transposed=True), method=st.sampled_from(METHODS))
def test_conv_transpose_matches_torch(case, method):
    got = conv_transpose(
        case.x,
        case.weight,
        case.bias,
        case.stride,
        case.padding,
        case.output_padding,
        case.groups,
        case.dilation,
        method=method,
    )
    assert got.dtype == np.float64
    assert_close(got, torch_conv_transpose(case))


def _fit_pairs(case: ConvCase, pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Grow the high side where the padded input would be shorter than the dilated kernel."""
    fitted = []
    for (lo, hi), i, k, d in zip(pairs, case.input_shape, case.kernel, case.dilation, strict=True):
        fitted.append((lo, max(hi, d * (k - 1) + 1 - i - lo)))
    return fitted


@settings(max_examples=40, deadline=None)
@given(case=conv_cases(), data=st.data())
def test_asymmetric_padding_is_pad_then_conv(case, data):
    pairs = [(data.draw(st.integers(0, 3)), data.draw(st.integers(0, 3))) for _ in case.kernel]
    pairs = _fit_pairs(case, pairs)
    # F.pad lists the last axis first.
    padded = F.pad(case.torch_x(), [p for pair in reversed(pairs) for p in pair])
    expected = _CONV[case.ndim](
        padded,
        torch.from_numpy(case.weight),
        _torch_bias(case),
        case.stride,
        0,
        case.dilation,
        case.groups,
    ).numpy()
    method = data.draw(st.sampled_from(METHODS))
    got = conv(
        case.x,
        case.weight,
        case.bias,
        case.stride,
        tuple(pairs),
        case.dilation,
        case.groups,
        method=method,
    )
    assert_close(got, expected)


@settings(max_examples=40, deadline=None)
@given(case=conv_cases(transposed=True), data=st.data())
def test_transposed_padding_pairs_crop_the_full_result(case, data):
    full = _CONV_T[case.ndim](
        case.torch_x(),
        torch.from_numpy(case.weight),
        _torch_bias(case),
        case.stride,
        0,
        case.output_padding,
        case.groups,
        case.dilation,
    ).numpy()
    pairs = []
    for size in full.shape[-case.ndim :]:
        lo = data.draw(st.integers(0, size - 1))
        pairs.append((lo, data.draw(st.integers(0, size - 1 - lo))))
    expected = full[
        (
            ...,
            *(
                slice(lo, size - hi)
                for (lo, hi), size in zip(pairs, full.shape[-case.ndim :], strict=True)
            ),
        )
    ]
    method = data.draw(st.sampled_from(METHODS))
    got = conv_transpose(
        case.x,
        case.weight,
        case.bias,
        case.stride,
        tuple(pairs),
        case.output_padding,
        case.groups,
        case.dilation,
        method=method,
    )
    assert_close(got, expected)


@pytest.mark.parametrize("method", METHODS)
def test_crop_larger_than_the_stretched_input(method):
    # One input cell, stride 2, output_padding 1: the full result is 2 cells; dropping the first
    # crops past the (1-cell) stretched input into the output padding.
    x = np.array([[[3.0]]])
    w = np.array([[[2.0]]])
    expected = F.conv_transpose1d(
        torch.from_numpy(x), torch.from_numpy(w), stride=2, output_padding=1
    ).numpy()[..., 1:]
    got = conv_transpose(x, w, stride=2, padding=((1, 0),), output_padding=1, method=method)
    assert_close(got, expected)
    assert got.tolist() == [[[0.0]]]


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@settings(max_examples=40, deadline=None)
@given(
    case=conv_cases(),
    rule=st.sampled_from(["valid", "same", "same_tf"]),
    method=st.sampled_from(METHODS),
)
def test_padding_rules(case, rule, method):
    # Unpadded, the case's input may be shorter than its kernel; PyTorch refuses that.
    assume(
        rule != "valid"
        or all(
            i >= d * (k - 1) + 1
            for i, k, d in zip(case.input_shape, case.kernel, case.dilation, strict=True)
        )
    )
    stride = (1,) * case.ndim if rule == "same" else case.stride
    got = conv(
        case.x, case.weight, case.bias, stride, rule, case.dilation, case.groups, method=method
    )
    weight, bias = torch.from_numpy(case.weight), _torch_bias(case)
    if rule == "same_tf":
        # TensorFlow's SAME: output ceil(i/s), the odd zero at the end.
        flat: list[int] = []
        for i, k, s, d in reversed(
            list(zip(case.input_shape, case.kernel, case.stride, case.dilation, strict=True))
        ):
            need = max(0, (-(-i // s) - 1) * s + d * (k - 1) + 1 - i)
            flat += [need // 2, need - need // 2]
        expected = _CONV[case.ndim](
            F.pad(case.torch_x(), flat), weight, bias, stride, 0, case.dilation, case.groups
        ).numpy()
        assert got.shape[-case.ndim :] == tuple(
            -(-i // s) for i, s in zip(case.input_shape, case.stride, strict=True)
        )
    else:
        expected = _CONV[case.ndim](
            case.torch_x(), weight, bias, stride, rule, case.dilation, case.groups
        ).numpy()
    assert_close(got, expected)


@pytest.mark.parametrize("method", METHODS)
def test_float32_stays_float32(method):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 4, 9, 7)).astype(np.float32)
    w = rng.standard_normal((6, 2, 3, 3)).astype(np.float32)
    b = rng.standard_normal(6).astype(np.float32)
    got = conv(x, w, b, stride=2, padding=1, groups=2, method=method)
    assert got.dtype == np.float32
    expected = F.conv2d(
        torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b), 2, 1, 1, 2
    ).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    wt = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    got_t = conv_transpose(x, wt, None, 2, 1, 1, method=method)
    assert got_t.dtype == np.float32
    expected_t = F.conv_transpose2d(
        torch.from_numpy(x), torch.from_numpy(wt), None, 2, 1, 1
    ).numpy()
    np.testing.assert_allclose(got_t, expected_t, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("method", METHODS)
def test_integers_compute_in_float64(method):
    rng = np.random.default_rng(1)
    x = rng.integers(0, 4, (3, 6, 6))
    w = rng.integers(0, 3, (2, 3, 3, 3)).astype(np.int8)
    got = conv(x, w, np.array([1, 2]), padding=1, method=method)
    assert got.dtype == np.float64
    expected = F.conv2d(
        torch.from_numpy(x).double(),
        torch.from_numpy(w).double(),
        torch.tensor([1.0, 2.0], dtype=torch.float64),
        padding=1,
    ).numpy()
    np.testing.assert_array_equal(got, expected)


def test_float32_with_float64_promotes_to_float64():
    x = np.ones((1, 4), dtype=np.float32)
    assert conv(x, np.ones((1, 1, 2), dtype=np.float32)).dtype == np.float32
    assert conv(x, np.ones((1, 1, 2), dtype=np.float64)).dtype == np.float64
    assert conv(x, np.ones((1, 1, 2), np.float32), np.zeros(1)).dtype == np.float64
    assert conv_transpose(x, np.ones((1, 1, 2), np.float32)).dtype == np.float32


def test_scalar_and_per_axis_parameters_agree():
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((2, 8, 9)), rng.standard_normal((3, 2, 3, 2))
    np.testing.assert_array_equal(
        conv(x, w, stride=2, padding=1, dilation=2),
        conv(x, w, stride=(2, 2), padding=[1, 1], dilation=(2, 2)),
    )
    np.testing.assert_array_equal(conv(x, w, padding=((1, 1), (1, 1))), conv(x, w, padding=1))


def test_transposed_convolution_is_the_adjoint_of_the_convolution():
    # <conv(x), y> == <x, conv_transpose(y)> with the same weight: the "transposed" in the name.
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((2, 7, 6)), rng.standard_normal((3, 2, 3, 2))
    y = rng.standard_normal(conv(x, w, stride=2, padding=1, dilation=(1, 2)).shape)
    back = conv_transpose(y, w, stride=2, padding=1, output_padding=(0, 1), dilation=(1, 2))
    assert back.shape == x.shape
    assert np.vdot(conv(x, w, stride=2, padding=1, dilation=(1, 2)), y) == pytest.approx(
        np.vdot(x, back)
    )


def test_the_guides_numerical_example_by_hand():
    # Input 0..3 and kernel 0..2 as in the guide; the centre output checked by hand.
    x = np.array(
        [[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]]
    )
    w = np.array([[0, 1, 2], [2, 2, 0], [0, 1, 2]])
    out = conv(x[None], w[None, None])
    assert out.shape == (1, 3, 3)
    assert out[0, 1, 1] == 0 * 0 + 1 * 1 + 2 * 3 + 2 * 1 + 2 * 2 + 0 * 2 + 0 * 0 + 1 * 0 + 2 * 2
    assert out[0].tolist() == [[12.0, 12.0, 17.0], [10.0, 17.0, 19.0], [9.0, 6.0, 14.0]]


@pytest.mark.parametrize("method", METHODS)
def test_empty_batch(method):
    x = np.ones((0, 4, 6, 5))
    got = conv(x, np.ones((6, 2, 3, 3)), np.ones(6), padding=(1, 0), groups=2, method=method)
    assert got.shape == (0, 6, 6, 3)
    got_t = conv_transpose(x, np.ones((4, 3, 3, 3)), stride=2, method=method)
    expected = F.conv_transpose2d(torch.ones(0, 4, 6, 5), torch.ones(4, 3, 3, 3), stride=2)
    assert got_t.shape == tuple(expected.shape)
