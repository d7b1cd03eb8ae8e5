"""The original guide's 15 relationships: output_shape equals each closed formula, and PyTorch.

Every test draws configurations inside the relationship's setting, 1-D to 3-D
with different values per axis, and checks output_shape against the guide's
formula and against PyTorch's tensor shape.  For the transposed
relationships (8 to 14) the configuration is drawn as a direct convolution
(i, k, s, p); the transposed convolution takes its output size i' and, as
the guide states, gives back i.

In PyTorch's terms the transposed convolution of a convolution (k, s, p)
is ConvTranspose(k, s, p): the guide's p' (the padding of the equivalent
direct convolution, k - p - 1) is what PyTorch derives from p.
"""

from __future__ import annotations

import contextlib
from typing import Any, NamedTuple

import pytest
from arith_oracle import torch_shape
from hypothesis import given, settings
from hypothesis import strategies as st

from convarith import ConvArithError, output_shape

PER_RELATIONSHIP = settings(max_examples=40, deadline=None)


class Axis(NamedTuple):
    """One axis of a drawn configuration."""

    i: int  # input size of the tested operation
    params: dict[str, int]
    formula: int  # the guide's closed formula
    back_to: int | None = None  # for a transposed relationship: the direct convolution's input


def _input(draw: st.DrawFn, low: int) -> int:
    return draw(st.integers(max(1, low), max(1, low) + 12))


# -- convolution: relationships 1 to 6 and 15 -----------------------------------------------


@st.composite
def rel_1(draw: st.DrawFn) -> Axis:  # s=1, p=0
    k = draw(st.integers(1, 6))
    i = _input(draw, k)
    return Axis(i, {"kernel_size": k}, i - k + 1)


@st.composite
def rel_2(draw: st.DrawFn) -> Axis:  # s=1
    k, p = draw(st.integers(1, 6)), draw(st.integers(0, 4))
    i = _input(draw, k - 2 * p)
    return Axis(i, {"kernel_size": k, "padding": p}, i - k + 2 * p + 1)


