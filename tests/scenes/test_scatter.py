"""(b) Scatter scenes: each input cell times the kernel, added into the full result, is PyTorch's output.

Per frame: the input cell (row-major), its value, one tap per kernel position
holding ``value * weight`` at ``q*s + t*d`` in the full (uncropped) result,
and the running sums after adding the block.  The final sums, cropped by the
padding, are PyTorch's ``conv_transpose`` of the scene's own input and weights.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convarith.core.errors import ConvArithError
from convarith.scenes.scatter import scatter_scene
from support.views_cases import per_axis, torch_conv_transpose, transposed_configs


def check_scatter(shape: tuple[int, ...], params: dict, seed: int) -> None:
    sc = scatter_scene(shape, seed=seed, **params)
    ndim = len(shape)
    k = per_axis(params["kernel_size"], ndim)
    s = per_axis(params.get("stride", 1), ndim)
    p = per_axis(params.get("padding", 0), ndim)
    d = per_axis(params.get("dilation", 1), ndim)
    a = per_axis(params.get("output_padding", 0), ndim)
    v = sc.gather.values
    assert v is not None
    x = np.asarray(v.input, dtype=float)
    w = np.asarray(v.weights, dtype=float)
    assert x.shape == shape and w.shape == k

    full = tuple(
        (i - 1) * sa + da * (ka - 1) + 1 + aa for i, sa, da, ka, aa in zip(shape, s, d, k, a)
    )
    assert sc.full_shape == full
    assert sc.crop == tuple((pa, n - pa) for pa, n in zip(p, full))

    # One frame per input cell, row-major.
    assert [f.input for f in sc.frames] == list(itertools.product(*(range(i) for i in shape)))
    running = np.zeros(full)
    for frame in sc.frames:
        q = frame.input
        assert frame.value == x[q]
        assert sorted(t for t, _, _ in frame.taps) == list(
            itertools.product(*(range(n) for n in k))
        )
        for t, pos, product in frame.taps:
            assert pos == tuple(qa * sa + ta * da for qa, sa, ta, da in zip(q, s, t, d))
            assert product == x[q] * w[t]
            running[pos] += x[q] * w[t]
        # The running sums accumulate: exactly what was added so far, nothing else.
        np.testing.assert_allclose(np.asarray(frame.running, dtype=float), running, atol=1e-9)

    expected = torch_conv_transpose(x, w, params)
    got = np.asarray(sc.output, dtype=float)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
    # The gather view of the same scene shows the same numbers.
    np.testing.assert_allclose(np.asarray(v.output, dtype=float), expected, rtol=0, atol=1e-9)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(transposed_configs(), st.integers(0, 2**16))
def test_scatter_frames_and_sums_match_torch(config, seed) -> None:
    shape, params = config
    check_scatter(shape, params, seed)


@settings(max_examples=20, deadline=None, derandomize=True)
@given(transposed_configs(crop_first=True))
def test_scatter_with_large_padding(config) -> None:
    shape, params = config
    check_scatter(shape, params, 1)


def test_scatter_running_sums_of_a_known_case() -> None:
    """1-D, stride 2, padding 1: the blocks overlap on one cell, which sums both."""
    sc = scatter_scene((2,), kernel_size=3, stride=2, padding=1, seed=0)
    x = sc.gather.values.input
    w = sc.gather.values.weights
    assert sc.full_shape == (5,)
    first = [x[0] * w[0], x[0] * w[1], x[0] * w[2], 0, 0]
    second = [first[0], first[1], first[2] + x[1] * w[0], x[1] * w[1], x[1] * w[2]]
    assert sc.frames[0].running == pytest.approx(first)
    assert sc.frames[1].running == pytest.approx(second)
    assert sc.output == pytest.approx(second[1:4])


def test_scatter_refuses_what_torch_refuses() -> None:
    with pytest.raises(ConvArithError):
        scatter_scene((3,), kernel_size=3, stride=2, output_padding=2)
    with pytest.raises(ConvArithError):
        scatter_scene((1,), kernel_size=1, padding=1)  # o' = -1


def test_running_sums_are_worked_out_when_asked_for() -> None:
    """Frames keep no copy of the sums: 900 frames over a 32x32 result cost a few MB, not 30."""
    import tracemalloc

    tracemalloc.start()
    try:
        sc = scatter_scene((30, 30), kernel_size=3, seed=2)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000, peak
    # In any order, each frame's sums are those of the blocks up to it.
    full = np.zeros(sc.full_shape)
    expected = []
    for frame in sc.frames:
        for _, pos, product in frame.taps:
            full[pos] += product
        expected.append(full.copy())
    for n in (899, 0, 450, 451, 3, 899):
        np.testing.assert_allclose(np.asarray(sc.frames[n].running), expected[n], atol=1e-9)


@pytest.mark.parametrize(
    ("shape", "params", "gather_frames", "words"),
    [
        ((5, 5), {"kernel_size": 3, "stride": 10**8}, False, "grid cells"),
        ((5, 5), {"kernel_size": 3, "dilation": 10**8}, True, "frames"),
        ((150, 150), {"kernel_size": 3}, False, "at most 20000 frames"),
        ((60, 60), {"kernel_size": 3}, False, "2000000"),
    ],
)
def test_scatter_scenes_beyond_the_limits_are_refused_first(
    monkeypatch, shape, params, gather_frames, words
) -> None:
    import convarith.scenes.scatter as scatter

    def never(*args, **kwargs):
        raise AssertionError("built before the refusal")

    monkeypatch.setattr(scatter, "scene_of", never)
    with pytest.raises(ConvArithError) as info:
        scatter_scene(shape, gather_frames=gather_frames, **params)
    message = str(info.value)
    assert words in message and "\n" not in message
    assert "the largest square input with these parameters is" in message or (
        "no input fits these parameters" in message
    )
