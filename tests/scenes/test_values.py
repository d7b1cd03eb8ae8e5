"""Numerical scenes: seeded integers in the original's ranges, and PyTorch's output on them.

The output printed in a numerical scene must be what ``torch.nn.functional``
computes on the scene's own input and weights (in float64), for every op and
dimensionality, with padding, stride, dilation, ceil_mode and the average
pooling options.  The numbers drawn on the grid must reproduce that output
through the frames' taps, so what a figure shows adds up.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from convarith.scenes.build import scene
from support.core_torch import OPS, POOLS, config, pool_cells, pool_config, run

NDIMS = (1, 2, 3)
EXAMPLES = {1: 40, 2: 30, 3: 10}


def torch_output(op: str, values: Any, params: dict[str, Any]) -> np.ndarray:
    x = torch.tensor(values.input, dtype=torch.float64)[None, None]
    w = (
        None
        if values.weights is None
        else torch.tensor(values.weights, dtype=torch.float64)[None, None]
    )
    return run(op, x, w, params)[0, 0].numpy()


def check_values(op: str, shape: tuple[int, ...], params: dict[str, Any], seed: int) -> None:
    s = scene(op, shape, numerical=True, seed=seed, **params)
    v = s.values
    assert v is not None
    x = np.array(v.input)
    assert x.shape == shape and x.dtype.kind == "i"
    assert x.min() >= 0 and x.max() <= 3
    if op in POOLS:
        assert v.weights is None
    else:
        w = np.array(v.weights)
        assert w.shape == s.config.kernel_size and w.dtype.kind == "i"
        assert w.min() >= 0 and w.max() <= 2
    expected = torch_output(op, v, params)
    got = np.array(v.output, dtype=np.float64)
    assert got.shape == expected.shape == s.output_shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
    check_grid_reproduces_output(s, got)
    # The JSON carries the same numbers (-inf, from a max-pool window over padding
    # alone, as null: strict JSON has no infinity) and the seed.
    data = json.loads(json.dumps(s.to_dict(), allow_nan=False))
    assert data["values"]["input"] == v.input
    assert data["values"]["output"] == as_json(v.output)


def as_json(values: Any) -> Any:
    """Nested values with infinities as None, the way to_dict writes them."""
    if isinstance(values, list):
        return [as_json(x) for x in values]
    return None if isinstance(values, float) and not np.isfinite(values) else values


def check_grid_reproduces_output(s: Any, out: np.ndarray) -> None:
    """Each frame's taps over the drawn grid give its output (conv, conv_transpose, max_pool)."""
    if s.op == "avg_pool":  # the divisor rules are not the scene's business
        return
    grid = np.array(s.values.grid, dtype=object)
    w = None if s.values.weights is None else np.array(s.values.weights)
    for frame in s.frames:
        shown = [grid[t.grid] for t in frame.taps]
        if s.op == "max_pool":
            # Padding is minus infinity: a window over padding only gives -inf (as PyTorch).
            value = max((g for g in shown if g is not None), default=-np.inf)
        else:
            value = sum(g * w[t.kernel] for g, t in zip(shown, frame.taps))
        assert value == out[frame.output], f"frame {frame.output}"


@pytest.mark.parametrize("ndim", NDIMS)
@pytest.mark.parametrize("op", OPS)
def test_output_is_torch_on_the_scene_values(op, ndim):
    @settings(max_examples=EXAMPLES[ndim], deadline=None)
    @given(cfg=config(op, ndim), seed=st.integers(0, 2**31))
    def check(cfg, seed):
        check_values(op, *cfg, seed)

    check()


@pytest.mark.parametrize("ndim", NDIMS)
@settings(max_examples=30, deadline=None)
@given(data=st.data(), seed=st.integers(0, 1000))
def test_avg_pool_options_match_torch(ndim, data, seed):
    """count_include_pad and divisor_override, with padding and ceil_mode."""
    shape, params = data.draw(pool_config("avg_pool", ndim, avg_options=True))
    check_values("avg_pool", shape, params, seed)


