"""A refused value shows the library's one-line message, and the last valid picture stays."""

from __future__ import annotations

from typing import Any

import pytest

import convarith
from convarith.core.arithmetic import configure
from convarith.core.errors import ConvArithError
from convarith.explorer.controls import request_of
from convarith.explorer.limits import check_drawable
from convarith.notebook.widget import ExplorerWidget


def refusal(call: Any) -> str:
    with pytest.raises(ConvArithError) as caught:
        call()
    return str(caught.value)


def test_a_refused_parameter_keeps_the_picture_and_the_numbers(open_widget: Any) -> None:
    front = open_widget("conv", (5, 5), kernel_size=3, stride=2, padding=1)
    picture, info = front.model["svg"], front.model["info"]
    animation = front.widget.animation

    model = front.change(stride="0")
    expected = refusal(
        lambda: convarith.output_shape("conv", (5, 5), kernel_size=3, stride=0, padding=1)
    )
    assert model["error"] == expected == "stride=0 must be at least 1"
    assert "\n" not in model["error"]
    assert model["svg"] == picture and model["info"] == info
    assert front.widget.animation is animation
    assert model["stale"] is True and model["info_stale"] is True

    # Another refusal replaces the message; the picture is still the last valid one.
    model = front.change(stride="2", padding="same")
    assert model["error"] == refusal(
        lambda: convarith.output_shape("conv", (5, 5), kernel_size=3, stride=2, padding="same")
    )
    assert model["svg"] == picture

    # A valid value draws again and clears the message.
    model = front.change(padding="2")
    assert model["error"] == "" and model["stale"] is False and model["info_stale"] is False
    assert (
        model["svg"]
        == convarith.animate("conv", (5, 5), kernel_size=3, stride=2, padding=2)._repr_svg_()
    )
    assert model["info"]["output"] == "4x4"


@pytest.mark.parametrize(
    ("controls", "words"),
    [
        ({"input": "5x"}, "input"),
        ({"kernel": ""}, "kernel"),
        ({"dilation": "-1"}, "dilation"),
        ({"output_padding": "1"}, "output_padding"),
        ({"ceil_mode": "maybe"}, "ceil_mode"),
        ({"seed": "x"}, "seed"),
        ({"view": "sideways"}, "view"),
        ({"theme": "neon"}, "theme"),
        ({"op": "deconv"}, "op"),
    ],
)
def test_every_refusal_names_its_parameter(
    open_widget: Any, controls: dict[str, str], words: str
) -> None:
    front = open_widget()
    picture = front.model["svg"]
    model = front.change(**controls)
    assert model["error"].startswith(words) and "\n" not in model["error"]
    assert model["svg"] == picture and model["stale"] is True


def test_numbers_without_a_picture_get_their_numbers(open_widget: Any) -> None:
    """A state whose sizes are right but whose animation is refused shows the new numbers."""
    front = open_widget()
    picture = front.model["svg"]

    model = front.change(view="scatter")  # the scatter view draws a transposed convolution
    assert model["error"] == refusal(
        lambda: convarith.animate("conv", (5, 5), kernel_size=3, view="scatter")
    )
    assert model["svg"] == picture and model["stale"] is True
    assert model["info_stale"] is False

    model = front.change(view="arithmetic", input="40x40")  # more than the page draws
    assert model["error"] == refusal(
        lambda: check_drawable(configure("conv", (40, 40), kernel_size=3))
    )
    assert model["error"].endswith("ask convarith animate for larger ones")
    assert model["info"]["output"] == "38x38" and model["info_stale"] is False
    assert model["svg"] == picture


@pytest.mark.parametrize(
    ("op", "shape", "params"),
    [
        ("conv", (32, 32), {"kernel_size": 3}),
        ("conv", (33, 31), {"kernel_size": 3}),
        ("conv", (1024,), {"kernel_size": 1}),
        ("conv", (1025,), {"kernel_size": 1}),
        ("conv_transpose", (8, 8), {"kernel_size": 3, "stride": 2}),
        ("conv_transpose", (16, 16), {"kernel_size": 3, "stride": 2}),
        ("conv_transpose", (20, 20), {"kernel_size": 3, "stride": 3}),
    ],
)
def test_the_notebook_draws_what_the_page_draws(
    op: str, shape: tuple[int, ...], params: dict[str, Any]
) -> None:
    """The page's limits hold in the notebook: the same states drawn, the same ones refused."""
    from convarith.explorer.render import page_data
    from convarith.notebook.launch import state_of

    state = state_of(op, shape, **params)
    widget = ExplorerWidget(state)
    try:
        page = page_data(request_of(state))
    except ConvArithError as error:
        assert widget.error == str(error) and widget.svg == ""
    else:
        assert widget.error == "" and len(widget.durations) == page["frames"]


def test_a_3d_input_is_answered_in_numbers(open_widget: Any) -> None:
    front = open_widget()
    model = front.change(input="4x4x4")
    assert model["svg"] == "" and model["durations"] == []
    assert model["error"] == ""
    assert "3-D is answered in numbers" in model["note"]
    assert model["info"]["output"] == "2x2x2"
    assert front.widget.animation is None
    assert model["info"]["worked"] == [
        {"axis": "every axis", "text": "floor((4 + 2*0 - 1*(3 - 1) - 1) / 1) + 1 = 2"}
    ]

    # Back to 2-D: a picture again.
    model = front.change(input="4x4")
    assert (
        model["note"] == ""
        and model["svg"] == convarith.animate("conv", (4, 4), kernel_size=3)._repr_svg_()
    )


def test_a_refusal_before_any_picture_has_none_to_keep(open_widget: Any) -> None:
    front = open_widget("conv", (4, 4, 4))
    model = front.change(kernel="0")
    assert model["error"].startswith("kernel")
    assert model["svg"] == "" and model["stale"] is False
    assert model["info_stale"] is True  # the numbers shown are those of 4x4x4 with kernel 3


def test_an_animation_refused_from_the_start_shows_its_message_and_its_numbers(
    open_widget: Any,
) -> None:
    front = open_widget("conv", (6, 6), kernel_size=3, view="scatter")
    assert front.model["error"] == refusal(
        lambda: convarith.animate("conv", (6, 6), kernel_size=3, view="scatter")
    )
    assert front.model["svg"] == "" and front.model["stale"] is False
    assert front.model["info"]["output"] == "4x4"
