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

from convarith.scene.build import scene
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