@pytest.mark.parametrize(
    ("op", "shape", "params"),
    [
        ("conv", (5, 5), {"kernel_size": 3}),
        ("conv", (5, 5), {"kernel_size": 3, "stride": 2, "padding": 1}),
        ("conv", (7,), {"kernel_size": 3, "dilation": 2, "padding": ((2, 0),)}),
        ("conv", (6, 5), {"kernel_size": 3, "stride": 2, "padding": "same_tf"}),
        (
            "conv_transpose",
            (3, 3),
            {"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1},
        ),
        ("conv_transpose", (4,), {"kernel_size": 2, "stride": 3, "padding": 3}),
        ("avg_pool", (5, 5), {"kernel_size": 3, "stride": 1}),
        (
            "avg_pool",
            (6,),
            {
                "kernel_size": 3,
                "stride": 2,
                "padding": 1,
                "ceil_mode": True,
                "count_include_pad": False,
            },
        ),
        ("avg_pool", (5, 5), {"kernel_size": 2, "padding": 1, "divisor_override": 3}),
        ("max_pool", (5, 5), {"kernel_size": 3, "stride": 1}),
        (
            "max_pool",
            (7,),
            {"kernel_size": 2, "stride": 3, "dilation": 2, "padding": 1, "ceil_mode": True},
        ),
    ],
)
def test_named_configurations(op, shape, params):
    for seed in (0, 1, 12345):
        check_values(op, shape, params, seed)


def test_same_seed_same_values_other_seed_other_values():
    def values(seed: int | None, **extra: Any) -> tuple[Any, Any]:
        v = scene(
            "conv",
            (5, 5),
            numerical=True,
            kernel_size=3,
            **({} if seed is None else {"seed": seed}),
            **extra,
        ).values
        return v.input, v.weights

    assert values(7) == values(7)
    assert values(7) != values(8)
    assert values(None) == values(0)  # the default seed is 0


def test_ranges_are_the_originals():
    """Inputs use all of 0..3 and weights all of 0..2 (large enough samples, fixed seeds)."""
    xs, ws = set(), set()
    for seed in range(5):
        v = scene("conv", (7, 7), numerical=True, seed=seed, kernel_size=3).values
        xs |= set(np.array(v.input).ravel().tolist())
        ws |= set(np.array(v.weights).ravel().tolist())
    assert xs == {0, 1, 2, 3}
    assert ws == {0, 1, 2}


def test_non_numerical_scene_has_no_values():
    s = scene("conv", (4,), kernel_size=3)
    assert s.values is None
    assert "values" not in s.to_dict()


@pytest.mark.parametrize("op", OPS)
def test_pooling_has_no_weights_and_same_seed_same_numbers(op):
    params: dict[str, Any] = {"kernel_size": 2}
    a = scene(op, (4, 4), numerical=True, seed=5, **params).values
    b = scene(op, (4, 4), numerical=True, seed=5, **params).values
    c = scene(op, (4, 4), numerical=True, seed=6, **params).values
    assert a == b
    assert (a.input, a.weights) != (c.input, c.weights)
    assert (a.weights is None) == (op in POOLS)


def test_json_is_strict_when_a_max_pool_window_reads_only_padding():
    # k=2, d=3, p=1 on 2 cells: the one window reads positions -1 and 2, both padding.
    s = scene("max_pool", (2,), numerical=True, kernel_size=2, padding=1, dilation=3)
    assert s.values.output == [-np.inf]  # what PyTorch computes too
    json.dumps(s.to_dict(), allow_nan=False)


# ---- values that teach ------------------------------------------------------------------------


def zero_lines(values: np.ndarray) -> list[tuple[int, tuple[int, ...]]]:
    """Lines (along any axis) that hold only zeros: (axis, index of the line)."""
    found = []
    for axis in range(values.ndim):
        moved = np.moveaxis(values, axis, -1)
        for index in np.ndindex(*moved.shape[:-1]):
            if not moved[index].any():
                found.append((axis, index))
    return found


def windows_differ(op: str, shape: tuple[int, ...], params: dict[str, Any]) -> bool:
    """Whether some pooling window reads a cell another does not (PyTorch on one-hot inputs)."""
    windows = list(pool_cells(op, shape, params).values())
    return any(a - b for a in windows for b in windows)


def check_teaching(
    op: str, shape: tuple[int, ...], params: dict[str, Any], seed: int, differ: bool | None = None
) -> None:
    s = scene(op, shape, numerical=True, seed=seed, **params)
    v = s.values
    x = np.array(v.input)
    assert zero_lines(x) == [], f"a line of zeros in the input {x.tolist()}"
    assert 2 * np.count_nonzero(x == 0) <= x.size, f"mostly zeros: {x.tolist()}"
    if v.weights is not None:
        w = np.array(v.weights)
        assert zero_lines(w) == [], f"a line of zeros in the kernel {w.tolist()}"
        assert 3 * np.count_nonzero(w == 0) <= w.size, f"mostly zeros: {w.tolist()}"
    if op == "max_pool":
        out = np.array(v.output)
        if differ is None:
            differ = windows_differ(op, shape, params)
        # Some window reads a cell another does not: then a flat output teaches nothing.
        if differ:
            assert not np.all(out == out.flat[0]), f"one value everywhere: {out.tolist()}"


@pytest.mark.parametrize("ndim", (1, 2, 3))
@pytest.mark.parametrize("op", OPS)
def test_values_teach_for_every_configuration(op, ndim):
    @settings(max_examples=EXAMPLES[ndim], deadline=None, derandomize=True)
    @given(cfg=config(op, ndim), seed=st.integers(0, 2**31))
    def check(cfg, seed):
        check_teaching(op, *cfg, seed)

    check()


@pytest.mark.parametrize(
    ("op", "shape", "params"),
    [
        ("max_pool", (5, 5), {"kernel_size": 3, "stride": 1}),  # the gallery's
        (
            "max_pool",
            (3, 3),
            {"kernel_size": 3, "stride": 1, "padding": 1},
        ),  # windows share the centre
        ("max_pool", (4,), {"kernel_size": 3, "stride": 1}),
        ("conv", (5, 5), {"kernel_size": 3}),
        ("conv", (1, 9), {"kernel_size": 1}),  # every cell is a line: all must be non-zero
        ("conv_transpose", (3, 3), {"kernel_size": 3, "stride": 2, "padding": 1}),
        ("conv", (4, 4), {"kernel_size": (1, 3)}),
    ],
)
def test_values_teach_for_many_seeds(op, shape, params):
    differ = windows_differ(op, shape, params) if op == "max_pool" else None
    for seed in range(120):
        check_teaching(op, shape, params, seed, differ)
    # Same seed, same numbers.
    a = scene(op, shape, numerical=True, seed=5, **params).values
    b = scene(op, shape, numerical=True, seed=5, **params).values
    assert (a.input, a.weights, a.output) == (b.input, b.weights, b.output)


def test_gallery_max_pooling_is_not_flat_and_kernels_are_not_mostly_zero():
    """The gallery's numerical figures (seed 0): a max pooling of more than one value, full kernels."""
    v = scene("max_pool", (5, 5), numerical=True, kernel_size=3, stride=1).values
    assert len(set(np.array(v.output).ravel().tolist())) >= 2
    for shape, params in [((5, 5), {"kernel_size": 3}), ((3, 3), {"kernel_size": 3, "stride": 2})]:
        w = np.array(scene("conv", shape, numerical=True, **params).values.weights)
        assert np.count_nonzero(w) >= 6


def test_given_values_give_torch_s_output() -> None:
    import numpy as np
    import torch
    import torch.nn.functional as F

    import convarith

    rng = np.random.default_rng(7)
    for stride, padding in ((1, 0), (2, 1), (3, 2)):
        x = rng.integers(-3, 4, size=(6, 5))
        w = rng.integers(-2, 3, size=(3, 2))
        values = convarith.scene(
            "conv",
            (6, 5),
            kernel_size=(3, 2),
            stride=stride,
            padding=padding,
            input_values=x,
            weights=w.tolist(),
        ).values
        assert values is not None
        expected = F.conv2d(
            torch.tensor(x, dtype=torch.float64)[None, None],
            torch.tensor(w, dtype=torch.float64)[None, None],
            stride=stride,
            padding=padding,
        )[0, 0]
        assert np.allclose(values.output, expected.numpy())
        assert values.input == x.tolist() and values.weights == w.tolist()


@pytest.mark.parametrize(
    ("op", "given", "message"),
    [
        (
            "conv",
            {"input_values": [[1, 2], [3, 4]], "weights": [[1]]},
            r"input_values=.* must have shape \(3, 3\)",
        ),
        ("conv", {"input_values": [[1] * 3] * 3}, r"weights= must be given"),
        ("conv", {"weights": [[1, 1], [1, 1]]}, r"weights= needs input_values="),
        (
            "max_pool",
            {"input_values": [[1] * 3] * 3, "weights": [[1, 1], [1, 1]]},
            r"pooling has no weights",
        ),
        (
            "conv",
            {"input_values": [["a"] * 3] * 3, "weights": [[1, 1], [1, 1]]},
            r"must be numbers",
        ),
        (
            "conv",
            {"input_values": [[float("nan")] * 3] * 3, "weights": [[1, 1], [1, 1]]},
            r"must be finite",
        ),
    ],
)
def test_given_values_are_checked_in_one_line(op: str, given: dict, message: str) -> None:  # type: ignore[type-arg]
    import convarith
    from convarith import ConvArithError

    with pytest.raises(ConvArithError, match=message) as info:
        convarith.scene(op, (3, 3), kernel_size=2, **given)
    assert "\n" not in str(info.value)


def test_given_values_are_for_the_views_that_draw_them() -> None:
    import convarith
    from convarith import ConvArithError

    x = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    anim = convarith.animate(
        "conv", (3, 3), kernel_size=2, input_values=x, weights=[[1, 0], [0, 1]]
    )
    assert anim.view == "numerical" and anim.scene.values.output == [[6.0, 8.0], [12.0, 14.0]]
    with pytest.raises(ConvArithError, match="arithmetic and numerical views"):
        convarith.animate(
            "conv", (3, 3), kernel_size=2, view="matrix", input_values=x, weights=[[1, 0], [0, 1]]
        )
