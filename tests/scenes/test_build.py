"""Every frame of a scene against PyTorch's real connectivity.

For convolutions and transposed convolutions the oracle is one call of
``torch.nn.functional``: a batch of one-hot inputs (one per input cell) and
one-hot kernels (one per output channel, one per weight index), so that
``out[q, t, r]`` is 1 exactly when input cell ``q`` times weight ``t`` is
added into output cell ``r``.  A frame's taps that read an input must be
exactly those ``(q, t)`` pairs of its output cell, and its taps that read
``None`` exactly the other weight indices (the window positions over padding
or inserted zeros).  For pooling, the cells a window reads come from the
pooling itself on one-hot inputs; the window position of each comes from a
convolution with the same windows (see ``support.core_torch``).

Everything is checked on ``json.loads(json.dumps(scene.to_dict()))``, so the
JSON contract is what is proved.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convarith.scenes.build import scene
from support.core_torch import (
    OPS,
    POOLS,
    config,
    conv_taps,
    per_axis,
    pool_cells,
    pool_window_taps,
    torch_output_shape,
    transposed_config,
)

NDIMS = (1, 2, 3)
# 4 ops x 3 dimensionalities x EXAMPLES[ndim] configurations, plus the crops.
EXAMPLES = {1: 60, 2: 40, 3: 15}


def contract(op: str, shape: tuple[int, ...], params: dict[str, Any]) -> dict[str, Any]:
    """The scene's JSON, after a round trip, with its types and frame order checked."""
    data = json.loads(json.dumps(scene(op, shape, **params).to_dict()))
    assert {"op", "input_shape", "output_shape", "frames"} <= set(data)
    assert data["op"] == op
    assert data["input_shape"] == list(shape)
    out = data["output_shape"]
    assert isinstance(out, list) and all(type(n) is int for n in out)
    assert tuple(out) == torch_output_shape(op, shape, params)
    frames = data["frames"]
    assert isinstance(frames, list) and len(frames) == int(np.prod(out))
    for n, frame in enumerate(frames):
        # Row-major from the top-left output cell.
        assert frame["output"] == [int(v) for v in np.unravel_index(n, out)]
        assert isinstance(frame["taps"], list)
        for tap in frame["taps"]:
            assert {"kernel", "input"} <= set(tap)
            assert all(type(v) is int for v in tap["kernel"])
            assert tap["input"] is None or all(type(v) is int for v in tap["input"])
            if "grid" in tap and "grid" in data:
                # The drawn grid position holds the input the tap reads.
                shown = [data["grid"][a]["input"][g] for a, g in enumerate(tap["grid"])]
                assert (None if None in shown else shown) == tap["input"]
    return data


def window_indices(params: dict[str, Any], ndim: int) -> list[tuple[int, ...]]:
    return list(itertools.product(*(range(k) for k in per_axis(params["kernel_size"], ndim))))


def check_frames(data: dict[str, Any], expected: Any, kernels: list[tuple[int, ...]]) -> None:
    """Each frame's taps: every window position once; reads exactly the expected pairs."""
    for frame in data["frames"]:
        r = tuple(frame["output"])
        taps = frame["taps"]
        seen = [tuple(t["kernel"]) for t in taps]
        assert sorted(seen) == sorted(kernels), f"output {r}: window positions {seen}"
        reads = {(tuple(t["input"]), tuple(t["kernel"])) for t in taps if t["input"] is not None}
        zeros = {tuple(t["kernel"]) for t in taps if t["input"] is None}
        assert reads == expected[r], (
            f"output {r}: taps {sorted(reads)} != torch {sorted(expected[r])}"
        )
        assert zeros == set(kernels) - {t for _, t in expected[r]}, f"output {r}: zero taps {zeros}"


