"""The explorer's controls: the shared control set and URL states read into requests."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from convarith.core.errors import ConvArithError
from convarith.draw import THEMES, VIEWS
from convarith.explorer.controls import (
    CONTROLS,
    ExplorerRequest,
    applies,
    defaults,
    request_of,
)
from convarith.explorer.controls import (
    THEMES as CONTROL_THEMES,
)
from convarith.explorer.controls import (
    VIEWS as CONTROL_VIEWS,
)


def test_control_names_and_kinds() -> None:
    assert [c.name for c in CONTROLS] == [
        "op", "input", "kernel", "stride", "padding", "dilation", "output_padding",
        "ceil_mode", "count_include_pad", "view", "theme", "seed",
    ]  # fmt: skip
    assert {c.kind for c in CONTROLS} <= {"choice", "text", "int", "bool"}
    for control in CONTROLS:
        if control.kind == "choice":
            assert control.default in control.choices
    assert set(defaults()) == {c.name for c in CONTROLS}


def test_choice_lists_match_the_library() -> None:
    assert tuple(CONTROL_THEMES) == tuple(THEMES)
    assert set(CONTROL_VIEWS) == set(VIEWS)


def test_defaults_draw() -> None:
    request = request_of({})
    assert request == ExplorerRequest("conv", (5, 5), {"kernel_size": 3, "padding": 0})
    assert request.animation().frame_count == 9


@pytest.mark.parametrize(
    ("state", "params"),
    [
        ({"padding": "1:2x0:1"}, {"kernel_size": 3, "padding": ((1, 2), (0, 1))}),
        ({"padding": "same"}, {"kernel_size": 3, "padding": "same"}),
        ({"padding": "SAME_TF", "stride": "2"}, {"kernel_size": 3, "stride": 2, "padding": "same_tf"}),
        ({"input": "9", "padding": "causal", "dilation": "2"}, {"kernel_size": 3, "padding": ((4, 0),), "dilation": 2}),
        ({"kernel": "3x2", "padding": "causal", "dilation": "1x3"}, {"kernel_size": (3, 2), "padding": ((2, 0), (3, 0)), "dilation": (1, 3)}),
        ({"op": "conv-transpose", "stride": "2", "output_padding": "1"}, {"kernel_size": 3, "stride": 2, "padding": 0, "output_padding": 1}),
        ({"op": "avg_pool", "ceil_mode": "true", "count_include_pad": "false"}, {"kernel_size": 3, "padding": 0, "ceil_mode": True, "count_include_pad": False}),
    ],
)  # fmt: skip
def test_values_are_read_as_the_cli_reads_them(
    state: dict[str, str], params: dict[str, object]
) -> None:
    request = request_of(state)
    assert request.params == params
    # The canonical query reproduces the request, and is a fixed point.
    again = request_of(dict(parse_qsl(request.query(), keep_blank_values=True)))
    assert again == request
    assert again.query() == request.query()


@pytest.mark.parametrize(
    ("state", "words"),
    [
        ({"zoom": "1"}, "unknown parameter zoom='1'"),
        ({"op": "pool"}, "op='pool' must be one of"),
        ({"view": "3d"}, "view='3d' must be one of"),
        ({"theme": "neon"}, "theme='neon' must be one of"),
        ({"seed": "-3"}, "seed='-3' must be a whole number"),
        ({"seed": "9" * 40}, "seed="),
        ({"ceil_mode": "maybe"}, "ceil_mode='maybe' must be true or false"),
        ({"input": ""}, "input='' must be one size per axis"),
        ({"input": "5x5x5x5"}, "input '5x5x5x5' holds 4 sizes"),
        ({"kernel": "a"}, "kernel 'a' must be integers"),
        ({"kernel": ""}, "kernel='' must be a size"),
        ({"kernel": "0"}, "kernel_size=0 must be at least 1"),
        ({"kernel": "9"}, "kernel"),
        ({"padding": "1:2:3"}, "padding '1:2:3' must be like"),
        ({"op": "conv", "output_padding": "1"}, "output_padding=1 does not apply to conv"),
        ({"op": "max_pool", "padding": "causal"}, "padding="),
        ({"op": "conv", "stride": "2", "padding": "same"}, "padding='same' needs stride=1"),
    ],
)
def test_refusals_name_parameter_value_and_rule(state: dict[str, str], words: str) -> None:
    with pytest.raises(ConvArithError) as caught:
        request_of(state)
    message = str(caught.value)
    assert words in message
    assert "\n" not in message


def test_non_text_values_are_refused() -> None:
    with pytest.raises(ConvArithError, match="must be text"):
        request_of({"input": 5})  # type: ignore[dict-item]


def test_three_d_is_answered_in_numbers() -> None:
    request = request_of({"input": "4x4x4"})
    assert request.ndim == 3
    with pytest.raises(ConvArithError, match="3-D is answered in numbers"):
        request.animation()


def test_applies() -> None:
    assert applies("output_padding", "conv_transpose") and not applies("output_padding", "conv")
    assert applies("count_include_pad", "avg_pool") and not applies("count_include_pad", "max_pool")
    assert not applies("dilation", "avg_pool") and applies("dilation", "max_pool")
    assert all(
        applies(name, op) for name in ("input", "kernel", "view") for op in ("conv", "max_pool")
    )


def test_query_leaves_defaults_out_and_reads_back() -> None:
    request = request_of(
        {"op": "max_pool", "input": "6x6", "kernel": "2", "view": "numerical", "seed": "7"}
    )
    assert request.query() == "op=max_pool&input=6x6&kernel=2&view=numerical&seed=7"
    assert request.state()["stride"] == ""


def test_causal_stays_causal() -> None:
    request = request_of({"input": "9", "padding": "causal", "kernel": "3"})
    assert request.params["padding"] == ((2, 0),)
    assert "padding=causal" in request.query()
    # A new dilation pads anew: (d*(k-1), 0).
    state = {**request.state(), "dilation": "3"}
    assert request_of(state).params["padding"] == ((6, 0),)
    assert (
        request_of({"input": "9", "padding": "2:0"}).query()
        == "op=conv&input=9&kernel=3&padding=2:0"
    )