@st.composite
def rel_3(draw: st.DrawFn) -> Axis:  # half padding: k odd, p = floor(k/2), s=1
    k = 2 * draw(st.integers(0, 3)) + 1
    i = _input(draw, 1)
    return Axis(i, {"kernel_size": k, "padding": k // 2}, i)


@st.composite
def rel_4(draw: st.DrawFn) -> Axis:  # full padding: p = k-1, s=1
    k = draw(st.integers(1, 6))
    i = _input(draw, 1)
    return Axis(i, {"kernel_size": k, "padding": k - 1}, i + k - 1)


@st.composite
def rel_5(draw: st.DrawFn) -> Axis:  # p=0
    k, s = draw(st.integers(1, 6)), draw(st.integers(1, 4))
    i = _input(draw, k)
    return Axis(i, {"kernel_size": k, "stride": s}, (i - k) // s + 1)


@st.composite
def rel_6(draw: st.DrawFn) -> Axis:  # general
    k, s, p = draw(st.integers(1, 6)), draw(st.integers(1, 4)), draw(st.integers(0, 4))
    i = _input(draw, k - 2 * p)
    return Axis(i, {"kernel_size": k, "stride": s, "padding": p}, (i + 2 * p - k) // s + 1)


@st.composite
def rel_15(draw: st.DrawFn) -> Axis:  # dilation
    k, s, p, d = (
        draw(st.integers(1, 5)),
        draw(st.integers(1, 4)),
        draw(st.integers(0, 4)),
        draw(st.integers(1, 4)),
    )
    i = _input(draw, d * (k - 1) + 1 - 2 * p)
    formula = (i + 2 * p - k - (k - 1) * (d - 1)) // s + 1
    return Axis(i, {"kernel_size": k, "stride": s, "padding": p, "dilation": d}, formula)


# -- pooling: relationship 7 ---------------------------------------------------------------


@st.composite
def rel_7(draw: st.DrawFn) -> Axis:  # pooling, no padding
    k, s = draw(st.integers(1, 6)), draw(st.integers(1, 4))
    i = _input(draw, k)
    return Axis(i, {"kernel_size": k, "stride": s}, (i - k) // s + 1)


# -- transposed convolution: relationships 8 to 14 ------------------------------------------


def _direct(i: int, k: int, s: int, p: int) -> int:
    return (i + 2 * p - k) // s + 1


@st.composite
def rel_8(draw: st.DrawFn) -> Axis:  # transpose of #1
    k = draw(st.integers(1, 6))
    i = _input(draw, k)
    i_t = _direct(i, k, 1, 0)
    return Axis(i_t, {"kernel_size": k}, i_t + k - 1, i)


@st.composite
def rel_9(draw: st.DrawFn) -> Axis:  # transpose of #2
    k, p = draw(st.integers(1, 6)), draw(st.integers(0, 4))
    i = _input(draw, k - 2 * p)
    i_t = _direct(i, k, 1, p)
    return Axis(i_t, {"kernel_size": k, "padding": p}, i_t + k - 1 - 2 * p, i)


@st.composite
def rel_10(draw: st.DrawFn) -> Axis:  # transpose of #3
    k = 2 * draw(st.integers(0, 3)) + 1
    i = _input(draw, 1)
    i_t = _direct(i, k, 1, k // 2)
    return Axis(i_t, {"kernel_size": k, "padding": k // 2}, i_t, i)


@st.composite
def rel_11(draw: st.DrawFn) -> Axis:  # transpose of #4
    k = draw(st.integers(1, 6))
    i = _input(draw, 1)
    i_t = _direct(i, k, 1, k - 1)
    return Axis(i_t, {"kernel_size": k, "padding": k - 1}, i_t - k + 1, i)


@st.composite
def rel_12(draw: st.DrawFn) -> Axis:  # transpose of #5 with i - k a multiple of s
    k, s = draw(st.integers(1, 6)), draw(st.integers(1, 4))
    i = k + s * draw(st.integers(0, 5))
    i_t = _direct(i, k, s, 0)
    return Axis(i_t, {"kernel_size": k, "stride": s}, s * (i_t - 1) + k, i)


@st.composite
def rel_13(draw: st.DrawFn) -> Axis:  # transpose of #6 with i + 2p - k a multiple of s
    k, s, p = draw(st.integers(1, 6)), draw(st.integers(1, 4)), draw(st.integers(0, 4))
    first = -(-(1 - k + 2 * p) // s) if 1 - k + 2 * p > 0 else 0  # smallest m with i >= 1
    i = k - 2 * p + s * draw(st.integers(first, first + 5))
    i_t = _direct(i, k, s, p)
    return Axis(i_t, {"kernel_size": k, "stride": s, "padding": p}, s * (i_t - 1) + k - 2 * p, i)


@st.composite
def rel_14(draw: st.DrawFn) -> Axis:  # transpose of #6, any i: a = (i + 2p - k) mod s
    k, s, p = draw(st.integers(1, 6)), draw(st.integers(1, 4)), draw(st.integers(0, 4))
    i = _input(draw, k - 2 * p)
    a = (i + 2 * p - k) % s
    i_t = _direct(i, k, s, p)
    params = {"kernel_size": k, "stride": s, "padding": p, "output_padding": a}
    return Axis(i_t, params, s * (i_t - 1) + a + k - 2 * p, i)


RELATIONSHIPS: dict[int, tuple[str, Any]] = {
    1: ("conv", rel_1),
    2: ("conv", rel_2),
    3: ("conv", rel_3),
    4: ("conv", rel_4),
    5: ("conv", rel_5),
    6: ("conv", rel_6),
    7: ("pool", rel_7),
    8: ("conv_transpose", rel_8),
    9: ("conv_transpose", rel_9),
    10: ("conv_transpose", rel_10),
    11: ("conv_transpose", rel_11),
    12: ("conv_transpose", rel_12),
    13: ("conv_transpose", rel_13),
    14: ("conv_transpose", rel_14),
    15: ("conv", rel_15),
}


@pytest.mark.parametrize("number", sorted(RELATIONSHIPS))
@PER_RELATIONSHIP
@given(data=st.data())
def test_relationship(number, data):
    op, axis = RELATIONSHIPS[number]
    if op == "pool":
        op = data.draw(st.sampled_from(["max_pool", "avg_pool"]))
    axes = [data.draw(axis()) for _ in range(data.draw(st.integers(1, 3)))]
    shape = tuple(a.i for a in axes)
    names = sorted({name for a in axes for name in a.params})
    defaults = {"stride": 1, "padding": 0, "dilation": 1, "output_padding": 0}
    params = {name: tuple(a.params.get(name, defaults.get(name)) for a in axes) for name in names}
    if op in ("max_pool", "avg_pool") and "stride" not in params:
        params["stride"] = (1,) * len(axes)
    formula = tuple(a.formula for a in axes)
    assert min(formula) >= 1
    assert output_shape(op, shape, **params) == formula
    assert torch_shape(op, shape, params) == formula
    if op == "conv_transpose":
        assert formula == tuple(a.back_to for a in axes)  # the guide's point: i comes back


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_output_padding_gives_back_the_input_with_dilation(data):
    """Relationship 14 generalised (semantics page): with dilation, a = (i + 2p - k_eff) mod s."""
    ndim = data.draw(st.integers(1, 3))
    k, s, p, d = (
        data.draw(st.tuples(*[st.integers(lo, hi)] * ndim))
        for lo, hi in ((1, 4), (1, 4), (0, 3), (1, 3))
    )
    k_eff = tuple(dn * (kn - 1) + 1 for kn, dn in zip(k, d))
    shape = tuple(data.draw(st.integers(max(1, ke - 2 * pn), 14)) for ke, pn in zip(k_eff, p))
    direct = {"kernel_size": k, "stride": s, "padding": p, "dilation": d}
    out = output_shape("conv", shape, **direct)
    assert out == torch_shape("conv", shape, direct)
    a = tuple((i + 2 * pn - ke) % sn for i, pn, ke, sn in zip(shape, p, k_eff, s))
    back = {**direct, "output_padding": a}
    assert output_shape("conv_transpose", out, **back) == shape
    assert torch_shape("conv_transpose", out, back) == shape
    # any other output_padding that PyTorch accepts gives a different size
    other = tuple((an + 1) % max(sn, dn) for an, sn, dn in zip(a, s, d))
    if other != a:
        # refused (an empty output) is not the input either
        with contextlib.suppress(ConvArithError):
            assert (
                output_shape("conv_transpose", out, **{**direct, "output_padding": other}) != shape
            )
