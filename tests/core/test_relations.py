"""The original guide's 15 relationships: output_shape equals each closed formula, and PyTorch.

The output_shape tests draw configurations inside the relationship's setting, 1-D to 3-D
with different values per axis, and checks output_shape against the guide's
formula and against PyTorch's tensor shape.  For the transposed
relationships (8 to 14) the configuration is drawn as a direct convolution
(i, k, s, p); the transposed convolution takes its output size i' and, as
the guide states, gives back i.

In PyTorch's terms the transposed convolution of a convolution (k, s, p)
is ConvTranspose(k, s, p): the guide's p' (the padding of the equivalent
direct convolution, k - p - 1) is what PyTorch derives from p.

relationship() is checked against PyTorch too: for any configuration it
names the guide's relationship by the table, every relationship it lists
holds, and its worked formula computes PyTorch's size.
"""

from __future__ import annotations

import contextlib
import math
import re
from typing import Any, NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convarith import ConvArithError, output_shape
from convarith.core.relations import relationship
from support.arith_oracle import torch_shape
from support.core_torch import OPS, config, per_axis, tf_same_padding, torch_output_shape

PER_RELATIONSHIP = settings(max_examples=40, deadline=None)


class Axis(NamedTuple):
    """One axis of a drawn configuration."""

    i: int  # input size of the tested operation
    params: dict[str, int]
    formula: int  # the guide's closed formula
    back_to: int | None = None  # for a transposed relationship: the direct convolution's input


def _input(draw: st.DrawFn, low: int) -> int:
    return draw(st.integers(max(1, low), max(1, low) + 12))


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


