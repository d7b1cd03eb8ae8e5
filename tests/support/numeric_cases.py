"""Hypothesis strategies for random, valid configurations of every numeric operation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import strategies as st

METHODS = ("gather", "scatter", "matrix")

# Small sizes keep the suite fast; 3-D gets the smallest.
_MAX_KERNEL = {1: 4, 2: 3, 3: 2}
_MAX_EXTRA = {1: 5, 2: 3, 3: 2}


@dataclass
class ConvCase:
    """One random convolution or transposed convolution, with its arrays."""

    ndim: int
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    dilation: tuple[int, ...]
    padding: tuple[int, ...]
    output_padding: tuple[int, ...]
    input_shape: tuple[int, ...]
    groups: int
    in_per_group: int
    out_per_group: int
    batch: int | None
    x: np.ndarray = field(repr=False)
    weight: np.ndarray = field(repr=False)
    bias: np.ndarray | None = field(repr=False)

    def torch_x(self) -> torch.Tensor:
        """The input as PyTorch takes it (unbatched stays unbatched)."""
        return torch.from_numpy(self.x)


def _values(draw: st.DrawFn, shape: tuple[int, ...]) -> np.ndarray:
    seed = draw(st.integers(0, 2**32 - 1))
    return np.random.default_rng(seed).standard_normal(shape)


@st.composite
def conv_cases(draw: st.DrawFn, transposed: bool = False, ndim: int | None = None) -> ConvCase:
    """A random configuration PyTorch accepts, with float64 arrays."""
    n = ndim if ndim is not None else draw(st.integers(1, 3))
    kernel, stride, dilation, padding, out_pad, shape = [], [], [], [], [], []
    for _ in range(n):
        k = draw(st.integers(1, _MAX_KERNEL[n]))
        s = draw(st.integers(1, 3))
        d = draw(st.integers(1, 2))
        p = draw(st.integers(0, 2))
        k_eff = d * (k - 1) + 1
        if transposed:
            a = draw(st.integers(0, max(s, d) - 1))
            # Smallest input whose transposed output keeps at least one cell.
            need = max(0, 2 * p - d * (k - 1) - a)
            low = 1 + -(-need // s)
        else:
            a = 0
            low = max(1, k_eff - 2 * p)
        i = draw(st.integers(low, low + _MAX_EXTRA[n]))
        kernel.append(k)
        stride.append(s)
        dilation.append(d)
        padding.append(p)
        out_pad.append(a)
        shape.append(i)
    groups = draw(st.integers(1, 3))
    in_per_group = draw(st.integers(1, 2))
    out_per_group = draw(st.integers(1, 2))
    batch = draw(st.one_of(st.none(), st.integers(1, 2)))
    c_in, c_out = groups * in_per_group, groups * out_per_group
    x_shape = (c_in, *shape) if batch is None else (batch, c_in, *shape)
    w_shape = (c_in, out_per_group, *kernel) if transposed else (c_out, in_per_group, *kernel)
    use_bias = draw(st.booleans())
    return ConvCase(
        ndim=n,
        kernel=tuple(kernel),
        stride=tuple(stride),
        dilation=tuple(dilation),
        padding=tuple(padding),
        output_padding=tuple(out_pad),
        input_shape=tuple(shape),
        groups=groups,
        in_per_group=in_per_group,
        out_per_group=out_per_group,
        batch=batch,
        x=_values(draw, x_shape),
        weight=_values(draw, w_shape),
        bias=_values(draw, (c_out,)) if use_bias else None,
    )


def torch_conv(case: ConvCase, **overrides: Any) -> np.ndarray:
    """PyTorch's result for a direct-convolution case."""
    fn = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[case.ndim]
    params: dict[str, Any] = {
        "stride": case.stride,
        "padding": case.padding,
        "dilation": case.dilation,
        "groups": case.groups,
    }
    params.update(overrides)
    bias = None if case.bias is None else torch.from_numpy(case.bias)
    return fn(case.torch_x(), torch.from_numpy(case.weight), bias, **params).numpy()


def torch_conv_transpose(case: ConvCase, **overrides: Any) -> np.ndarray:
    """PyTorch's result for a transposed-convolution case."""
    fn = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}[case.ndim]
    params: dict[str, Any] = {
        "stride": case.stride,
        "padding": case.padding,
        "output_padding": case.output_padding,
        "groups": case.groups,
        "dilation": case.dilation,
    }
    params.update(overrides)
    bias = None if case.bias is None else torch.from_numpy(case.bias)
    return fn(case.torch_x(), torch.from_numpy(case.weight), bias, **params).numpy()


def assert_close(actual: np.ndarray, expected: np.ndarray, rtol: float = 1e-5) -> None:
    """Same shape and values within ``rtol`` (with a tiny floor for cancelling sums)."""
    assert actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=1e-9)
