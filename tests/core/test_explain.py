"""describe(): every worked formula adds up, notes read per axis, and the cost never grows with the numbers.

The worked formulas are evaluated by a small evaluator of their own (integers,
``+ - * /``, ``floor`` and ``ceil``, exact fractions) over many random
configurations of every operation, with asymmetric ``(low, high)`` padding for
convolutions and transposed convolutions; the expected sizes are written here
from the definitions, not taken from convarith.
"""

from __future__ import annotations

import ast
import json
import math
import random
import re
import tracemalloc
from fractions import Fraction
from typing import Any

import pytest

from convarith import ConvArithError, describe
from convarith.core.relations import relationship


def evaluate(worked: str) -> tuple[int, int]:
    """``(value of the left side, number on the right)`` of ``<expression> = <size>``."""
    left, right = worked.split(" = ")
    assert re.fullmatch(r"(?:[0-9+\-*/() ]|floor|ceil)+", left), worked
    assert re.fullmatch(r"[0-9]+", right), worked

    def value(node: ast.AST) -> Fraction:
        if isinstance(node, ast.Expression):
            return value(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return Fraction(node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -value(node.operand)
        if isinstance(node, ast.BinOp):
            a, b = value(node.left), value(node.right)
            ops = {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b}
            if isinstance(node.op, ast.Div):
                return a / b
            return ops[type(node.op)]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            (arg,) = node.args
            rounded = {"floor": math.floor, "ceil": math.ceil}[node.func.id](value(arg))
            return Fraction(rounded)
        raise AssertionError(f"unexpected {ast.dump(node)} in {worked!r}")

    result = value(ast.parse(left, mode="eval"))
    assert result.denominator == 1, worked
    return int(result), int(right)


def expected_size(op: str, i: int, a: dict[str, Any]) -> int | None:
    """One axis's output size from the definitions (None where no output cell is left)."""
    k, s, d, lo, hi = a["k"], a["s"], a["d"], a["lo"], a["hi"]
    if op == "conv_transpose":
        full = (i - 1) * s + d * (k - 1) + 1 + a["a"]  # every product, uncropped
        size = full - lo - hi
        return size if size >= 1 else None
    if op == "conv":
        # Count the window starts that fit the padded input.
        padded = lo + i + hi
        count = 0 if padded < d * (k - 1) + 1 else (padded - d * (k - 1) - 1) // s + 1
        return count or None
    # Pooling, PyTorch's rule: windows over the padded input, the division rounded up with
    # ceil_mode, less the last window when it would start past the input and its left padding.
    span = lo + i + hi - (d * (k - 1) + 1)
    count = (-(-span // s) if a["ceil"] else span // s) + 1
    if a["ceil"] and (count - 1) * s >= lo + i:
        count -= 1
    return count if count >= 1 else None


def random_case(rng: random.Random, op: str, ndim: int) -> tuple[tuple[int, ...], dict]:
    axes = []
    for _ in range(ndim):
        k, s, d = rng.randint(1, 6), rng.randint(1, 5), rng.randint(1, 3)
        if op == "avg_pool":
            d = 1
        if op in ("max_pool", "avg_pool"):
            lo = hi = rng.randint(0, k // 2)
        else:
            lo, hi = rng.randint(0, 7), rng.randint(0, 7)
        axes.append(
            {"k": k, "s": s, "d": d, "lo": lo, "hi": hi, "a": rng.randint(0, max(s, d) - 1)}
        )
    ceil = op in ("max_pool", "avg_pool") and rng.random() < 0.5
    for a in axes:
        a["ceil"] = ceil
    shape = tuple(rng.randint(1, 12) for _ in range(ndim))
    params: dict[str, Any] = {
        "kernel_size": tuple(a["k"] for a in axes),
        "stride": tuple(a["s"] for a in axes),
        "padding": tuple((a["lo"], a["hi"]) if a["lo"] != a["hi"] else a["lo"] for a in axes),
    }
    if op != "avg_pool":
        params["dilation"] = tuple(a["d"] for a in axes)
    if op == "conv_transpose":
        params["output_padding"] = tuple(a["a"] for a in axes)
    if ceil:
        params["ceil_mode"] = True
    return shape, {"params": params, "axes": axes}


@pytest.mark.parametrize("op", ["conv", "conv_transpose", "max_pool", "avg_pool"])
@pytest.mark.parametrize("ndim", [1, 2])
def test_every_worked_formula_adds_up_to_the_output_size(op, ndim):
    rng = random.Random(f"{op}{ndim}")
    checked = asymmetric = dropped = 0
    for _ in range(600):
        shape, case = random_case(rng, op, ndim)
        expected = [expected_size(op, i, a) for i, a in zip(shape, case["axes"])]
        if op == "avg_pool" and ndim == 3:
            continue
        try:
            d = describe(op, shape, **case["params"])
        except ConvArithError:
            assert None in expected, (shape, case)
            continue
        assert list(d.config.output_shape) == expected, (shape, case)
        for n, worked in enumerate(d.worked):
            left, right = evaluate(worked)
            assert left == right == d.config.output_shape[n], worked
            rel_left, rel_right = evaluate(d.relationships[n].worked)
            assert rel_left == rel_right == d.config.output_shape[n], d.relationships[n]
            asymmetric += "p_lo" in d.formula
            dropped += " - 1 = " in worked and "ceil" in worked
        checked += 1
    assert checked > 150
    if op in ("conv", "conv_transpose"):
        assert asymmetric > 50
    if op in ("max_pool", "avg_pool") and ndim == 1:
        assert dropped > 0  # the ceil-mode window PyTorch drops is in the formula


def test_transposed_asymmetric_padding_formula():
    d = describe("conv_transpose", (4,), kernel_size=3, stride=2, padding=((2, 1),))
    assert d.formula == "o' = (i' - 1)s - p_lo - p_hi + d(k - 1) + a + 1"
    assert d.worked == ("(4 - 1)*2 - 2 - 1 + 1*(3 - 1) + 0 + 1 = 6",)
    assert evaluate(d.worked[0]) == (6, 6)


def test_mixed_padding_note_reads_per_axis():
    d = describe("conv_transpose", (3, 3), kernel_size=3, stride=(2, 1), padding=((0, 2), 1))
    (note,) = [n for n in d.notes if n.startswith("Equivalent")]
    assert "insert zeros between input cells (height 1, width 0)" in note
    assert "pad with zeros (height: 2 before and 0 after; width: 1 each side)" in note
    assert " x " not in note
    uniform = describe("conv_transpose", (3, 3), kernel_size=3, stride=2, padding=1)
    (note,) = [n for n in uniform.notes if n.startswith("Equivalent")]
    assert "insert 1 zero between input cells" in note and "pad with zeros 1 each side" in note


def test_ceil_mode_drop_is_explained():
    d = describe("max_pool", (1,), kernel_size=2, padding=1, ceil_mode=True)
    assert d.config.output_shape == (1,)
    assert d.worked == ("ceil((1 + 2*1 - 1*(2 - 1) - 1) / 2) + 1 - 1 = 1",)
    assert any("PyTorch drops it" in n for n in d.notes)
    (r,) = relationship("max_pool", (1,), kernel_size=2, padding=1, ceil_mode=True)
    assert evaluate(r.worked) == (1, 1) and "drops it" in r.setting


# --------------------------------------------------------------------------- sizes of the answer


def _measured(call: Any) -> tuple[Any, int]:
    tracemalloc.start()
    try:
        result = call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak


HUGE = [
    ("conv_transpose", (5,), {"kernel_size": 3, "stride": 10**8}),
    ("conv_transpose", (5, 5), {"kernel_size": 3, "dilation": 10**8}),
    ("conv_transpose", (5,), {"kernel_size": 10**8, "stride": 10**8 + 1}),
    ("conv", (5,), {"kernel_size": 10**8, "padding": 5 * 10**7}),
    ("conv", (5,), {"kernel_size": 3, "padding": 10**8, "stride": 3}),
    ("conv", (5, 5), {"kernel_size": 2, "padding": 10**8, "dilation": 10**8}),
    ("max_pool", (5,), {"kernel_size": 10**8, "padding": 5 * 10**7, "stride": 7}),
    ("avg_pool", (5,), {"kernel_size": 10**8, "padding": 5 * 10**7}),
    ("conv", (2**62,), {"kernel_size": 3, "stride": 2**62}),
]


@pytest.mark.parametrize(("op", "shape", "params"), HUGE)
def test_one_huge_parameter_costs_no_memory(op, shape, params):
    d, peak = _measured(lambda: describe(op, shape, **params))
    text, data = d.text(), json.dumps(d.to_dict())
    assert peak < 2_000_000, peak
    assert len(text) < 3000 and len(data) < 6000
    for n, worked in enumerate(d.worked):
        assert evaluate(worked)[0] == d.config.output_shape[n]


def test_output_padding_choices_are_a_range():
    d = describe("conv_transpose", (5,), kernel_size=3, stride=10**8)
    assert d.output_padding_choices == (range(0, 10**8),)
    assert "output_padding may be 0..99999999: outputs 400000003..500000002" in d.text()
    choices = d.to_dict()["output_padding_choices"]
    assert choices == [
        {
            "output_padding": {"min": 0, "max": 99999999},
            "output": {"min": 400000003, "max": 500000002},
        }
    ]
    small = describe("conv_transpose", (3,), kernel_size=3, stride=2, padding=1)
    assert "output_padding may be 0..1: 0 gives 5, 1 gives 6." in small.text()
    assert small.to_dict()["output_padding_choices"] == [
        {"output_padding": {"min": 0, "max": 1}, "output": {"min": 5, "max": 6}}
    ]


def test_ranges_are_written_as_ranges():
    d = describe("conv", (10_000_000,), kernel_size=1, stride=2)
    axis = d.to_dict()["axes"][0]
    assert axis["same_output_input_sizes"] == {"min": 9999999, "max": 10000000}
    unread = axis["unread_input_cells"]
    assert unread["count"] == 5_000_000 and unread["complete"] is False
    assert unread["ranges"][:2] == [{"min": 1, "max": 1}, {"min": 3, "max": 3}]
    assert unread["ranges"][-1] == {"min": 9999999, "max": 9999999}
    assert "5000000 of 10000000 input cells are never read (1, 3, 5" in d.text()
    assert "…, 9999999)" in d.text()
    assert len(d.text()) < 2000


def test_unread_notes_keep_their_words():
    d = describe("conv", (7,), kernel_size=3, stride=2, padding=0)
    assert d.to_dict()["axes"][0]["unread_input_cells"] == {
        "count": 0,
        "ranges": [],
        "complete": True,
    }
    d = describe("conv", (6, 7), kernel_size=3, stride=2)
    assert "On the height axis, input row 5 (the last) is never read" in d.text()
    d = describe("conv", (7,), kernel_size=1, stride=3)
    assert "4 of 7 input cells are never read (1..2, 4..5): the windows skip them." in d.text()


def test_an_axis_too_long_to_scan_is_null_in_json():
    d = describe("conv", (10**12,), kernel_size=3)
    assert d.unread == (None,)
    assert d.to_dict()["axes"][0]["unread_input_cells"] is None


def test_cli_spelling_of_notes():
    d = describe("conv", (32, 32), kernel_size=3, stride=2, padding=1)
    assert "output_padding=1 maps 16x16" in d.text()
    assert "--output-padding 1 maps 16x16" in d.text(cli=True)
