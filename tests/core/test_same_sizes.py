"""same_output_sizes against PyTorch: exactly the input sizes that give the same output size."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from convarith.core.same_sizes import same_output_sizes
from support.core_torch import OPS, config, torch_output_shape, torch_shape_or_none


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
