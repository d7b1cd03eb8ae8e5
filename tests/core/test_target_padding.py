"""padding_for_output against PyTorch: the smallest padding that gives a target output size."""

from __future__ import annotations

from typing import Any

import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from convarith import ConvArithError
from convarith.core.target_padding import padding_for_output
from support.core_torch import f_pad, per_axis, pool_config, torch_output_shape, torch_shape_or_none

_CONV = {1: torch.nn.Conv1d, 2: torch.nn.Conv2d, 3: torch.nn.Conv3d}
_CONV_T = {1: torch.nn.ConvTranspose1d, 2: torch.nn.ConvTranspose2d, 3: torch.nn.ConvTranspose3d}


def conv_output(
    shape: tuple[int, ...], pairs: list[tuple[int, int]], params: dict[str, Any]
) -> tuple[int, ...]:
    """Conv output through the module for symmetric padding, F.pad + conv otherwise."""
    ndim = len(shape)
    x = torch.zeros(1, 1, *shape)
    if all(lo == hi for lo, hi in pairs):
        module = _CONV[ndim](
            1,
            1,
            params["kernel_size"],
            stride=params["stride"],
            padding=tuple(lo for lo, _ in pairs),
            dilation=params["dilation"],
        )
        return tuple(module(x).shape[2:])
    module = _CONV[ndim](
        1, 1, params["kernel_size"], stride=params["stride"], dilation=params["dilation"]
    )
    return tuple(module(F.pad(x, f_pad(pairs))).shape[2:])


def transposed_output(
    shape: tuple[int, ...], pairs: list[tuple[int, int]], params: dict[str, Any]
) -> tuple[int, ...]:
    """Transposed output through the module for symmetric padding; unpadded then F.pad cropping otherwise."""
    ndim = len(shape)
    x = torch.zeros(1, 1, *shape)
    common = {
        "stride": params["stride"],
        "dilation": params["dilation"],
        "output_padding": params["output_padding"],
    }
    if all(lo == hi for lo, hi in pairs):
        module = _CONV_T[ndim](
            1, 1, params["kernel_size"], padding=tuple(lo for lo, _ in pairs), **common
        )
        return tuple(module(x).shape[2:])
    y = _CONV_T[ndim](1, 1, params["kernel_size"], **common)(x)
    return tuple(F.pad(y, f_pad([(-lo, -hi) for lo, hi in pairs])).shape[2:])


def as_pairs(padding: tuple[Any, ...]) -> list[tuple[int, int]]:
    return [(p, p) if isinstance(p, int) else tuple(p) for p in padding]