def check_config(op: str, shape: tuple[int, ...], params: dict[str, Any]) -> None:
    data = contract(op, shape, params)
    kernels = window_indices(params, len(shape))
    if op in POOLS:
        check_frames(data, pool_window_taps(op, shape, params), kernels)
        cells = pool_cells(op, shape, params)
        for frame in data["frames"]:
            read = {tuple(t["input"]) for t in frame["taps"] if t["input"] is not None}
            assert read == cells[tuple(frame["output"])]
    else:
        check_frames(data, conv_taps(op, shape, params), kernels)


@pytest.mark.parametrize("ndim", NDIMS)
@pytest.mark.parametrize("op", OPS)
def test_taps_are_torch_connectivity(op, ndim):
    @settings(max_examples=EXAMPLES[ndim], deadline=None)
    @given(cfg=config(op, ndim))
    def check(cfg):
        check_config(op, *cfg)

    check()


@pytest.mark.parametrize("ndim", NDIMS)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_transposed_padding_beyond_kernel_reach(ndim, data):
    """padding > d(k-1): the equivalent direct convolution crops the stretched input."""
    shape, params = data.draw(transposed_config(ndim, crop=True))
    check_config("conv_transpose", shape, params)


@pytest.mark.parametrize(
    ("op", "shape", "params"),
    [
        # The guide's animations, and their transposed twins.
        ("conv", (4, 4), {"kernel_size": 3}),
        ("conv", (5, 5), {"kernel_size": 4, "padding": 2}),
        ("conv", (5, 5), {"kernel_size": 3, "padding": 1, "stride": 2}),
        ("conv", (6, 6), {"kernel_size": 3, "padding": 1, "stride": 2}),
        ("conv", (7, 7), {"kernel_size": 3, "dilation": 2}),
        ("conv_transpose", (2, 2), {"kernel_size": 3}),
        ("conv_transpose", (2, 2), {"kernel_size": 3, "stride": 2}),
        ("conv_transpose", (3, 3), {"kernel_size": 3, "stride": 2, "padding": 1}),
        (
            "conv_transpose",
            (3, 3),
            {"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1},
        ),
        # Asymmetric, TensorFlow's SAME, PyTorch's same with an even kernel.
        ("conv", (6, 5), {"kernel_size": 3, "stride": 2, "padding": "same_tf"}),
        ("conv", (6,), {"kernel_size": 4, "padding": "same"}),
        ("conv", (6,), {"kernel_size": 4, "padding": ((1, 2),)}),
        # Crop larger than the kernel's reach; output_padding with dilation.
        ("conv_transpose", (4,), {"kernel_size": 2, "stride": 3, "padding": 3}),
        (
            "conv_transpose",
            (3,),
            {"kernel_size": 2, "stride": 1, "dilation": 3, "output_padding": 2},
        ),
        # ceil_mode windows that run past the padded input.
        ("max_pool", (5, 6), {"kernel_size": 2, "ceil_mode": True}),
        ("max_pool", (6,), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
        ("avg_pool", (6,), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
        (
            "max_pool",
            (7,),
            {"kernel_size": 2, "stride": 3, "dilation": 2, "padding": 1, "ceil_mode": True},
        ),
    ],
)
def test_named_configurations(op, shape, params):
    check_config(op, shape, params)


def test_frame_count_and_order_are_row_major_3d():
    """A 3-D scene's frames walk depth, then height, then width (the last axis fastest)."""
    s = scene("conv", (3, 4, 5), kernel_size=(1, 2, 3))
    assert s.output_shape == (3, 3, 3)
    assert [f.output for f in s.frames] == list(itertools.product(range(3), range(3), range(3)))


# --------------------------------------------------------------------------- cost before work


def _refused_without_building(monkeypatch: pytest.MonkeyPatch, call: Any) -> str:
    """Run ``call`` with the scene builder made to fail: the refusal must come first, in one line."""
    import tracemalloc

    import convarith.scenes.build as build
    from convarith import ConvArithError

    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the scene was built before the refusal")

    monkeypatch.setattr(build, "build_frames", never)
    monkeypatch.setattr(build, "grid_of", never)
    tracemalloc.start()
    try:
        with pytest.raises(ConvArithError) as info:
            call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000, peak
    message = str(info.value)
    assert "\n" not in message and len(message) < 400
    return message


HUGE = 10**8


@pytest.mark.parametrize(
    ("shape", "params", "words"),
    [
        ((1000, 1000), {"op": "conv", "kernel_size": 3}, "996004 frames"),
        ((100000, 100000), {"op": "conv", "kernel_size": 3}, "frames"),
        ((3000, 3000), {"op": "conv", "kernel_size": 3}, "at most 20000 frames"),
        ((300, 300, 300), {"op": "conv", "kernel_size": 3}, "cube input"),
        (
            (1001, 1001),
            {"op": "conv", "kernel_size": 3, "stride": 10},
            "at most 1000000 grid cells",
        ),
        ((2000000,), {"op": "conv", "kernel_size": 3, "stride": 100}, "grid cells"),
        ((200, 200), {"op": "conv", "kernel_size": 100}, "window positions"),
        ((5, 5), {"op": "conv_transpose", "kernel_size": 3, "stride": HUGE}, "frames"),
        ((5,), {"op": "conv", "kernel_size": 3, "padding": HUGE}, "no input fits"),
        ((5,), {"op": "conv", "kernel_size": 2, "dilation": HUGE, "padding": HUGE}, "frames"),
        (
            (5,),
            {"op": "conv", "kernel_size": 2, "dilation": HUGE, "padding": HUGE // 2},
            "grid cells",
        ),
        ((5, 5, 5), {"op": "max_pool", "kernel_size": 3, "dilation": HUGE, "padding": 1}, ""),
    ],
)
def test_scenes_beyond_the_limits_are_refused_before_any_work(monkeypatch, shape, params, words):
    params = dict(params)
    op = params.pop("op")
    message = _refused_without_building(monkeypatch, lambda: scene(op, shape, **params))
    assert words in message


@pytest.mark.parametrize(
    ("op", "params", "ndim"),
    [
        ("conv", {"kernel_size": 3}, 2),
        ("conv", {"kernel_size": 3}, 1),
        ("conv", {"kernel_size": 2}, 3),
        ("conv", {"kernel_size": 3, "stride": 10}, 2),
        ("conv", {"kernel_size": 40}, 2),
        ("conv_transpose", {"kernel_size": 3, "stride": 2}, 2),
        ("conv_transpose", {"kernel_size": 4, "stride": 3, "dilation": 2, "padding": 1}, 1),
        ("max_pool", {"kernel_size": 3, "stride": 1, "ceil_mode": True}, 2),
    ],
)
def test_the_largest_input_named_fits_and_one_more_does_not(op, params, ndim):
    import re

    from convarith import ConvArithError
    from convarith.core.arithmetic import configure
    from convarith.scenes.build import check_cost, scene_cost

    with pytest.raises(ConvArithError) as info:
        scene(op, (10**6,) * ndim, **params)
    found = re.search(
        r"the largest (?:square |cube )?input with these parameters is ([0-9x]+)$", str(info.value)
    )
    assert found, str(info.value)
    n = int(found.group(1).split("x")[0])
    assert found.group(1) == "x".join([str(n)] * ndim)
    check_cost(configure(op, (n,) * ndim, **params))  # fits
    assert not scene_cost(configure(op, (n + 1,) * ndim, **params)).fits()


def test_every_legitimate_scene_still_builds():
    from convarith.core.limits import MAX_FRAMES, MAX_GRID_CELLS

    sc = scene("conv", (64, 64), kernel_size=3)
    assert len(sc.frames) == 62 * 62
    # The largest of each limit passes: 20000 frames, 1000 x 1000 grid cells.
    assert len(scene("conv", (MAX_FRAMES,), kernel_size=1).frames) == MAX_FRAMES
    big = scene("conv", (1000, 1000), kernel_size=1, stride=8)
    assert np.prod(big.grid_shape) <= MAX_GRID_CELLS and len(big.frames) == 125 * 125
    assert len(scene("conv_transpose", (35, 35), kernel_size=3, stride=4).frames) == 139 * 139
