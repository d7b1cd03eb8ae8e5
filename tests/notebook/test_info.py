"""Beside the picture: the output size, worked formula, relationship and notes, exactly as the core says them."""

from __future__ import annotations

from typing import Any

import pytest

import convarith
from convarith.core.params import axis_names
from convarith.explorer.controls import request_of
from convarith.notebook.info import info_of

#: (explorer state, the same configuration as convarith's keyword arguments)
CASES: list[tuple[dict[str, str], str, tuple[int, ...], dict[str, Any]]] = [
    (
        {"input": "5x5", "stride": "2", "padding": "1"},
        "conv",
        (5, 5),
        {"kernel_size": 3, "stride": 2, "padding": 1},
    ),
    (
        {"input": "7x6", "kernel": "3x2", "padding": "1:2x0:1"},
        "conv",
        (7, 6),
        {"kernel_size": (3, 2), "padding": ((1, 2), (0, 1))},
    ),
    (
        {"input": "9", "dilation": "2", "padding": "same"},
        "conv",
        (9,),
        {"kernel_size": 3, "dilation": 2, "padding": "same"},
    ),
    (
        {
            "op": "conv_transpose",
            "input": "3x3",
            "stride": "2",
            "padding": "1",
            "output_padding": "1",
        },
        "conv_transpose",
        (3, 3),
        {"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1},
    ),
    (
        {"op": "max_pool", "input": "6x7", "kernel": "2", "ceil_mode": "true"},
        "max_pool",
        (6, 7),
        {"kernel_size": 2, "ceil_mode": True},
    ),
    (
        {"op": "avg_pool", "input": "4x4x4", "kernel": "2", "padding": "1"},
        "avg_pool",
        (4, 4, 4),
        {"kernel_size": 2, "padding": 1},
    ),
]


def merged(texts: list[dict[str, str]], ndim: int) -> list[dict[str, str]]:
    """Per-axis entries as ``convarith shape`` prints them: once when every axis agrees."""
    if ndim == 1:
        return [{"axis": "", **texts[0]}]
    if all(t == texts[0] for t in texts):
        return [{"axis": "every axis", **texts[0]}]
    return [{"axis": name, **t} for name, t in zip(axis_names(ndim), texts)]


@pytest.mark.parametrize(("state", "op", "shape", "params"), CASES)
def test_info_is_the_core_s_description(
    state: dict[str, str], op: str, shape: tuple[int, ...], params: dict[str, Any]
) -> None:
    info = info_of(request_of(state))
    description = convarith.describe(op, shape, **params)
    relations = convarith.relationship(op, shape, **params)
    output = convarith.output_shape(op, shape, **params)
    assert info["output"] == "x".join(map(str, output))
    assert info["input"] == "x".join(map(str, shape))
    assert info["formula"] == description.formula
    assert info["worked"] == merged([{"text": w} for w in description.worked], len(shape))
    assert info["relationships"] == merged(
        [{"text": str(r), "worked": r.worked} for r in relations], len(shape)
    )
    assert info["notes"] == list(description.notes)
    # Everything the command line says beside the sizes is in the widget too.
    text = description.text()
    for note in info["notes"]:
        assert note in text


def test_axes_that_differ_are_named() -> None:
    info = info_of(request_of({"input": "7x6", "kernel": "3x2"}))
    assert [e["axis"] for e in info["worked"]] == ["height", "width"]
    assert info["output"] == "5x5"


def test_the_widget_shows_the_info_of_its_state(open_widget: Any) -> None:
    front = open_widget()
    for state, *_ in CASES:
        model = front.send(state=state)
        assert model["info"] == info_of(request_of(state))
