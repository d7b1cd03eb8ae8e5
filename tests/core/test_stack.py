"""analyze_stack against real PyTorch stacks: shapes, receptive fields, jumps, channels.

Receptive fields are measured: with all-ones weights and no biases, output
cell ``u`` depends on input cell ``q`` exactly when the Jacobian entry is
nonzero (no cancellation is possible).  Stacks with a max pooling use one-hot
inputs through the forward pass instead, since a max-pool's gradient reaches
only the argmax.  The input is big enough that the cells measured (those whose
hull stays a margin away from both ends) are never clipped by padding, and the
widest hull over them must be the receptive field; the jump is the step of
the hulls' first cells over a whole period.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from convarith import ConvArithError
from convarith.core.stack import Layer, analyze_stack

_CONV = {1: torch.nn.Conv1d, 2: torch.nn.Conv2d}
_CONV_T = {1: torch.nn.ConvTranspose1d, 2: torch.nn.ConvTranspose2d}
_MAX = {1: torch.nn.MaxPool1d, 2: torch.nn.MaxPool2d}
_AVG = {1: torch.nn.AvgPool1d, 2: torch.nn.AvgPool2d}


def module(layer: dict[str, Any], ndim: int, channels: int = 1) -> torch.nn.Module:
    """The PyTorch module of a convarith layer dict (no bias, all-ones weights)."""
    op = layer["op"]
    p = {k: v for k, v in layer.items() if k not in ("op", "out_channels", "in_channels", "groups")}
    if op in ("conv", "conv_transpose"):
        cls = (_CONV if op == "conv" else _CONV_T)[ndim]
        m = cls(
            channels,
            layer.get("out_channels", channels),
            bias=False,
            groups=layer.get("groups", 1),
            **p,
        )
        torch.nn.init.ones_(m.weight)
        return m.double()
    k = p.pop("kernel_size")
    return (_MAX if op == "max_pool" else _AVG)[ndim](k, **p)


@st.composite
def layer_1d(draw: Any) -> dict[str, Any]:
    op = draw(st.sampled_from(("conv", "conv", "conv_transpose", "max_pool", "avg_pool")))
    k = draw(st.integers(1, 4))
    s = draw(st.integers(1, 3))
    if op == "conv":
        return {
            "op": op,
            "kernel_size": k,
            "stride": s,
            "padding": draw(st.integers(0, 3)),
            "dilation": draw(st.integers(1, 3)),
        }
    if op == "conv_transpose":
        d = draw(st.integers(1, 2))
        return {
            "op": op,
            "kernel_size": k,
            "stride": s,
            "padding": draw(st.integers(0, d * (k - 1) + 1)),
            "dilation": d,
            "output_padding": draw(st.integers(0, max(s, d) - 1)),
        }
    layer = {
        "op": op,
        "kernel_size": k,
        "stride": s,
        "padding": draw(st.integers(0, k // 2)),
        "ceil_mode": draw(st.booleans()),
    }
    if op == "max_pool":
        layer["dilation"] = draw(st.integers(1, 2))
    return layer


def torch_shapes(
    layers: list[dict[str, Any]], shape: tuple[int, ...]
) -> tuple[list[tuple[int, ...]], int | None]:
    """Spatial shape after each layer, and the (1-based) index of the layer PyTorch refuses, if any."""
    x = torch.zeros(1, 1, *shape, dtype=torch.float64)
    shapes = []
    for n, layer in enumerate(layers, start=1):
        try:
            x = module(layer, len(shape))(x)
        except RuntimeError:
            return shapes, n
        if 0 in x.shape:
            return shapes, n
        shapes.append(tuple(x.shape[2:]))
    return shapes, None


@settings(max_examples=80, deadline=None)
@given(layers=st.lists(layer_1d(), min_size=1, max_size=4), i=st.integers(1, 40))
def test_shapes_match_a_real_sequential_1d(layers, i):
    shapes, refused = torch_shapes(layers, (i,))
    if refused is not None:
        with pytest.raises(ConvArithError, match=f"^layer {refused} "):
            analyze_stack((i,), layers)
        return
    report = analyze_stack((i,), layers)
    assert [r.output_shape for r in report.layers] == shapes
    assert report.output_shape == shapes[-1]
    # The whole stack as one nn.Sequential gives the same final shape.
    seq = torch.nn.Sequential(*(module(layer, 1) for layer in layers))
    assert tuple(seq(torch.zeros(1, 1, i, dtype=torch.float64)).shape[2:]) == report.output_shape


def test_shapes_match_a_real_sequential_2d():
    layers = [
        {"op": "conv", "kernel_size": (7, 5), "stride": 2, "padding": (3, 1), "out_channels": 8},
        {"op": "max_pool", "kernel_size": 3, "stride": (2, 1), "padding": 1, "ceil_mode": True},
        {"op": "conv", "kernel_size": 3, "dilation": (2, 1), "padding": "same", "out_channels": 8},
        {
            "op": "conv_transpose",
            "kernel_size": 4,
            "stride": 2,
            "padding": 1,
            "output_padding": (1, 0),
            "out_channels": 4,
        },
        {"op": "avg_pool", "kernel_size": 2, "count_include_pad": False, "padding": 1},
    ]
    seq = torch.nn.Sequential()
    channels = 3
    for layer in layers:
        seq.append(module(layer, 2, channels))
        channels = layer.get("out_channels", channels)
    x = torch.zeros(2, 3, 37, 29, dtype=torch.float64)
    shapes = []
    for m in seq:
        x = m(x)
        shapes.append(tuple(x.shape[1:]))
    report = analyze_stack((37, 29), layers, in_channels=3)
    assert [(r.out_channels, *r.output_shape) for r in report.layers] == shapes


# --------------------------------------------------------------------------- receptive field and jump


def influence(layers: list[dict[str, Any]], n: int) -> list[tuple[int, int] | None]:
    """Per output cell of the stack on ``n`` input cells: the hull of the input cells it depends on."""
    seq = torch.nn.Sequential(*(module(layer, 1) for layer in layers))
    if any(layer["op"] == "max_pool" for layer in layers):
        with torch.no_grad():
            dep = seq(torch.eye(n, dtype=torch.float64)[:, None])[:, 0] > 0  # (input q, output u)
        dep = dep.T
    else:
        jac = torch.autograd.functional.jacobian(
            lambda x: seq(x[None, None])[0, 0], torch.ones(n, dtype=torch.float64), vectorize=True
        )
        dep = jac != 0  # (output u, input q)
    hulls: list[tuple[int, int] | None] = []
    for row in dep:
        cells = row.nonzero().flatten().tolist()
        hulls.append((cells[0], cells[-1]) if cells else None)
    return hulls


def stride(layer: dict[str, Any]) -> int:
    """PyTorch's default stride: 1 for convolutions, the kernel size for pooling."""
    default = layer["kernel_size"] if layer["op"] in ("max_pool", "avg_pool") else 1
    return layer.get("stride", default)


