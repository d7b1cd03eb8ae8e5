"""The index arithmetic the scatter and gather views stand on: strided overlaps, padding, stretching."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from convarith.numeric._indexing import pad_or_crop, stretch, strided_overlap


@settings(max_examples=200, deadline=None)
@given(
    count=st.integers(0, 9),
    limit=st.integers(0, 12),
    stride=st.integers(1, 4),
    offset=st.integers(-12, 12),
)
def test_strided_overlap_matches_brute_force(count, limit, stride, offset):
    us, vs = strided_overlap(count, limit, stride, offset)
    expected = [u for u in range(count) if 0 <= u * stride + offset < limit]
    assert list(range(count))[us] == expected
    assert list(range(max(limit, 0)))[vs] == [u * stride + offset for u in expected]


@settings(max_examples=100, deadline=None)
@given(size=st.integers(1, 6), lo=st.integers(-4, 4), hi=st.integers(-4, 4))
def test_pad_or_crop_pads_then_crops(size, lo, hi):
    if size + lo + hi < 1:
        return
    x = np.arange(1, size + 1)
    full = [0] * max(lo, 0) + list(x) + [0] * max(hi, 0)
    expected = full[max(-lo, 0) : len(full) - max(-hi, 0)]
    assert pad_or_crop(x[None], [(lo, hi)])[0].tolist() == expected


def test_stretch_inserts_zeros_per_axis():
    x = np.arange(1, 5).reshape(1, 2, 2)
    assert stretch(x, (2, 3)).tolist() == [[[1, 0, 0, 2], [0, 0, 0, 0], [3, 0, 0, 4]]]
