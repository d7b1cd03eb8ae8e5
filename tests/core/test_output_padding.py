"""restoring_output_padding against PyTorch: the transposed convolution gives back the input size."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from convarith.core.output_padding import restoring_output_padding
from support.core_torch import conv_config, per_axis

NDIMS = (1, 2, 3)
_CONV = {1: torch.nn.Conv1d, 2: torch.nn.Conv2d, 3: torch.nn.Conv3d}
_CONV_T = {1: torch.nn.ConvTranspose1d, 2: torch.nn.ConvTranspose2d, 3: torch.nn.ConvTranspose3d}


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