def smallest_axis_padding(get_size: Any, target: int, limit: int) -> Any:
    """Smallest symmetric padding giving ``target``, else the smallest (low, low+1) pair, else None."""
    for p in range(limit + 1):
        if get_size((p, p)) == target:
            return p
    for total in range(2 * limit + 2):
        pair = (total // 2, total - total // 2)
        if get_size(pair) == target:
            return pair
    return None


@st.composite
def conv_target(draw: Any) -> tuple[tuple[int, ...], tuple[int, ...], dict[str, Any]]:
    ndim = draw(st.integers(1, 2))
    shape = tuple(draw(st.integers(1, 9)) for _ in range(ndim))
    params = {
        "kernel_size": tuple(draw(st.integers(1, 4)) for _ in range(ndim)),
        "stride": tuple(draw(st.integers(1, 3)) for _ in range(ndim)),
        "dilation": tuple(draw(st.integers(1, 2)) for _ in range(ndim)),
    }
    target = tuple(draw(st.integers(1, 10)) for _ in range(ndim))
    return shape, target, params


@settings(max_examples=80, deadline=None)
@given(case=conv_target())
def test_padding_for_output_conv(case):
    shape, target, params = case
    ndim = len(shape)
    # Where padding 0 does not fit the kernel, see test_padding_for_output_when_unpadded_is_refused.
    assume(torch_shape_or_none("conv", shape, params) is not None)
    expected = []
    for axis in range(ndim):

        def size(pair: tuple[int, int], axis: int = axis) -> int | None:
            axis_params = {k: (v[axis],) for k, v in params.items()}
            try:
                return conv_output((shape[axis],), [pair], axis_params)[0]
            except RuntimeError:
                return None

        expected.append(smallest_axis_padding(size, target[axis], limit=20))
    if None in expected:
        with pytest.raises(ConvArithError):
            padding_for_output("conv", shape, target, **params)
        return
    got = padding_for_output("conv", shape, target, **params)
    assert got == tuple(expected)
    assert conv_output(shape, as_pairs(got), params) == target


@st.composite
def transposed_target(draw: Any) -> tuple[tuple[int, ...], tuple[int, ...], dict[str, Any]]:
    ndim = draw(st.integers(1, 2))
    shape = tuple(draw(st.integers(1, 5)) for _ in range(ndim))
    s = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    d = tuple(draw(st.integers(1, 2)) for _ in range(ndim))
    params = {
        "kernel_size": tuple(draw(st.integers(1, 4)) for _ in range(ndim)),
        "stride": s,
        "dilation": d,
        "output_padding": tuple(draw(st.integers(0, max(a, b) - 1)) for a, b in zip(s, d)),
    }
    target = tuple(draw(st.integers(1, 16)) for _ in range(ndim))
    return shape, target, params


@settings(max_examples=80, deadline=None)
@given(case=transposed_target())
def test_padding_for_output_conv_transpose(case):
    shape, target, params = case
    ndim = len(shape)
    expected = []
    for axis in range(ndim):

        def size(pair: tuple[int, int], axis: int = axis) -> int | None:
            axis_params = {k: (v[axis],) for k, v in params.items()}
            try:
                got = transposed_output((shape[axis],), [pair], axis_params)[0]
            except RuntimeError:
                return None
            return got if got >= 1 else None

        expected.append(smallest_axis_padding(size, target[axis], limit=30))
    if None in expected:
        with pytest.raises(ConvArithError):
            padding_for_output("conv_transpose", shape, target, **params)
        return
    got = padding_for_output("conv_transpose", shape, target, **params)
    assert got == tuple(expected)
    assert transposed_output(shape, as_pairs(got), params) == target


@pytest.mark.parametrize("op", ("max_pool", "avg_pool"))
@settings(max_examples=40, deadline=None)
@given(data=st.data(), target=st.integers(1, 8))
def test_padding_for_output_pooling(op, data, target):
    shape, params = data.draw(pool_config(op, 1))
    params = {k: v for k, v in params.items() if k != "padding"}
    k = per_axis(params["kernel_size"], 1)[0]
    found = None
    for p in range(k // 2 + 1):
        if torch_shape_or_none(op, shape, {**params, "padding": p}) == (target,):
            found = p
            break
    if found is None:
        with pytest.raises(ConvArithError):
            padding_for_output(op, shape, (target,), **params)
    else:
        assert padding_for_output(op, shape, (target,), **params) == (found,)


def test_padding_for_output_examples():
    assert padding_for_output("conv", (32, 32), (16, 16), kernel_size=3, stride=2) == (1, 1)
    assert padding_for_output("conv", (6,), (6,), kernel_size=4) == ((1, 2),)
    assert padding_for_output("conv", (6,), (9,), kernel_size=3) == ((2, 3),)
    # Padding only grows a convolution's output: a smaller target is out of reach.
    with pytest.raises(ConvArithError):
        padding_for_output("conv", (6,), (3,), kernel_size=3)
    # A transposed convolution can only be cropped: a bigger target is out of reach.
    with pytest.raises(ConvArithError):
        padding_for_output("conv_transpose", (3,), (9,), kernel_size=3, stride=2)


@pytest.mark.parametrize(
    ("op", "shape", "target", "params", "padding"),
    [
        ("conv", (2,), (2,), {"kernel_size": 3}, (1,)),  # 'same' padding of a 2-cell input
        ("conv", (1, 8), (1, 8), {"kernel_size": 2}, ((0, 1), (0, 1))),
        ("max_pool", (3,), (1,), {"kernel_size": 3, "dilation": 2, "stride": 1}, (1,)),
    ],
)
def test_padding_for_output_when_unpadded_is_refused(op, shape, target, params, padding):
    assert torch_shape_or_none(op, shape, params) is None  # PyTorch refuses padding 0 ...
    pairs = as_pairs(padding)
    if op == "conv":
        assert (
            conv_output(shape, pairs, {"stride": 1, "dilation": 1, **params}) == target
        )  # ... not this
    else:
        assert torch_output_shape(op, shape, {**params, "padding": padding}) == target
    assert padding_for_output(op, shape, target, **params) == padding
