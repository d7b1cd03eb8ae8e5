"""The analyses against PyTorch: equivalent convolution, same sizes, unread cells, paddings, relationships."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from core_torch import (
    OPS,
    config,
    conv_config,
    f_pad,
    per_axis,
    pool_cells,
    pool_config,
    run,
    tf_same_padding,
    torch_output_shape,
    transposed_config,
)
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from convarith import ConvArithError
from convarith.core.equivalent import equivalent_direct_conv
from convarith.core.output_padding import restoring_output_padding
from convarith.core.relations import relationship
from convarith.core.same_sizes import same_output_sizes
from convarith.core.target_padding import padding_for_output
from convarith.core.unread import unread_cells

NDIMS = (1, 2, 3)
_CONV = {1: torch.nn.Conv1d, 2: torch.nn.Conv2d, 3: torch.nn.Conv3d}
_CONV_T = {1: torch.nn.ConvTranspose1d, 2: torch.nn.ConvTranspose2d, 3: torch.nn.ConvTranspose3d}
_MAX = {1: torch.nn.MaxPool1d, 2: torch.nn.MaxPool2d, 3: torch.nn.MaxPool3d}


def torch_shape_or_none(
    op: str, shape: tuple[int, ...], params: dict[str, Any]
) -> tuple[int, ...] | None:
    try:
        return torch_output_shape(op, shape, params)
    except RuntimeError:
        return None


# --------------------------------------------------------------------------- equivalent_direct_conv


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


# --------------------------------------------------------------------------- same_output_sizes


@pytest.mark.parametrize("ndim", (1, 2))
@pytest.mark.parametrize("op", OPS)
def test_same_output_sizes_are_exactly_torchs(op, ndim):
    @settings(max_examples=25, deadline=None)
    @given(cfg=config(op, ndim))
    def check(cfg):
        shape, params = cfg
        out = torch_output_shape(op, shape, params)
        ranges = same_output_sizes(op, shape, **params)
        assert len(ranges) == ndim
        for axis, r in enumerate(ranges):
            assert r.step == 1 and shape[axis] in r
            if op == "conv_transpose":
                assert len(r) == 1
            for n in [*r, r.start - 1, r.stop]:
                if n < 1:
                    continue
                other = list(shape)
                other[axis] = n
                got = torch_shape_or_none(op, tuple(other), params)
                same = got is not None and got[axis] == out[axis]
                assert same == (n in r), (
                    f"axis {axis}, input size {n}: torch gives {got}, range {r}"
                )

    check()


# --------------------------------------------------------------------------- unread_cells


def read_by_gradient(op: str, shape: tuple[int, ...], params: dict[str, Any]) -> torch.Tensor:
    """Gradient of the output's sum with all-ones weights: nonzero exactly at the cells read."""
    x = torch.ones(1, 1, *shape, dtype=torch.float64, requires_grad=True)
    w = None
    if op in ("conv", "conv_transpose"):
        w = torch.ones(1, 1, *per_axis(params["kernel_size"], len(shape)), dtype=torch.float64)
    run(op, x, w, params).sum().backward()
    assert x.grad is not None
    return x.grad[0, 0] != 0


@pytest.mark.parametrize("ndim", NDIMS)
@pytest.mark.parametrize("op", OPS)
def test_unread_cells_have_zero_gradient(op, ndim):
    @settings(max_examples=30 if ndim < 3 else 10, deadline=None)
    @given(cfg=config(op, ndim))
    def check(cfg):
        shape, params = cfg
        if op == "max_pool":
            # A max-pool's gradient reaches only each window's argmax: use one-hot inputs.
            read = torch.zeros(shape, dtype=torch.bool)
            for cells in pool_cells(op, shape, params).values():
                for q in cells:
                    read[q] = True
        else:
            read = read_by_gradient(op, shape, params)
        # An N-D cell is read when each of its coordinates is read on its axis; with no cell
        # read at all, the axes that do read something cannot be told apart: 1-D covers it.
        assume(ndim == 1 or bool(read.any()))
        expected = []
        for axis in range(ndim):
            others = tuple(n for n in range(ndim) if n != axis)
            used = read.any(dim=others) if others else read
            expected.append(tuple(int(n) for n in (~used).nonzero().flatten().tolist()))
        assert unread_cells(op, shape, **params) == tuple(expected)

    check()


def test_unread_cells_examples():
    # The docstring's example, and the three reasons a cell goes unread.
    assert unread_cells("conv", (6, 7), kernel_size=3, stride=2) == ((5,), ())
    assert unread_cells("conv", (7,), kernel_size=1, stride=3) == ((1, 2, 4, 5),)
    # o' = 5; cell q lands on 3q-3 and 3q-2: cells 0 and 3 land wholly outside.
    assert unread_cells("conv_transpose", (4,), kernel_size=2, stride=3, padding=3) == ((0, 3),)


# --------------------------------------------------------------------------- padding_for_output


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


# --------------------------------------------------------------------------- restoring_output_padding


@pytest.mark.parametrize("ndim", NDIMS)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_restoring_output_padding_gives_back_the_input_size(ndim, data):
    shape, params = data.draw(conv_config(ndim, forms=("int", "axes")))
    a = restoring_output_padding(shape, **params)
    assert len(a) == ndim
    k, s, p, d = (params[n] for n in ("kernel_size", "stride", "padding", "dilation"))
    x = torch.zeros(1, 1, *shape)
    y = _CONV[ndim](1, 1, k, stride=s, padding=p, dilation=d)(x)
    back = _CONV_T[ndim](1, 1, k, stride=s, padding=p, dilation=d, output_padding=a)(y)
    assert tuple(back.shape[2:]) == shape
    # The guide's a = (i + 2p - k_eff) mod s, less than the stride: no other value works.
    assert all(0 <= aa < ss for aa, ss in zip(a, per_axis(s, ndim)))


# --------------------------------------------------------------------------- relationship


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
