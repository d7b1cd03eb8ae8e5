"""max_pool and avg_pool against torch.nn.functional, 1-D to 3-D."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from convarith.numeric import avg_pool, max_pool
from support.numeric_cases import assert_close

_MAX = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


@dataclass
class PoolCase:
    ndim: int
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    dilation: tuple[int, ...]
    ceil_mode: bool
    x: np.ndarray


@st.composite
def pool_cases(draw: st.DrawFn, dilated: bool) -> PoolCase:
    n = draw(st.integers(1, 3))
    kernel, stride, padding, dilation, shape = [], [], [], [], []
    for _ in range(n):
        k = draw(st.integers(1, 4 if n < 3 else 3))
        s = draw(st.integers(1, 3))
        p = draw(st.integers(0, k // 2))
        d = draw(st.integers(1, 2)) if dilated else 1
        low = max(1, d * (k - 1) + 1 - 2 * p)
        kernel.append(k)
        stride.append(s)
        padding.append(p)
        dilation.append(d)
        shape.append(draw(st.integers(low, low + (5 if n < 3 else 3))))
    channels = draw(st.integers(1, 3))
    batch = draw(st.one_of(st.none(), st.integers(1, 2)))
    x_shape = (channels, *shape) if batch is None else (batch, channels, *shape)
    seed = draw(st.integers(0, 2**32 - 1))
    return PoolCase(
        ndim=n,
        kernel=tuple(kernel),
        stride=tuple(stride),
        padding=tuple(padding),
        dilation=tuple(dilation),
        ceil_mode=draw(st.booleans()),
        x=np.random.default_rng(seed).standard_normal(x_shape),
    )


@settings(max_examples=150, deadline=None)
@given(case=pool_cases(dilated=True))
def test_max_pool_matches_torch(case):
    got = max_pool(case.x, case.kernel, case.stride, case.padding, case.dilation, case.ceil_mode)
    expected = _MAX[case.ndim](
        torch.from_numpy(case.x),
        case.kernel,
        case.stride,
        case.padding,
        case.dilation,
        ceil_mode=case.ceil_mode,
    ).numpy()
    np.testing.assert_array_equal(got, expected)


def _torch_avg(case: PoolCase, count_include_pad: bool, divisor: int | None) -> np.ndarray:
    x = torch.from_numpy(case.x)
    if case.ndim == 1:
        # avg_pool1d has no divisor_override; a 1-D pooling is a 2-D one over a height of 1.
        out = F.avg_pool2d(
            x.unsqueeze(-2),
            (1, *case.kernel),
            (1, *case.stride),
            (0, *case.padding),
            case.ceil_mode,
            count_include_pad,
            divisor,
        )
        return out.squeeze(-2).numpy()
    return _AVG[case.ndim](
        x, case.kernel, case.stride, case.padding, case.ceil_mode, count_include_pad, divisor
    ).numpy()


@settings(max_examples=150, deadline=None)
@given(
    case=pool_cases(dilated=False),
    count_include_pad=st.booleans(),
    divisor=st.one_of(st.none(), st.integers(1, 7)),
)
def test_avg_pool_matches_torch(case, count_include_pad, divisor):
    # PyTorch's avg_pool3d alone refuses an input smaller than the kernel, padding or not, and
    # AvgPool1d has no divisor_override; convarith refuses both too (tested in tests/core).
    assume(
        case.ndim < 3 or all(i >= k for i, k in zip(case.x.shape[-3:], case.kernel, strict=True))
    )
    assume(case.ndim > 1 or divisor is None)
    got = avg_pool(
        case.x,
        case.kernel,
        case.stride,
        case.padding,
        case.ceil_mode,
        count_include_pad,
        divisor,
    )
    assert got.dtype == np.float64
    assert_close(got, _torch_avg(case, count_include_pad, divisor))


@pytest.mark.parametrize("count_include_pad", [True, False])
def test_ceil_mode_overhang_is_not_counted(count_include_pad):
    # i=6, k=3, s=2, p=1, ceil_mode: the last window [5, 8) runs past the padded extent [-1, 7).
    x = np.arange(1.0, 7.0).reshape(1, 6)
    got = avg_pool(x, 3, 2, 1, ceil_mode=True, count_include_pad=count_include_pad)
    last = (6 + 0) / 2 if count_include_pad else 6 / 1
    assert got[0, -1] == pytest.approx(last)
    expected = F.avg_pool1d(torch.from_numpy(x), 3, 2, 1, True, count_include_pad).numpy()
    assert_close(got, expected)


def test_max_pool_padding_is_minus_infinity():
    x = -np.arange(1.0, 5.0).reshape(1, 4)
    assert max_pool(x, 2, padding=1).tolist() == [[-1.0, -2.0, -4.0]]


def test_max_pool_propagates_nan_like_torch():
    x = np.array([[1.0, np.nan, 3.0, -1.0, 0.5]])
    got = max_pool(x, 2, 1)
    expected = F.max_pool1d(torch.from_numpy(x), 2, 1).numpy()
    np.testing.assert_array_equal(got, expected)
    assert np.isnan(got[0, :2]).all()


def test_pool_dtype():
    x32 = np.ones((1, 4, 4), np.float32)
    assert max_pool(x32, (2, 2)).dtype == np.float32
    assert avg_pool(x32, (2, 2)).dtype == np.float32
    ints = np.arange(16).reshape(1, 4, 4)
    assert max_pool(ints, (2, 2)).dtype == np.float64
    assert max_pool(ints, (2, 2)).tolist() == [[[5.0, 7.0], [13.0, 15.0]]]
    assert avg_pool(ints, (2, 2)).tolist() == [[[2.5, 4.5], [10.5, 12.5]]]


def test_dimensionality_from_parameters_or_ndim():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 6))
    as_1d = max_pool(x, 2, ndim=1)
    as_2d = max_pool(x, 2, ndim=2)
    assert as_1d.shape == (2, 3, 3)
    assert as_2d.shape == (2, 1, 3)
    np.testing.assert_array_equal(as_1d, F.max_pool1d(torch.from_numpy(x), 2).numpy())
    np.testing.assert_array_equal(as_2d, F.max_pool2d(torch.from_numpy(x), 2).numpy())
    np.testing.assert_array_equal(max_pool(x, (2,)), as_1d)
    np.testing.assert_array_equal(max_pool(x, 2, stride=(2, 2)), as_2d)
    # 2 axes can only be an unbatched 1-D input, 5 only a batched 3-D one.
    assert avg_pool(rng.standard_normal((3, 6)), 3).shape == (3, 2)
    assert avg_pool(rng.standard_normal((1, 1, 4, 4, 4)), 2).shape == (1, 1, 2, 2, 2)


def test_empty_batch():
    x = np.ones((0, 2, 5, 5))
    assert max_pool(x, (2, 2)).shape == (0, 2, 2, 2)
    assert avg_pool(x, (3, 3), 1, 1).shape == (0, 2, 5, 5)
