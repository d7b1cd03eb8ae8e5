"""sample_values: seeded small integers, both bounds drawn, as numpy's default_rng draws them."""

from __future__ import annotations

import numpy as np

from convarith.numeric import sample_values


def test_sample_values_is_seeded_and_inclusive():
    first = sample_values((5, 5), 0, 3, seed=7)
    assert first.dtype == np.int64
    assert first.shape == (5, 5)
    np.testing.assert_array_equal(first, sample_values((5, 5), 0, 3, seed=7))
    assert not np.array_equal(first, sample_values((5, 5), 0, 3, seed=8))
    many = sample_values(2000, 0, 2, seed=0)
    # Both bounds are drawn, nothing outside them.
    assert set(many.tolist()) == {0, 1, 2}
    assert set(sample_values((40, 40), -1, 1, seed=3).ravel().tolist()) == {-1, 0, 1}


def test_sample_values_follows_default_rng():
    # The drawing layer and users can reproduce a figure's numbers with numpy alone.
    expected = np.random.default_rng(42).integers(0, 3, size=(3, 3), endpoint=True)
    np.testing.assert_array_equal(sample_values((3, 3), 0, 3, 42), expected)
    assert sample_values(4, 5, 5, None).tolist() == [5, 5, 5, 5]
    assert sample_values([2, 0], 0, 1, 0).shape == (2, 0)
