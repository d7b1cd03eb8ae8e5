"""Every refusal of the numeric layer: one-line ConvArithErrors naming the parameter."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convarith import ConvArithError, configure
from convarith.numeric import avg_pool, conv, conv_matrix, conv_transpose, max_pool, sample_values

X = np.ones((1, 4, 5, 5))
W = np.ones((6, 2, 3, 3))
WT = np.ones((4, 3, 3, 3))


def _message(call) -> str:
    with pytest.raises(ConvArithError) as info:
        call()
    text = str(info.value)
    assert "\n" not in text
    return text


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: conv(X, W, groups=2, method="fft"), r"method='fft' must be one of 'gather'"),
        (lambda: conv(X, np.ones((3, 3))), r"weight has shape \(3, 3\); it must be"),
        (lambda: conv(X, np.ones((1,) * 6)), r"weight has shape \(1, 1, 1, 1, 1, 1\)"),
        (
            lambda: conv(np.ones((5, 5)), W),
            r"x has shape \(5, 5\); a 2-D conv takes \(N, C, H, W\)",
        ),
        (
            lambda: conv_transpose(np.ones((1, 1, 1, 5, 5)), WT),
            r"x has shape \(1, 1, 1, 5, 5\); a 2-D conv_transpose takes",
        ),
        (lambda: conv(X, W, groups=0), r"groups=0 must be at least 1"),
        (
            lambda: conv(X, np.ones((0, 4, 3, 3))),
            r"weight has shape \(0, 4, 3, 3\); it needs at least one channel",
        ),
        (
            lambda: conv_transpose(X, np.ones((4, 0, 3, 3))),
            r"weight has shape \(4, 0, 3, 3\); it needs at least one channel",
        ),
        (
            lambda: max_pool(np.ones((1, 0, 4, 4)), (2, 2)),
            r"x has shape \(1, 0, 4, 4\); it needs at least one channel",
        ),
        (
            lambda: avg_pool(np.ones((0, 4)), 2),
            r"x has shape \(0, 4\); it needs at least one channel",
        ),
        (lambda: conv(X, W, groups=True), r"groups=True must be an int, not a bool"),
        (lambda: conv(X, W, groups=2.0), r"groups=2.0 must be an int"),
        (
            lambda: conv(np.ones((1, 3, 5, 5)), np.ones((6, 1, 3, 3)), groups=2),
            r"groups=2 must divide in_channels=3",
        ),
        (
            lambda: conv(X, np.ones((5, 2, 3, 3)), groups=2),
            r"groups=2 must divide out_channels=5",
        ),
        (
            lambda: conv(X, W),
            r"weight of shape \(6, 2, 3, 3\) with groups=1 expects 2 input channels .*; x has 4",
        ),
        (
            lambda: conv_transpose(np.ones((1, 3, 5, 5)), np.ones((3, 1, 3, 3)), groups=2),
            r"groups=2 must divide in_channels=3",
        ),
        (
            lambda: conv_transpose(X, np.ones((3, 1, 3, 3))),
            r"weight of shape \(3, 1, 3, 3\) expects 3 input channels .*; x has 4",
        ),
        (lambda: conv(X, W, np.ones(5), groups=2), r"bias has shape \(5,\); .* shape \(6,\)"),
        (lambda: conv(X, W, np.ones((6, 1)), groups=2), r"bias has shape \(6, 1\)"),
        (lambda: conv_transpose(X, WT, np.ones(4)), r"bias has shape \(4,\); .* shape \(3,\)"),
        (lambda: conv(X.astype(complex), W, groups=2), r"x has dtype complex128"),
        (lambda: conv(X, W.astype(object), groups=2), r"weight has dtype object"),
        (lambda: conv(X, W, ["a"] * 6, groups=2), r"bias has dtype <U1"),
        (lambda: max_pool(np.ones((1, 4), complex), 2), r"x has dtype complex128"),
        (lambda: max_pool(X, 2), r"kernel_size=2 does not say whether an input with 4 axes"),
        (lambda: avg_pool(np.ones((2, 3, 4)), 2), r"kernel_size=2 does not say .* 3 axes"),
        (lambda: max_pool(X, 2, ndim=4), r"ndim=4 must be 1, 2 or 3"),
        (lambda: max_pool(X, 2, ndim=True), r"ndim=True must be 1, 2 or 3"),
        (lambda: max_pool(np.ones((1,) * 6), 2), r"x has 6 axes; pooling takes"),
        (lambda: max_pool(np.ones(4), 2), r"x has 1 axis; pooling takes"),
        (lambda: max_pool(np.ones((4, 4)), (2, 2)), r"x has shape \(4, 4\); a 2-D max_pool takes"),
        (lambda: conv_matrix((5, 5), W, sparse="yes"), r"sparse='yes' must be True, False or None"),
        (
            lambda: conv_matrix((5, 5), np.ones((5, 2, 3, 3)), groups=2),
            r"groups=2 must divide out_channels=5",
        ),
        (lambda: conv_matrix((5, 5), np.ones(3)), r"weight has shape \(3,\)"),
        (lambda: sample_values(3, 4, 2, 0), r"high=2 must be at least low=4"),
        (lambda: sample_values((-1, 2), 0, 2, 0), r"shape=\(-1, 2\) must hold sizes of at least 0"),
        (lambda: sample_values(3, True, 2, 0), r"low=True must be an int, not a bool"),
        (lambda: sample_values(3, 0, 2.5, 0), r"high=2.5 must be an int"),
        (lambda: sample_values(3, 0, 2, "x"), r"seed='x' must be an int"),
    ],
)
def test_refusals(call, match):
    with pytest.raises(ConvArithError, match=match) as info:
        call()
    assert "\n" not in str(info.value)


# Size and parameter rules come from the arithmetic: the numeric layer must say exactly the same.
@pytest.mark.parametrize(
    ("call", "op", "shape", "params"),
    [
        (lambda: conv(X, np.ones((6, 2, 7, 3)), groups=2), "conv", (5, 5), {"kernel_size": (7, 3)}),
        (
            lambda: conv(X, W, stride=2, padding="same", groups=2),
            "conv",
            (5, 5),
            {"kernel_size": (3, 3), "stride": 2, "padding": "same"},
        ),
        (
            lambda: conv(X, W, padding=-1, groups=2),
            "conv",
            (5, 5),
            {"kernel_size": (3, 3), "padding": -1},
        ),
        (
            lambda: conv(X, W, padding=(1, 1, 1), groups=2),
            "conv",
            (5, 5),
            {"kernel_size": (3, 3), "padding": (1, 1, 1)},
        ),
        (
            lambda: conv(X, W, stride=0, groups=2),
            "conv",
            (5, 5),
            {"kernel_size": (3, 3), "stride": 0},
        ),
        (
            lambda: conv(X, W, dilation=3, groups=2),
            "conv",
            (5, 5),
            {"kernel_size": (3, 3), "dilation": 3},
        ),
        (
            lambda: conv(X, W, padding="full", groups=2),
            "conv",
            (5, 5),
            {"kernel_size": (3, 3), "padding": "full"},
        ),
        (
            lambda: conv_transpose(X, WT, padding="same"),
            "conv_transpose",
            (5, 5),
            {"kernel_size": (3, 3), "padding": "same"},
        ),
        (
            lambda: conv_transpose(X, WT, stride=2, output_padding=2),
            "conv_transpose",
            (5, 5),
            {"kernel_size": (3, 3), "stride": 2, "output_padding": 2},
        ),
        (
            lambda: conv_transpose(np.ones((1, 1, 1)), np.ones((1, 1, 1)), padding=1),
            "conv_transpose",
            (1,),
            {"kernel_size": (1,), "padding": 1},
        ),
        (
            lambda: conv_matrix((2, 2), W),
            "conv",
            (2, 2),
            {"kernel_size": (3, 3)},
        ),
        (
            lambda: conv_matrix((5,), W),
            "conv",
            (5,),
            {"kernel_size": (3, 3)},
        ),
        (
            lambda: max_pool(X, (2, 2), padding=2),
            "max_pool",
            (5, 5),
            {"kernel_size": (2, 2), "padding": 2},
        ),
        (
            lambda: max_pool(X, (3, 3), padding=((1, 0), (1, 1))),
            "max_pool",
            (5, 5),
            {"kernel_size": (3, 3), "padding": ((1, 0), (1, 1))},
        ),
        (lambda: max_pool(np.ones((1, 2)), 3), "max_pool", (2,), {"kernel_size": 3}),
        (
            lambda: max_pool(np.ones((1, 5)), 2, ceil_mode=2),
            "max_pool",
            (5,),
            {"kernel_size": 2, "ceil_mode": 2},
        ),
        (
            lambda: avg_pool(X, (3, 3), padding="same"),
            "avg_pool",
            (5, 5),
            {"kernel_size": (3, 3), "padding": "same"},
        ),
        (
            lambda: avg_pool(X, (3, 3), divisor_override=0),
            "avg_pool",
            (5, 5),
            {"kernel_size": (3, 3), "divisor_override": 0},
        ),
        (
            lambda: avg_pool(X, (3, 3), count_include_pad="yes"),
            "avg_pool",
            (5, 5),
            {"kernel_size": (3, 3), "count_include_pad": "yes"},
        ),
    ],
)
def test_refusals_are_the_arithmetics(call, op, shape, params):
    expected = _message(lambda: configure(op, shape, **params))
    assert _message(call) == expected


def _torch_refuses(call) -> None:
    with pytest.raises((RuntimeError, ValueError)):
        call()


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (
            lambda: conv(X, W),
            lambda: F.conv2d(torch.from_numpy(X), torch.from_numpy(W)),
        ),
        (
            lambda: conv(np.ones((1, 3, 5, 5)), np.ones((6, 1, 3, 3)), groups=2),
            lambda: F.conv2d(torch.ones(1, 3, 5, 5), torch.ones(6, 1, 3, 3), groups=2),
        ),
        (
            lambda: conv(X, np.ones((5, 2, 3, 3)), groups=2),
            lambda: F.conv2d(torch.ones(1, 4, 5, 5), torch.ones(5, 2, 3, 3), groups=2),
        ),
        (
            lambda: conv_transpose(X, np.ones((3, 1, 3, 3))),
            lambda: F.conv_transpose2d(torch.ones(1, 4, 5, 5), torch.ones(3, 1, 3, 3)),
        ),
        (
            lambda: conv(X, W, np.ones(5), groups=2),
            lambda: F.conv2d(
                torch.ones(1, 4, 5, 5), torch.ones(6, 2, 3, 3), torch.ones(5), groups=2
            ),
        ),
        (
            lambda: conv(X, W, groups=0),
            lambda: F.conv2d(torch.ones(1, 4, 5, 5), torch.ones(6, 2, 3, 3), groups=0),
        ),
        (
            lambda: conv_transpose(X, WT, stride=2, output_padding=2),
            lambda: F.conv_transpose2d(
                torch.ones(1, 4, 5, 5), torch.ones(4, 3, 3, 3), stride=2, output_padding=2
            ),
        ),
        (
            lambda: max_pool(X, (2, 2), padding=2),
            lambda: F.max_pool2d(torch.ones(1, 4, 5, 5), 2, padding=2),
        ),
    ],
)
def test_torch_refuses_them_too(ours, theirs):
    with pytest.raises(ConvArithError):
        ours()
    _torch_refuses(theirs)