def expected_jump(layers: list[dict[str, Any]]) -> Fraction:
    j = Fraction(1)
    for layer in layers:
        s = stride(layer)
        j = j / s if layer["op"] == "conv_transpose" else j * s
    return j


def reach_bound(layers: list[dict[str, Any]]) -> Fraction:
    """An upper bound of the receptive field, written independently of convarith."""
    bound, jump = Fraction(1), Fraction(1)
    for layer in layers:
        k, s, d = layer["kernel_size"], stride(layer), layer.get("dilation", 1)
        if layer["op"] == "conv_transpose":
            bound += (d * (k - 1) // s + 1) * jump
            jump /= s
        else:
            bound += d * (k - 1) * jump
            jump *= s
    return bound


def check_fields(layers: list[dict[str, Any]], n: int) -> None:
    report = analyze_stack((n,), layers)
    margin = n // 3
    for depth in range(1, len(layers) + 1):
        prefix = layers[:depth]
        r = report.layers[depth - 1]
        assert r.jump == (expected_jump(prefix),)
        hulls = influence(prefix, n)
        inner = {
            u: h
            for u, h in enumerate(hulls)
            if h is not None and margin <= h[0] and h[1] < n - margin
        }
        if not any(hulls):
            # No output cell depends on any input cell (every tap lands on inserted zeros):
            # a degenerate stack whose "receptive field" is empty; not compared.
            return
        assert inner, "input too small for this stack"
        widest = max(hi - lo + 1 for lo, hi in inner.values())
        assert r.receptive_field == (widest,), f"layer {depth}: measured {widest}"
        # Jump: the first cells of two hulls a whole period apart (transposed strides repeat
        # their pattern every s output cells).
        period = 1
        for layer in prefix:
            if layer["op"] == "conv_transpose":
                period *= stride(layer)
        pairs = [(u, u + period) for u in inner if u + period in inner]
        assert pairs, "input too small to see a whole period"
        for u, v in pairs:
            assert Fraction(inner[v][0] - inner[u][0], v - u) == r.jump[0]


@settings(max_examples=40, deadline=None)
@given(layers=st.lists(layer_1d(), min_size=1, max_size=3))
def test_receptive_field_and_jump_are_measured(layers):
    n = 150
    assume(reach_bound(layers) * 3 < n // 3)
    assume(
        expected_jump(layers) <= 9
        and all(expected_jump(layers[:m]) >= Fraction(1, 9) for m in range(1, 4))
    )
    assume(analyze_stack_or_none(layers, n) is not None)
    check_fields(layers, n)


@pytest.mark.parametrize(
    "layers",
    [
        # Output u = 2q + 3t: every output cell is one input cell times one weight.
        [{"op": "conv_transpose", "kernel_size": 2, "stride": 2, "dilation": 3}],
        # Two zeros inserted between cells, then taps 2 apart: exactly one of u, u+2, u+4 is a cell.
        [
            {"op": "conv_transpose", "kernel_size": 1, "stride": 3},
            {"op": "conv", "kernel_size": 3, "dilation": 2},
        ],
    ],
)
def test_dilated_transposed_receptive_field(layers):
    check_fields(layers, 60)
    assert analyze_stack((60,), layers).layers[-1].receptive_field == (1,)


def analyze_stack_or_none(layers: list[dict[str, Any]], n: int) -> Any:
    try:
        return analyze_stack((n,), layers)
    except ConvArithError:
        return None


@pytest.mark.parametrize(
    ("layers", "fields", "jumps"),
    [
        # ResNet's stem (the docstring's example).
        (
            [
                {"op": "conv", "kernel_size": 7, "stride": 2, "padding": 3},
                {"op": "max_pool", "kernel_size": 3, "stride": 2, "padding": 1},
            ],
            [7, 11],
            ["2", "4"],
        ),
        # Dilated stack (WaveNet-like): 1 + 2*(2 + 4 + 8).
        (
            [
                {"op": "conv", "kernel_size": 3, "dilation": 2},
                {"op": "conv", "kernel_size": 3, "dilation": 4},
                {"op": "conv", "kernel_size": 3, "dilation": 8},
            ],
            [5, 13, 29],
            ["1", "1", "1"],
        ),
        # Average pooling, then conv.
        (
            [{"op": "avg_pool", "kernel_size": 2}, {"op": "conv", "kernel_size": 3}],
            [2, 6],
            ["2", "2"],
        ),
        # Down then up: a transposed layer makes the jump a fraction.
        (
            [
                {"op": "conv", "kernel_size": 3, "stride": 2, "padding": 1},
                {"op": "conv_transpose", "kernel_size": 4, "stride": 2, "padding": 1},
                {"op": "conv_transpose", "kernel_size": 4, "stride": 2, "padding": 1},
            ],
            None,
            ["2", "1", "1/2"],
        ),
    ],
)
def test_named_stacks(layers, fields, jumps):
    report = analyze_stack((96,), layers)
    if fields is not None:
        assert [r.receptive_field[0] for r in report.layers] == fields
    assert [str(r.jump[0]) for r in report.layers] == jumps
    check_fields(layers, 96)


def test_receptive_field_per_axis_2d():
    """Different kernels per axis: each axis has its own field (measured on each axis in 1-D)."""
    layers = [
        {"op": "conv", "kernel_size": (3, 5), "stride": (1, 2)},
        {"op": "max_pool", "kernel_size": 2, "dilation": (2, 1)},
    ]
    report = analyze_stack((60, 60), layers)
    for axis in range(2):
        one = [
            {k: (v[axis] if isinstance(v, tuple) else v) for k, v in layer.items()}
            for layer in layers
        ]
        check_fields(one, 60)
        assert [r.receptive_field[axis] for r in report.layers] == [
            r.receptive_field[0] for r in analyze_stack((60,), one).layers
        ]
        assert [r.jump[axis] for r in report.layers] == [
            r.jump[0] for r in analyze_stack((60,), one).layers
        ]


# --------------------------------------------------------------------------- channels and groups


def torch_channels_ok(incoming: int, c_in: int, c_out: int, groups: int, transposed: bool) -> bool:
    cls = torch.nn.ConvTranspose1d if transposed else torch.nn.Conv1d
    try:
        m = cls(c_in, c_out, 1, groups=groups)
        m(torch.zeros(1, incoming, 4))
    except (ValueError, RuntimeError):
        return False
    return True


@pytest.mark.parametrize("transposed", [False, True])
def test_channels_and_groups_as_pytorch_checks_them(transposed):
    """Every (incoming, in, out, groups) in a small grid: refused exactly when PyTorch refuses."""
    op = "conv_transpose" if transposed else "conv"
    for incoming in (2, 4, 6):
        for c_in in (2, 3, 4, 6):
            for c_out in (1, 2, 3, 4, 6):
                for groups in (1, 2, 3):
                    ok = torch_channels_ok(incoming, c_in, c_out, groups, transposed)
                    layer = Layer(
                        op, {"kernel_size": 1}, in_channels=c_in, out_channels=c_out, groups=groups
                    )
                    if ok:
                        report = analyze_stack((4,), [layer], in_channels=incoming)
                        assert report.out_channels == c_out
                    else:
                        with pytest.raises(ConvArithError, match="layer 1"):
                            analyze_stack((4,), [layer], in_channels=incoming)


def test_channel_mismatch_between_layers():
    layers = [
        {"op": "conv", "kernel_size": 3, "out_channels": 8},
        {"op": "max_pool", "kernel_size": 2},
        {"op": "conv", "kernel_size": 3, "in_channels": 16, "out_channels": 4},
    ]
    seq = torch.nn.Sequential(
        torch.nn.Conv2d(3, 8, 3), torch.nn.MaxPool2d(2), torch.nn.Conv2d(16, 4, 3)
    )
    with pytest.raises(RuntimeError):
        seq(torch.zeros(1, 3, 20, 20))
    with pytest.raises(ConvArithError, match=r"^layer 3 .*in_channels=16.*8"):
        analyze_stack((20, 20), layers, in_channels=3)
    # The matching stack passes and carries the count through the pooling.
    layers[2]["in_channels"] = 8
    assert analyze_stack((20, 20), layers, in_channels=3).out_channels == 4


def test_groups_known_only_from_incoming_channels():
    """A layer without in_channels takes the incoming count, and groups must divide it."""
    torch_refuses = not torch_channels_ok(3, 3, 6, 2, False)
    assert torch_refuses
    with pytest.raises(ConvArithError, match="divisible by groups=2"):
        analyze_stack(
            (8,), [{"op": "conv", "kernel_size": 3, "out_channels": 6, "groups": 2}], in_channels=3
        )


def test_pooling_takes_no_channels():
    with pytest.raises(ConvArithError):
        analyze_stack((8,), [{"op": "max_pool", "kernel_size": 2, "out_channels": 4}])


def test_to_dict_and_table():
    report = analyze_stack(
        (32, 32),
        [{"op": "conv", "kernel_size": 3, "stride": 2, "padding": 1, "out_channels": 16}],
        in_channels=3,
    )
    d = report.to_dict()
    assert d["input"] == [32, 32] and d["output"] == [16, 16] and d["out_channels"] == 16
    assert d["layers"][0]["receptive_field"] == [3, 3] and d["layers"][0]["jump"] == ["2", "2"]
    table = report.table()
    assert "16x16x16" in table and "receptive field" in table


# --------------------------------------------------------------------------- cost


def _counting(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count the per-layer computations of analyze_stack: configure calls and field steps."""
    import convarith.core.stack as stack_module

    counts = {"configure": 0, "steps": 0}
    configure = stack_module.configure
    add = stack_module._Field.add

    def counted_configure(*args: Any, **kwargs: Any) -> Any:
        counts["configure"] += 1
        return configure(*args, **kwargs)

    def counted_add(self: Any, *args: Any) -> Any:
        before = self.steps
        result = add(self, *args)
        counts["steps"] += self.steps - before
        return result

    monkeypatch.setattr(stack_module, "configure", counted_configure)
    monkeypatch.setattr(stack_module._Field, "add", counted_add)
    return counts


@pytest.mark.parametrize(
    "layer",
    [
        {"op": "conv", "kernel_size": 3, "padding": 1},
        {"op": "conv", "kernel_size": 3, "stride": 2, "padding": 1},  # jumps of 2**n digits
        {"op": "max_pool", "kernel_size": 3, "stride": 1, "padding": 1},
    ],
)
def test_stack_analysis_is_linear_in_the_layers(monkeypatch, layer):
    counts = _counting(monkeypatch)
    work = []
    for n in (1000, 2000, 4000):
        counts.update(configure=0, steps=0)
        report = analyze_stack((64, 64), [layer] * n)
        assert len(report.layers) == n
        work.append((counts["configure"], counts["steps"]))
    # One configuration per layer, and a bounded number of field steps per layer and axis.
    assert [c for c, _ in work] == [1000, 2000, 4000]
    assert [s for _, s in work] == [2 * 1000, 2 * 2000, 2 * 4000]


def test_an_8000_layer_stack_is_exact():
    report = analyze_stack((64,), [{"op": "conv", "kernel_size": 3, "padding": 1}] * 8000)
    assert [r.receptive_field[0] for r in report.layers[:3]] == [3, 5, 7]
    assert report.layers[-1].receptive_field == (16001,)
    deep = analyze_stack((1,), [{"op": "conv", "kernel_size": 3, "stride": 2, "padding": 1}] * 8000)
    assert deep.layers[-1].jump == (Fraction(2**8000),)
    assert deep.layers[-1].receptive_field == (2**8001 - 1,)
    # Numbers beyond 30 digits are written short; the JSON and the table stay small.
    import json

    assert json.dumps(deep.to_dict()["layers"][-1]["jump"]) == '["1.7376e+2408"]'
    assert deep.to_dict()["layers"][-1]["receptive_field"] == ["3.4753e+2408"]
    assert len(deep.table().splitlines()[-1]) < 100


HUGE = 10**8


@pytest.mark.parametrize(
    "layers",
    [
        [{"op": "conv_transpose", "kernel_size": 3, "stride": HUGE}],
        [{"op": "conv_transpose", "kernel_size": 3, "stride": HUGE, "dilation": HUGE, "padding": HUGE}]
        * 2,
        [
            {"op": "conv_transpose", "kernel_size": 3, "stride": HUGE, "padding": HUGE, "dilation": HUGE},
            {"op": "conv", "kernel_size": 3, "stride": HUGE, "padding": HUGE, "dilation": HUGE},
        ]
        * 4,
        [{"op": "conv", "kernel_size": 2, "padding": HUGE, "dilation": HUGE}] * 3,
        [
            {"op": "conv_transpose", "kernel_size": 4, "stride": 2, "padding": 1},
            {"op": "conv", "kernel_size": 3, "dilation": HUGE, "padding": HUGE},
        ]
        * 3,
    ],
)  # fmt: skip
def test_huge_parameters_cost_nothing(layers):
    import tracemalloc

    tracemalloc.start()
    try:
        report = analyze_stack((5,), layers)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000, peak
    assert all(r.receptive_field[0] is not None for r in report.layers)


def test_huge_strides_fields_against_a_direct_count():
    """Stride 10^8, kernel 3: each output cell reads one input cell; through a dilated conv, 3."""
    report = analyze_stack(
        (5,),
        [
            {"op": "conv_transpose", "kernel_size": 3, "stride": HUGE},
            {"op": "conv", "kernel_size": 3, "dilation": HUGE, "padding": HUGE},
        ],
    )
    # Output u of the conv reads u - 10^8, u, u + 10^8 of the transposed output; those are
    # q*10^8 + t with the same t: input cells q-1, q, q+1 -> a hull of 3.
    assert [r.receptive_field for r in report.layers] == [(1,), (3,)]


def test_phases_beyond_the_budget_are_unknown_not_wrong():
    from convarith.core.limits import MAX_FIELD_STEPS

    report = analyze_stack(
        (5,), [{"op": "conv_transpose", "kernel_size": HUGE, "stride": HUGE + 1}]
    )
    assert report.layers[0].receptive_field == (None,)
    assert "?" in report.table() and str(MAX_FIELD_STEPS) in report.table()
    assert report.to_dict()["layers"][0]["receptive_field"] == [None]
    # A dense chain of upsampling layers: exact while the phases fit, then unknown.
    chain = analyze_stack((1,), [{"op": "conv_transpose", "kernel_size": 3, "stride": 2}] * 30)
    fields = [r.receptive_field[0] for r in chain.layers]
    assert fields[:3] == [2, 2, 2] and fields[-1] is None


def test_table_keeps_the_layer_type_and_uses_the_layer_keys():
    report = analyze_stack(
        (8,),
        [
            {"op": "conv", "kernel_size": 3, "name": "enc"},
            {"op": "conv_transpose", "kernel_size": 3, "stride": 2, "output_padding": 1},
            {"op": "max_pool", "kernel_size": 2, "ceil_mode": True, "name": "pool"},
        ],
    )
    rows = report.table().splitlines()[3:]
    assert rows[0].split()[1:3] == ["enc", "(conv)"]
    assert rows[1].split()[1] == "conv-transpose" and "a=1" in rows[1] and "op=" not in rows[1]
    assert rows[2].split()[1:3] == ["pool", "(max-pool)"] and "ceil" in rows[2]
    data = report.to_dict()["layers"]
    assert [(d["name"], d["op"]) for d in data] == [
        ("enc", "conv"),
        ("", "conv_transpose"),
        ("pool", "max_pool"),
    ]


def test_refusals_name_the_layer_and_its_type():
    with pytest.raises(ConvArithError, match=r"^layer 2 \(up, conv_transpose\) on 6: "):
        analyze_stack(
            (8,),
            [
                {"op": "conv", "kernel_size": 3},
                {"op": "conv_transpose", "kernel_size": 3, "stride": 2, "output_padding": 2, "name": "up"},
            ],
        )  # fmt: skip
    with pytest.raises(ConvArithError, match=r"^layer 1 \(enc, conv\): 3 incoming channels"):
        analyze_stack(
            (8,), [Layer("conv", {"kernel_size": 3}, groups=2, name="enc")], in_channels=3
        )
