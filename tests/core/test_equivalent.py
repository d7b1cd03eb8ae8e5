"""equivalent_direct_conv against PyTorch: the stretched, padded input and the flipped kernel compute conv_transpose."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from convarith.core.equivalent import equivalent_direct_conv
from support.core_torch import per_axis, run, transposed_config

NDIMS = (1, 2, 3)


def pad_or_crop(a: np.ndarray, pairs: tuple[tuple[int, int], ...]) -> np.ndarray:
    """numpy: add zeros where a side's padding is positive, cut cells where it is negative."""
    a = np.pad(a, [(max(lo, 0), max(hi, 0)) for lo, hi in pairs])
    return a[
        tuple(slice(max(-lo, 0), a.shape[n] - max(-hi, 0)) for n, (lo, hi) in enumerate(pairs))
    ]


@pytest.mark.parametrize("ndim", NDIMS)
@settings(max_examples=40, deadline=None)
@given(data=st.data(), crop=st.booleans(), seed=st.integers(0, 1000))
def test_equivalent_direct_conv_computes_conv_transpose(ndim, data, crop, seed):
    shape, params = data.draw(transposed_config(ndim, crop=crop))
    eq = equivalent_direct_conv(shape, **params)
    k = per_axis(params["kernel_size"], ndim)
    s = per_axis(params["stride"], ndim)
    d = per_axis(params["dilation"], ndim)
    rng = np.random.default_rng(seed)
    x = rng.integers(-3, 4, size=shape).astype(np.float64)
    w = rng.integers(-2, 3, size=k).astype(np.float64)
    # Stretch: s-1 zeros between neighbouring cells.
    assert eq.stretched_shape == tuple((i - 1) * ss + 1 for i, ss in zip(shape, s))
    assert [a.inserted_zeros for a in eq.axes] == [ss - 1 for ss in s]
    stretched = np.zeros(eq.stretched_shape)
    stretched[tuple(slice(None, None, ss) for ss in s)] = x
    padded = pad_or_crop(stretched, eq.padding)
    assert padded.shape == eq.padded_shape
    assert eq.stride == (1,) * ndim
    direct = run(
        "conv",
        torch.tensor(padded)[None, None],
        torch.tensor(np.flip(w).copy())[None, None],
        {"kernel_size": k, "dilation": d},
    )
    real = run("conv_transpose", torch.tensor(x)[None, None], torch.tensor(w)[None, None], params)
    assert tuple(real.shape[2:]) == eq.output_shape
    torch.testing.assert_close(direct, real, rtol=0, atol=1e-9)
    if crop:
        assert any(a.cropped for a in eq.axes)
