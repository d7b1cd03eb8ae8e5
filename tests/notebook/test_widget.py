"""The widget shows exactly what ``convarith.animate`` draws, after every change of every control.

A front end (tests/notebook/conftest.py) changes the controls one after the
other, as a user does in the notebook; after each change the picture the
browser holds must be the animated SVG that ``convarith.animate`` draws for
the same parameters, byte for byte as ``Animation.save`` writes it to
``.svg``.  The expected calls are written out by hand here, not derived from
the explorer's own parsing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import convarith
from convarith.explorer.controls import CONTROLS

#: (controls changed, the convarith.animate call they must draw), in order; each
#: step keeps the changes before it.
STEPS: list[tuple[dict[str, str], dict[str, Any]]] = [
    ({"input": "7x6"}, {"op": "conv", "input_shape": (7, 6), "kernel_size": 3}),
    ({"kernel": "3x2"}, {"op": "conv", "input_shape": (7, 6), "kernel_size": (3, 2)}),
    ({"stride": "2"}, {"op": "conv", "input_shape": (7, 6), "kernel_size": (3, 2), "stride": 2}),
    (
        {"padding": "1:2x0:1"},
        {
            "op": "conv",
            "input_shape": (7, 6),
            "kernel_size": (3, 2),
            "stride": 2,
            "padding": ((1, 2), (0, 1)),
        },
    ),
    (
        {"dilation": "2x1"},
        {
            "op": "conv",
            "input_shape": (7, 6),
            "kernel_size": (3, 2),
            "stride": 2,
            "padding": ((1, 2), (0, 1)),
            "dilation": (2, 1),
        },
    ),
    (
        # The causal preset: d*(k-1) before, nothing after, on every axis.
        {"padding": "causal"},
        {
            "op": "conv",
            "input_shape": (7, 6),
            "kernel_size": (3, 2),
            "stride": 2,
            "padding": ((4, 0), (1, 0)),
            "dilation": (2, 1),
        },
    ),
    (
        {"stride": "1", "padding": "same"},
        {
            "op": "conv",
            "input_shape": (7, 6),
            "kernel_size": (3, 2),
            "stride": 1,
            "padding": "same",
            "dilation": (2, 1),
        },
    ),
    (
        {"stride": "2", "padding": "same_tf"},
        {
            "op": "conv",
            "input_shape": (7, 6),
            "kernel_size": (3, 2),
            "stride": 2,
            "padding": "same_tf",
            "dilation": (2, 1),
        },
    ),
    (
        {"theme": "dark"},
        {
            "op": "conv",
            "input_shape": (7, 6),
            "kernel_size": (3, 2),
            "stride": 2,
            "padding": "same_tf",
            "dilation": (2, 1),
            "theme": "dark",
        },
    ),
    (
        {"view": "numerical"},
        {
            "op": "conv",
            "input_shape": (7, 6),
            "kernel_size": (3, 2),
            "stride": 2,
            "padding": "same_tf",
            "dilation": (2, 1),
            "theme": "dark",
            "view": "numerical",
        },
    ),
    (
        {"seed": "7"},
        {
            "op": "conv",
            "input_shape": (7, 6),
            "kernel_size": (3, 2),
            "stride": 2,
            "padding": "same_tf",
            "dilation": (2, 1),
            "theme": "dark",
            "view": "numerical",
            "seed": 7,
        },
    ),
    (
        {
            "op": "conv_transpose",
            "input": "3x3",
            "kernel": "3",
            "padding": "1",
            "dilation": "1",
            "view": "arithmetic",
        },
        {
            "op": "conv_transpose",
            "input_shape": (3, 3),
            "kernel_size": 3,
            "stride": 2,
            "padding": 1,
            "theme": "dark",
            "seed": 7,
        },
    ),
    (
        {"output_padding": "1"},
        {
            "op": "conv_transpose",
            "input_shape": (3, 3),
            "kernel_size": 3,
            "stride": 2,
            "padding": 1,
            "output_padding": 1,
            "theme": "dark",
            "seed": 7,
        },
    ),
    (
        {"view": "scatter"},
        {
            "op": "conv_transpose",
            "input_shape": (3, 3),
            "kernel_size": 3,
            "stride": 2,
            "padding": 1,
            "output_padding": 1,
            "theme": "dark",
            "seed": 7,
            "view": "scatter",
        },
    ),
    (
        {"view": "compare"},
        {
            "op": "conv_transpose",
            "input_shape": (3, 3),
            "kernel_size": 3,
            "stride": 2,
            "padding": 1,
            "output_padding": 1,
            "theme": "dark",
            "seed": 7,
            "view": "compare",
        },
    ),
    (
        {"view": "matrix", "theme": "original"},
        {
            "op": "conv_transpose",
            "input_shape": (3, 3),
            "kernel_size": 3,
            "stride": 2,
            "padding": 1,
            "output_padding": 1,
            "theme": "original",
            "seed": 7,
            "view": "matrix",
        },
    ),
    (
        # What the page does on a change of operation: parameters that do not
        # apply go back to their defaults (output_padding), and a few more change.
        {
            "op": "max_pool",
            "output_padding": "0",
            "input": "5x5",
            "kernel": "2",
            "stride": "",
            "padding": "0",
            "view": "arithmetic",
        },
        {"op": "max_pool", "input_shape": (5, 5), "kernel_size": 2, "theme": "original", "seed": 7},
    ),
    (
        {"ceil_mode": "true"},
        {
            "op": "max_pool",
            "input_shape": (5, 5),
            "kernel_size": 2,
            "ceil_mode": True,
            "theme": "original",
            "seed": 7,
        },
    ),
    (
        {"op": "avg_pool", "ceil_mode": "false", "padding": "1", "view": "numerical"},
        {
            "op": "avg_pool",
            "input_shape": (5, 5),
            "kernel_size": 2,
            "padding": 1,
            "theme": "original",
            "seed": 7,
            "view": "numerical",
        },
    ),
    (
        {"count_include_pad": "false"},
        {
            "op": "avg_pool",
            "input_shape": (5, 5),
            "kernel_size": 2,
            "padding": 1,
            "count_include_pad": False,
            "theme": "original",
            "seed": 7,
            "view": "numerical",
        },
    ),
    (
        {"input": "9"},
        {
            "op": "avg_pool",
            "input_shape": (9,),
            "kernel_size": 2,
            "padding": 1,
            "count_include_pad": False,
            "theme": "original",
            "seed": 7,
            "view": "numerical",
        },
    ),
]


def drawn(call: dict[str, Any], tmp_path: Path, name: str) -> tuple[bytes, convarith.Animation]:
    """The animated SVG file that convarith.animate(...).save writes for ``call``, and the animation."""
    call = dict(call)
    anim = convarith.animate(call.pop("op"), call.pop("input_shape"), **call)
    (path,) = anim.save(tmp_path / f"{name}.svg")
    return path.read_bytes(), anim


def test_the_steps_change_every_control() -> None:
    changed = {name for controls, _ in STEPS for name in controls}
    assert changed == {control.name for control in CONTROLS}


def test_the_first_picture_is_the_default_state(open_widget: Any, tmp_path: Path) -> None:
    front = open_widget()
    svg, anim = drawn({"op": "conv", "input_shape": (5, 5), "kernel_size": 3}, tmp_path, "first")
    assert front.model["svg"].encode() == svg
    assert front.model["durations"] == list(anim.figure.durations)
    assert front.model["frame"] == 0 and front.model["playing"] is True


def test_every_change_shows_what_animate_draws(open_widget: Any, tmp_path: Path) -> None:
    front = open_widget()
    previous = front.model["svg"]
    for n, (controls, call) in enumerate(STEPS):
        model = front.change(**controls)
        svg, anim = drawn(call, tmp_path, f"step{n}")
        assert model["error"] == "", (controls, model["error"])
        assert model["svg"].encode() == svg, controls
        assert model["durations"] == list(anim.figure.durations), controls
        assert model["loop"] is anim.figure.loop
        assert model["stale"] is False and model["note"] == ""
        assert model["svg"] != previous, f"{controls} changed nothing in the picture"
        assert front.widget.animation is not None
        assert front.widget.animation.name == anim.name
        previous = model["svg"]


def test_the_kernel_sends_the_new_picture_in_one_message(open_widget: Any) -> None:
    front = open_widget()
    before = len(front.comm.published)
    front.change(stride="2")
    updates = [data for _, data in front.comm.published[before:] if data["method"] == "update"]
    # One message: the front end never sees a new picture with old timing or numbers.
    assert len(updates) == 1
    assert {"svg", "durations", "info"} <= set(updates[0]["state"])
