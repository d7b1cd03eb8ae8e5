"""Where convarith and PyTorch 2.13 disagreed on the inputs they accept (found by the arithmetic tests).

Each test states PyTorch's behaviour and asserts convarith's matches it.
"""

from __future__ import annotations

import pytest

from convarith import ConvArithError, output_shape
from support.arith_oracle import TorchRefused, torch_shape


def test_avg_pool_1d_has_no_divisor_override():
    """AvgPool1d and F.avg_pool1d have no divisor_override parameter (TypeError); 2-D and 3-D do."""
    params = {"kernel_size": 2, "divisor_override": 2}
    with pytest.raises(TorchRefused, match="unexpected keyword argument 'divisor_override'"):
        torch_shape("avg_pool", (5,), params)
    assert torch_shape("avg_pool", (5, 5), params) == (2, 2)
    assert output_shape("avg_pool", (5, 5), **params) == (2, 2)
    with pytest.raises(ConvArithError, match=r"^divisor_override=2 ") as info:
        output_shape("avg_pool", (5,), **params)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("op", ["max_pool", "avg_pool"])
@pytest.mark.parametrize("shape", [(5,), (5, 6), (5, 6, 7)])
def test_pool_stride_empty_list_means_the_kernel(op, shape):
    """Pooling takes an empty stride, list or tuple, as 'the kernel size' (convarith took only ())."""
    expected = tuple(i // 2 for i in shape)
    assert torch_shape(op, shape, {"kernel_size": 2, "stride": []}) == expected
    assert output_shape(op, shape, kernel_size=2, stride=()) == expected
    assert output_shape(op, shape, kernel_size=2, stride=[]) == expected


# PyTorch expands a one-element list or tuple to every axis (its C++ IntArrayRef rule), for
# every parameter except a convolution's kernel_size (whose weight tensor it shapes).
_ONE_ELEMENT = [
    ("conv", (7, 7), {"kernel_size": 3, "stride": (2,)}, (3, 3)),
    ("conv", (7, 7, 7), {"kernel_size": 3, "padding": (1,)}, (7, 7, 7)),
    ("conv", (7, 7), {"kernel_size": 3, "dilation": (2,)}, (3, 3)),
    ("conv_transpose", (3, 3), {"kernel_size": 3, "stride": (2,), "output_padding": (1,)}, (8, 8)),
    ("conv_transpose", (3, 3, 3), {"kernel_size": 3, "padding": [1]}, (3, 3, 3)),
    ("max_pool", (7, 7), {"kernel_size": (2,), "padding": (1,)}, (4, 4)),
    ("max_pool", (7, 7, 7), {"kernel_size": 2, "stride": [1], "dilation": (2,)}, (5, 5, 5)),
    ("avg_pool", (7, 7, 7), {"kernel_size": (2,)}, (3, 3, 3)),
    ("avg_pool", (7, 7), {"kernel_size": 3, "stride": (2,), "padding": (1,)}, (4, 4)),
]


@pytest.mark.parametrize(("op", "shape", "params", "expected"), _ONE_ELEMENT)
def test_one_element_sequences_stand_for_every_axis(op, shape, params, expected):
    assert torch_shape(op, shape, params) == expected
    assert output_shape(op, shape, **params) == expected


@pytest.mark.parametrize("op", ["conv", "conv_transpose"])
def test_a_convolution_kernel_needs_every_axis(op):
    """The exception: Conv2d(1, 1, (3,)) makes a 3-D weight, which conv2d refuses."""
    with pytest.raises(TorchRefused):
        torch_shape(op, (7, 7), {"kernel_size": (3,)})
    with pytest.raises(
        ConvArithError, match=r"^kernel_size=\(3,\) has 1 values; the input has 2 axes$"
    ):
        output_shape(op, (7, 7), kernel_size=(3,))
