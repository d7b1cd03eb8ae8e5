"""The edge cases the semantics page names, one by one, against PyTorch and exact messages."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from convarith import ConvArithError, configure, output_shape
from support.arith_oracle import TorchRefused, tf_same_padding, torch_shape

FEW = settings(max_examples=60, deadline=None)


def torch_or_none(
    op: str, shape: tuple[int, ...], params: dict[str, Any]
) -> tuple[int, ...] | None:
    try:
        return torch_shape(op, shape, params)
    except TorchRefused:
        return None


def refused(op: str, shape: tuple[int, ...], params: dict[str, Any], message: str) -> None:
    """convarith refuses with exactly ``message`` (a regex), and so does PyTorch."""
    with pytest.raises(ConvArithError, match=message) as info:
        output_shape(op, shape, **params)
    assert "\n" not in str(info.value)
    assert torch_or_none(op, shape, params) is None


# -- ceil_mode: the last window must start inside the input or its left padding ----------


@pytest.mark.parametrize("op", ["max_pool", "avg_pool"])
@pytest.mark.parametrize(
    ("i", "k", "s", "p", "expected", "naive"),
    [
        (5, 1, 3, 0, 2, 3),  # ceil(4/3)+1 = 3 windows, but the third would start at 6 > 5
        (5, 3, 3, 1, 2, 3),  # third window would start at 6 - 1 = 5: in the right padding
        (8, 2, 4, 1, 3, 3),  # third window starts at 8 - 1 = 7: inside, kept
        (5, 2, 2, 0, 3, 3),  # the third window hangs over the end but starts inside: kept
        (6, 3, 5, 1, 2, 2),  # starts at 5 - 1 = 4 < 6: kept
    ],
)
def test_ceil_mode_drops_a_window_that_starts_in_the_right_padding(op, i, k, s, p, expected, naive):
    params = {"kernel_size": k, "stride": s, "padding": p, "ceil_mode": True}
    assert math.ceil((i + 2 * p - k) / s) + 1 == naive  # the plain round-up
    assert output_shape(op, (i,), **params) == (expected,)
    assert torch_shape(op, (i,), params) == (expected,)
    # 2-D and 3-D apply the rule per axis
    params_2d = {**params, "kernel_size": (k, 1), "stride": (s, 1), "padding": (p, 0)}
    assert output_shape(op, (i, 3), **params_2d) == (expected, 3)
    assert torch_shape(op, (i, 3), params_2d) == (expected, 3)


@FEW
@given(
    i=st.integers(1, 15),
    k=st.integers(1, 5),
    s=st.integers(1, 6),
    d=st.integers(1, 3),
    p=st.integers(0, 2),
)
def test_ceil_mode_counts_the_window_starts_inside_input_or_left_padding(i, k, s, d, p):
    """ceil_mode's size, read as a count: the window starts r*s (r >= 0) that the round-up
    admits (r*s <= i + 2p - k_eff + s - 1) and that lie inside the input or its left padding."""
    k_eff = d * (k - 1) + 1
    if 2 * p > k or i + 2 * p < k_eff:
        return  # refused (tested elsewhere)
    starts = [
        r for r in range(0, i + 2 * p) if r * s < i + p and r * s <= i + 2 * p - k_eff + s - 1
    ]
    params = {"kernel_size": k, "stride": s, "padding": p, "dilation": d, "ceil_mode": True}
    assert output_shape("max_pool", (i,), **params) == (len(starts),)
    assert torch_shape("max_pool", (i,), params) == (len(starts),)


# -- output_padding < max(stride, dilation) -----------------------------------------------


@pytest.mark.parametrize(
    ("s", "d", "a", "accepted"),
    [
        (2, 1, 1, True),
        (2, 1, 2, False),
        (1, 1, 1, False),
        (1, 3, 2, True),  # dilation allows it although stride is 1
        (1, 3, 3, False),
        (3, 2, 2, True),
        (2, 3, 2, True),
        (2, 3, 3, False),
        (4, 1, 3, True),
    ],
)
def test_output_padding_must_be_smaller_than_stride_or_dilation(s, d, a, accepted):
    params = {"kernel_size": 3, "stride": s, "dilation": d, "output_padding": a}
    if accepted:
        o = (4 - 1) * s + d * (3 - 1) + a + 1
        assert output_shape("conv_transpose", (4,), **params) == (o,)
        assert torch_shape("conv_transpose", (4,), params) == (o,)
    else:
        refused(
            "conv_transpose",
            (4,),
            params,
            rf"^output_padding={a} must be smaller than stride={s} or dilation={d}$",
        )


def test_output_padding_is_checked_per_axis():
    params = {"kernel_size": 3, "stride": (2, 1), "output_padding": (1, 1)}
    refused(
        "conv_transpose",
        (3, 3),
        params,
        r"^output_padding=1 must be smaller than stride=\(2, 1\) or dilation=1$",
    )
    params = {"kernel_size": 3, "stride": (2, 1), "output_padding": (1, 0)}
    assert output_shape("conv_transpose", (3, 3), **params) == (8, 5)
    assert torch_shape("conv_transpose", (3, 3), params) == (8, 5)


# -- padding="same": the odd zero goes to the end -------------------------------------------


def _zeros_before_and_after(
    i: int, k: int, d: int, padding: str | tuple[int, int]
) -> tuple[int, int]:
    """Read PyTorch's padding off its output: a kernel that picks its first tap shows the zeros
    before the input, one that picks its last tap shows the zeros after."""
    x = torch.arange(1.0, i + 1).reshape(1, 1, i)
    counts = []
    for tap in (0, k - 1):
        w = torch.zeros(1, 1, k)
        w[0, 0, tap] = 1.0
        if isinstance(padding, str):
            out = F.conv1d(x, w, padding=padding, dilation=d)[0, 0]
        else:
            out = F.conv1d(F.pad(x, list(padding)), w, dilation=d)[0, 0]
        values = out.tolist()
        if tap == 0:
            counts.append(next(n for n, v in enumerate(values) if v != 0))
        else:
            counts.append(next(n for n, v in enumerate(reversed(values)) if v != 0))
    return counts[0], counts[1]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("d", [1, 2, 3])
@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 6])
def test_same_puts_the_extra_zero_at_the_end(k, d):
    total = d * (k - 1)
    config = configure("conv", (12,), kernel_size=k, dilation=d, padding="same")
    assert config.padding == ((total // 2, total - total // 2),)
    assert config.output_shape == (12,)
    assert _zeros_before_and_after(12, k, d, "same") == config.padding[0]


def test_same_per_axis_and_refused_with_a_stride():
    config = configure("conv", (7, 8, 9), kernel_size=(2, 3, 4), dilation=(3, 1, 1), padding="same")
    assert config.padding == ((1, 2), (1, 1), (1, 2))
    assert config.output_shape == (7, 8, 9)
    refused(
        "conv",
        (5, 5),
        {"kernel_size": 3, "stride": (1, 2), "padding": "same"},
        r"^padding='same' needs stride=1 \(PyTorch's rule\), not stride=\(1, 2\); "
        r"padding='same_tf' pads like TensorFlow's SAME for any stride$",
    )


# -- TensorFlow SAME and VALID ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("i", "k", "s", "d", "pads"),
    [
        (5, 3, 2, 1, (1, 1)),
        (6, 3, 2, 1, (0, 1)),
        (4, 4, 1, 1, (1, 2)),
        (7, 1, 3, 1, (0, 0)),
        (2, 5, 3, 1, (1, 2)),
        (6, 3, 2, 2, (1, 2)),
        (7, 3, 3, 1, (1, 1)),
        (5, 2, 1, 3, (1, 2)),
    ],
)
def test_same_tf_examples(i, k, s, d, pads):
    config = configure("conv", (i,), kernel_size=k, stride=s, dilation=d, padding="same_tf")
    assert config.padding == (pads,)
    assert config.output_shape == (math.ceil(i / s),)
    assert torch_shape(
        "conv", (i,), {"kernel_size": k, "stride": s, "dilation": d, "padding": "same_tf"}
    ) == (math.ceil(i / s),)


@FEW
@given(
    shape=st.lists(st.integers(1, 12), min_size=1, max_size=3),
    data=st.data(),
)
def test_same_tf_output_is_ceil_i_over_s_with_the_extra_zero_at_the_end(shape, data):
    ndim = len(shape)
    k = data.draw(st.tuples(*[st.integers(1, 6)] * ndim))
    s = data.draw(st.tuples(*[st.integers(1, 4)] * ndim))
    d = data.draw(st.tuples(*[st.integers(1, 3)] * ndim))
    config = configure("conv", shape, kernel_size=k, stride=s, dilation=d, padding="same_tf")
    assert config.output_shape == tuple(-(-i // si) for i, si in zip(shape, s))
    assert config.padding == tuple(tf_same_padding(*a) for a in zip(shape, k, s, d))
    assert all(hi - lo in (0, 1) for lo, hi in config.padding)


@FEW
@given(i=st.integers(1, 20), k=st.integers(1, 6), s=st.integers(1, 5), d=st.integers(1, 3))
def test_valid_is_tensorflow_valid(i, k, s, d):
    k_eff = d * (k - 1) + 1
    params = {"kernel_size": k, "stride": s, "dilation": d, "padding": "valid"}
    if i < k_eff:
        refused("conv", (i,), params, rf"^kernel_size={k}\b.* spans {k_eff} cells, more than ")
    else:
        assert output_shape("conv", (i,), **params) == (math.ceil((i - k_eff + 1) / s),)
        assert torch_shape("conv", (i,), params) == (math.ceil((i - k_eff + 1) / s),)


# -- pooling: 2*p <= k, with or without dilation ------------------------------------------


@pytest.mark.parametrize("ndim", [1, 2, 3])
@pytest.mark.parametrize(
    ("k", "d", "p", "accepted"),
    [
        (3, 1, 1, True),
        (3, 1, 2, False),
        (4, 1, 2, True),
        (1, 1, 1, False),
        (2, 3, 1, True),
        (2, 3, 2, False),  # the dilated extent is 4, but the rule reads the plain kernel
        (5, 2, 2, True),
        (5, 2, 3, False),
        (3, 4, 2, False),  # extent 9: PyTorch still refuses 2 > 3/2
    ],
)
def test_pool_padding_at_most_half_the_plain_kernel(ndim, k, d, p, accepted):
    shape = (9,) * ndim
    for op in ("max_pool", "avg_pool"):
        params = {"kernel_size": k, "padding": p, "stride": 1}
        if op == "max_pool":
            params["dilation"] = d
        elif d != 1:
            continue
        if accepted:
            o = 9 + 2 * p - d * (k - 1)
            assert output_shape(op, shape, **params) == (o,) * ndim
            assert torch_shape(op, shape, params) == (o,) * ndim
        else:
            refused(
                op,
                shape,
                params,
                rf"^padding={p} must be at most half of kernel_size={k} "
                r"\(PyTorch's pooling rule\)$",
            )


def test_pool_padding_rule_per_axis():
    params = {"kernel_size": (2, 5), "padding": (1, 2), "stride": 1}
    assert output_shape("max_pool", (4, 4), **params) == (5, 4)
    assert torch_shape("max_pool", (4, 4), params) == (5, 4)
    refused(
        "max_pool",
        (4, 4),
        {**params, "padding": (2, 1)},
        r"^padding=\(2, 1\) must be at most half of kernel_size=\(2, 5\) "
        r"\(PyTorch's pooling rule\)$",
    )


# -- pooling: stride defaults to the kernel size ------------------------------------------


@pytest.mark.parametrize("op", ["max_pool", "avg_pool"])
@pytest.mark.parametrize(
    ("shape", "kernel", "expected"),
    [((7,), 3, (2,)), ((7, 7), (2, 3), (3, 2)), ((9, 8, 7), (3, 2, 1), (3, 4, 7))],
)
def test_pool_stride_defaults_to_the_kernel(op, shape, kernel, expected):
    assert output_shape(op, shape, kernel_size=kernel) == expected
    assert output_shape(op, shape, kernel_size=kernel, stride=None) == expected
    assert output_shape(op, shape, kernel_size=kernel, stride=()) == expected
    assert torch_shape(op, shape, {"kernel_size": kernel}) == expected
    assert output_shape(op, shape, kernel_size=kernel, stride=1) != expected  # not stride 1


def test_conv_stride_defaults_to_one():
    assert output_shape("conv", (7,), kernel_size=3) == (5,)
    assert output_shape("conv_transpose", (7,), kernel_size=3) == (9,)


# -- what pooling refuses ------------------------------------------------------------------


def test_avg_pool_refuses_dilation():
    refused(
        "avg_pool",
        (5, 5),
        {"kernel_size": 3, "dilation": 2},
        r"^dilation=2 does not apply to avg_pool: PyTorch's AvgPool has no dilation$",
    )
    refused(
        "avg_pool",
        (5, 5),
        {"kernel_size": 3, "dilation": (1, 2)},
        r"^dilation=\(1, 2\) does not apply to avg_pool: PyTorch's AvgPool has no dilation$",
    )
    # dilation=1 is PyTorch's behaviour, so harmless
    assert output_shape("avg_pool", (5, 5), kernel_size=3, dilation=1) == (1, 1)


@pytest.mark.parametrize("op", ["max_pool", "avg_pool"])
def test_pooling_takes_no_unequal_pairs_and_no_strings(op):
    refused(
        op,
        (5, 5),
        {"kernel_size": 3, "padding": ((1, 2), (1, 1))},
        rf"^padding=\(\(1, 2\), \(1, 1\)\): {op} pads both sides alike \(PyTorch's rule\); "
        r"give one int per axis$",
    )
    for rule in ("same", "valid", "same_tf"):
        refused(
            op,
            (5, 5),
            {"kernel_size": 3, "padding": rule},
            rf"^padding='{rule}' applies only to conv; PyTorch's {op} takes numbers$",
        )
    # equal sides are just the int
    assert output_shape(op, (5, 5), kernel_size=3, padding=((1, 1), (0, 0))) == (2, 1)
    assert torch_shape(op, (5, 5), {"kernel_size": 3, "padding": (1, 0)}) == (2, 1)


def test_avg_pool_3d_wants_the_input_at_least_as_large_as_the_kernel():
    """AvgPool3d (only 3-D) checks the unpadded input against the kernel."""
    params = {"kernel_size": 3, "stride": 1, "padding": 1}
    refused("avg_pool", (5, 2, 5), params, r"^input_shape=\(5, 2, 5\) is smaller than ")
    refused(
        "avg_pool",
        (1, 4, 4),
        {"kernel_size": 2, "ceil_mode": True},
        r"^input_shape=\(1, 4, 4\) is smaller than ",
    )
    assert output_shape("avg_pool", (5, 2), **params) == (5, 2)  # 2-D has no such rule
    assert torch_shape("avg_pool", (5, 2), params) == (5, 2)
    assert output_shape("max_pool", (5, 2, 5), **params) == (5, 2, 5)  # nor max_pool
    assert torch_shape("max_pool", (5, 2, 5), params) == (5, 2, 5)


# -- the other refusals, with their messages ----------------------------------------------


@pytest.mark.parametrize(
    ("op", "shape", "params", "message"),
    [
        ("conv", (5,), {"kernel_size": 0}, r"^kernel_size=0 must be at least 1$"),
        ("conv", (5, 5), {"kernel_size": (3, -1)}, r"^kernel_size=\(3, -1\) must be at least 1$"),
        (
            "conv",
            (5, 5),
            {"kernel_size": 3, "stride": (1, 0)},
            r"^stride=\(1, 0\) must be at least 1$",
        ),
        ("max_pool", (5,), {"kernel_size": 3, "stride": -1}, r"^stride=-1 must be at least 1$"),
        ("conv", (5, 5), {"kernel_size": 3, "dilation": 0}, r"^dilation=0 must be at least 1$"),
        (
            "max_pool",
            (5, 5, 5),
            {"kernel_size": 3, "dilation": (1, 1, -1)},
            r"^dilation=\(1, 1, -1\) must be at least 1$",
        ),
        ("conv", (5, 5), {"kernel_size": 3, "padding": -1}, r"^padding=-1 must be non-negative$"),
        (
            "conv",
            (5, 5),
            {"kernel_size": 3, "padding": ((1, -1), 0)},
            r"^padding=\(\(1, -1\), 0\) must be non-negative$",
        ),
        (
            "conv_transpose",
            (3,),
            {"kernel_size": 3, "padding": -2},
            r"^padding=-2 must be non-negative$",
        ),
        ("avg_pool", (5,), {"kernel_size": 3, "padding": -1}, r"^padding=-1 must be non-negative$"),
        (
            "conv_transpose",
            (3,),
            {"kernel_size": 3, "stride": 2, "output_padding": -1},
            r"^output_padding=-1 must be non-negative$",
        ),
        (
            "conv",
            (5,),
            {"kernel_size": 7},
            r"^kernel_size=7 spans 7 cells, more than the padded input of 5 "
            r"\(input 5 \+ padding 0\+0\)$",
        ),
        (
            "conv",
            (4, 9),
            {"kernel_size": (3, 5), "dilation": (1, 3)},
            r"^kernel_size=5 with dilation=3 on the width axis spans 13 cells, more than the "
            r"padded input of 9 \(input 9 \+ padding 0\+0\)$",
        ),
        (
            "conv",
            (3, 3),
            {"kernel_size": 4, "padding": ((0, 0), (0, 1))},
            r"^kernel_size=4 on the height axis spans 4 cells, more than the padded input of 3 ",
        ),
        (
            "max_pool",
            (5, 5),
            {"kernel_size": (3, 7)},
            r"^kernel_size=7 on the width axis spans 7 cells, more than the padded input of 5 ",
        ),
        (
            "conv_transpose",
            (1,),
            {"kernel_size": 2, "padding": 1},
            r"^padding=1 crops the transposed convolution's output to "
            r"\(1-1\)\*1 - 2 \+ 1\*\(2-1\) \+ 0 \+ 1 = 0 cells; it must leave at least 1$",
        ),
        (
            "conv_transpose",
            (4, 1),
            {"kernel_size": 2, "padding": ((0, 1), (1, 1))},
            r"^padding=1 on the width axis crops the transposed convolution's output to "
            r"\(1-1\)\*1 - 2 \+ 1\*\(2-1\) \+ 0 \+ 1 = 0 cells; it must leave at least 1$",
        ),
        (
            "conv_transpose",
            (3,),
            {"kernel_size": 3, "padding": "same"},
            r"^padding='same' applies only to conv; PyTorch's conv_transpose takes numbers$",
        ),
        (
            "avg_pool",
            (5, 5),
            {"kernel_size": 3, "divisor_override": 0},
            r"^divisor_override=0 must not be zero$",
        ),
        (
            "conv",
            (5,),
            {"kernel_size": 3, "output_padding": 1},
            r"^output_padding=1 does not apply to conv: only conv_transpose has output_padding$",
        ),
        (
            "conv",
            (5, 5),
            {"kernel_size": 3, "padding": "full"},
            r"^padding='full' must be an int, per-axis ints or \(low, high\) pairs, "
            r"or one of 'valid', 'same', 'same_tf'$",
        ),
        (
            "avg_pool",
            (5, 5),
            {"kernel_size": 3, "stride": (1, 2, 3)},
            r"^stride=\(1, 2, 3\) has 3 values; the input has 2 axes$",
        ),
        (
            "conv",
            (5,),
            {"kernel_size": 3, "padding": (1, 2)},
            r"^padding=\(1, 2\) has 2 values; the input has 1 axis; "
            r"write \(\(1, 2\),\) for 1 before and 2 after$",
        ),
    ],
)
def test_refusals_and_their_messages(op, shape, params, message):
    refused(op, shape, params, message)


# -- why the oracle switches oneDNN off ----------------------------------------------------


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_transposed_output_of_zero_cells():
    """PyTorch's shape check refuses a transposed output of 0 cells; on CPU its oneDNN path
    (kernels wider than 3 on the last two axes) skips that check and returns an empty tensor.
    convarith follows the shape check, which the tests' oracle reaches by disabling oneDNN."""
    params = {"kernel_size": 4, "padding": 2}
    assert (1 - 1) - 4 + (4 - 1) + 1 == 0
    refused(
        "conv_transpose",
        (1, 1),
        params,
        r"^padding=2 on the height axis crops the transposed convolution's output to ",
    )
    module = torch.nn.ConvTranspose2d(1, 1, 4, padding=2)
    with torch.no_grad():
        assert tuple(module(torch.zeros(1, 1, 1, 1)).shape) == (1, 1, 0, 0)  # oneDNN
        with (
            torch.backends.mkldnn.flags(enabled=False),
            pytest.raises(RuntimeError, match=re.escape("Output size is too small")),
        ):
            module(torch.zeros(1, 1, 1, 1))