@st.composite
def rel_7(draw: st.DrawFn) -> Axis:  # pooling, no padding
    k, s = draw(st.integers(1, 6)), draw(st.integers(1, 4))
    i = _input(draw, k)
    return Axis(i, {"kernel_size": k, "stride": s}, (i - k) // s + 1)


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


# --------------------------------------------------------------------------- relationship()


RELATIONSHIP_CASES = [
    (1, "conv", (5,), {"kernel_size": 3}),
    (1, "conv", (6,), {"kernel_size": 1}),  # also 3 and 4 hold: 1 is the most specific
    (2, "conv", (5,), {"kernel_size": 4, "padding": 2}),
    (3, "conv", (5,), {"kernel_size": 3, "padding": 1}),
    (3, "conv", (6,), {"kernel_size": 5, "padding": "same"}),
    (4, "conv", (5,), {"kernel_size": 3, "padding": 2}),
    (5, "conv", (5,), {"kernel_size": 3, "stride": 2}),
    (6, "conv", (5,), {"kernel_size": 3, "stride": 2, "padding": 1}),
    (6, "conv", (6,), {"kernel_size": 3, "stride": 2, "padding": 1}),
    (7, "max_pool", (5,), {"kernel_size": 2}),
    (7, "avg_pool", (5,), {"kernel_size": 3, "stride": 1}),
    (8, "conv_transpose", (2,), {"kernel_size": 3}),
    (9, "conv_transpose", (6,), {"kernel_size": 4, "padding": 1}),
    (10, "conv_transpose", (5,), {"kernel_size": 3, "padding": 1}),
    (11, "conv_transpose", (7,), {"kernel_size": 3, "padding": 2}),
    (12, "conv_transpose", (2,), {"kernel_size": 3, "stride": 2}),
    (13, "conv_transpose", (3,), {"kernel_size": 3, "stride": 2, "padding": 1}),
    (
        14,
        "conv_transpose",
        (3,),
        {"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1},
    ),
    (15, "conv", (7,), {"kernel_size": 3, "dilation": 2}),
    (15, "conv", (9,), {"kernel_size": 3, "dilation": 2, "stride": 2, "padding": 1}),
]


def evaluate(worked: str) -> int:
    """The left side of a worked formula, computed: floor/ceil and + - * / on integers."""
    left = re.split(r"=|->", worked)[0]
    assert re.fullmatch(r"(?:[0-9+\-*/() ]|floor|ceil)+", left), worked
    return int(eval(left, {"__builtins__": {}}, {"floor": math.floor, "ceil": math.ceil}))


@pytest.mark.parametrize(("number", "op", "shape", "params"), RELATIONSHIP_CASES)
def test_relationship_number_and_worked_formula(number, op, shape, params):
    o = torch_output_shape(op, shape, params)
    (r,) = relationship(op, shape, **params)
    assert r.number == number
    assert r.worked.endswith(f" {o[0]}")
    assert evaluate(r.worked) == o[0]
    assert str(number) in str(r)


@pytest.mark.parametrize("ndim", (1, 2))
@pytest.mark.parametrize("op", OPS)
def test_relationship_worked_formula_is_torchs_size(op, ndim):
    """Any configuration: the guide's number per its table, every relationship listed holds,
    and the worked formula computes PyTorch's size."""

    @settings(max_examples=25, deadline=None)
    @given(cfg=config(op, ndim))
    def check(cfg):
        shape, params = cfg
        out = torch_output_shape(op, shape, params)
        rels = relationship(op, shape, **params)
        assert len(rels) == ndim
        for r, o, ax in zip(rels, out, axis_values(op, shape, params)):
            assert r.number == guide_number(op, ax), (r, ax)
            for n in (r.number, *r.also) if r.number else ():
                assert GUIDE[n](ax) == o, (
                    f"relationship {n} listed but gives {GUIDE[n](ax)}, not {o}"
                )
            assert r.worked.rstrip().endswith(f" {o}")
            if "->" in r.worked:
                # ceil_mode: PyTorch drops a last window that would start past i + p; see
                # test_ceil_mode_worked_formula_shows_the_dropped_window.
                assert evaluate(r.worked) in (o, o + 1), r.worked
            else:
                assert evaluate(r.worked) == o, r.worked

    check()


# The guide's fifteen formulas (semantics page), on one axis's values.
GUIDE: dict[int, Any] = {
    1: lambda v: v["i"] - v["k"] + 1,
    2: lambda v: v["i"] - v["k"] + 2 * v["p"] + 1,
    3: lambda v: v["i"],
    4: lambda v: v["i"] + v["k"] - 1,
    5: lambda v: (v["i"] - v["k"]) // v["s"] + 1,
    6: lambda v: (v["i"] + 2 * v["p"] - v["k"]) // v["s"] + 1,
    7: lambda v: (v["i"] - v["k"]) // v["s"] + 1,
    8: lambda v: v["i"] + v["k"] - 1,
    9: lambda v: v["i"] + v["k"] - 1 - 2 * v["p"],
    10: lambda v: v["i"],
    11: lambda v: v["i"] - v["k"] + 1,
    12: lambda v: v["s"] * (v["i"] - 1) + v["k"],
    13: lambda v: v["s"] * (v["i"] - 1) + v["k"] - 2 * v["p"],
    14: lambda v: v["s"] * (v["i"] - 1) + v["a"] + v["k"] - 2 * v["p"],
    15: lambda v: (v["i"] + 2 * v["p"] - v["k"] - (v["k"] - 1) * (v["d"] - 1)) // v["s"] + 1,
}


def axis_values(op: str, shape: tuple[int, ...], params: dict[str, Any]) -> list[dict[str, Any]]:
    """Per axis: i, k, s, p (or lo != hi), d, a, ceil, resolved from PyTorch's parameters here."""
    ndim = len(shape)
    k = per_axis(params["kernel_size"], ndim)
    default = k if op in ("max_pool", "avg_pool") else (1,) * ndim
    s = per_axis(params["stride"], ndim) if params.get("stride") is not None else default
    d = per_axis(params.get("dilation", 1), ndim)
    a = per_axis(params.get("output_padding", 0), ndim)
    padding = params.get("padding", 0)
    values = []
    for n in range(ndim):
        if padding == "valid":
            lo = hi = 0
        elif padding == "same":
            lo, hi = d[n] * (k[n] - 1) // 2, d[n] * (k[n] - 1) - d[n] * (k[n] - 1) // 2
        elif padding == "same_tf":
            lo, hi = tf_same_padding(shape[n], k[n], s[n], d[n])
        else:
            p = per_axis(padding, ndim)[n]
            lo, hi = p if isinstance(p, tuple) else (p, p)
        values.append(
            {
                "i": shape[n],
                "k": k[n],
                "s": s[n],
                "p": lo,
                "hi": hi,
                "d": d[n],
                "a": a[n],
                "ceil": params.get("ceil_mode", False),
            }
        )
    return values


def guide_number(op: str, v: dict[str, Any]) -> int | None:
    """The most specific relationship of the guide's table that covers one axis, if any."""
    k, s, p, d = v["k"], v["s"], v["p"], v["d"]
    if v["p"] != v["hi"]:
        return None
    if op in ("max_pool", "avg_pool"):
        return 7 if p == 0 and d == 1 and not v["ceil"] else None
    if op == "conv":
        if d > 1:
            return 15
        if s == 1:
            if p == 0:
                return 1
            if k % 2 == 1 and p == k // 2:
                return 3
            return 4 if p == k - 1 else 2
        return 5 if p == 0 else 6
    if d > 1:
        return None
    if v["a"] > 0:
        return 14
    if s == 1:
        if p == 0:
            return 8
        if k % 2 == 1 and p == k // 2:
            return 10
        return 11 if p == k - 1 else 9
    return 12 if p == 0 else 13


def test_relationship_per_axis():
    rels = relationship("conv", (5, 5), kernel_size=3, stride=(1, 2), padding=(0, 1))
    assert [r.number for r in rels] == [1, 6]


def test_ceil_mode_worked_formula_shows_the_dropped_window():
    # ceil((1 + 2 - 1 - 1) / 2) + 1 = 2, but the second window would start at 2 >= i + p = 2.
    shape, params = (1,), {"kernel_size": 2, "padding": 1, "ceil_mode": True}
    assert torch_output_shape("max_pool", shape, params) == (1,)
    (r,) = relationship("max_pool", shape, **params)
    shown = r.worked
    assert evaluate(shown) == 1 or "= 2" in shown, shown
