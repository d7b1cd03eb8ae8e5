"""Style values are checked when the animation is made, as the command line checks them.

Every field, with bad values of every kind, through ``convarith.animate``:
one line of ``ConvArithError`` naming the field and its value, never a
``TypeError`` or ``IndexError`` later, never a figure drawn from it.  numpy
numbers pass wherever Python numbers do; strings are never booleans.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import convarith
from convarith.core.errors import ConvArithError
from convarith.draw.style import THEMES, Style

COLORS = (
    "input_color",
    "output_color",
    "line_color",
    "shade_color",
    "text_color",
    "label_color",
    "value_color",
    "kernel_color",
    "mark_color",
)
BAD_COLORS = [
    "fast",
    "#12345",
    "#ggg",
    "1,2",
    "300,0,0",
    (1, 2),
    (1, 2, 3, 4),
    (1, 2, 300),
    (-1, 0, 0),
    (1.5, 2, 3),
    (np.float64(1.0), 2, 3),
    (True, 0, 0),
    5,
    5.0,
    b"abc",
    {"r": 1, "g": 2, "b": 3},
    {1, 2, 3},
    [[1, 2, 3]],
    ("1", "2", "3"),
    np.array([1.5, 2, 3]),
]
BAD = {
    **{name: [*BAD_COLORS, None] for name in COLORS},
    "background": BAD_COLORS,
    "shade_opacity": ["0.4", -0.1, 1.5, math.nan, math.inf, True, None, [0.4], np.float64(2)],
    "cell": ["30", 2, 401, math.nan, -math.inf, True, np.bool_(True), [30], (30,), np.float64(3)],
    "frame_ms": ["1000", 5, 60_001, 10.5, 1000.0, np.float64(500), True, None, [1000]],
    "pause_ms": ["0", -1, 600_001, 1.5, True, None, np.int64(-5)],
    **{
        name: ["no", "False", "", 0, 1, None, 1.0, np.int64(1)]
        for name in ("labels", "caption", "loop")
    },
}
GOOD = {
    "input_color": [
        (1, 2, 3),
        [1, 2, 3],
        np.array([1, 2, 3]),
        (np.int64(1), np.uint8(2), 3),
        "#010203",
        "#123",
        " 1,2,3 ",
    ],
    "background": [None, "none", "transparent", (9, 9, 9)],
    "shade_opacity": [0, 1, np.float32(0.25), np.int64(1)],
    "cell": [None, 4, 400, 20.5, np.float64(20), np.int32(20)],
    "frame_ms": [10, 60_000, np.int64(500), np.int16(250)],
    "pause_ms": [0, np.uint16(7)],
    "labels": [True, False, np.bool_(False)],
    "loop": [np.True_],
}
CASES = [(field, value) for field, values in BAD.items() for value in values]


def _animate(**style: object) -> convarith.Animation:
    return convarith.animate("conv", (4, 4), kernel_size=3, **style)


@pytest.mark.parametrize(("field", "value"), CASES, ids=[f"{f}-{v!r}" for f, v in CASES])
def test_bad_style_values_are_refused_when_the_animation_is_made(field: str, value: object) -> None:
    with pytest.raises(ConvArithError) as info:
        _animate(**{field: value})
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{field}=")
    assert "must be" in message
    # The same rule when a style is built or changed directly.
    with pytest.raises(ConvArithError, match=f"^{field}="):
        Style(**{field: value})
    with pytest.raises(ConvArithError, match=f"^{field}="):
        THEMES["dark"].updated(**{field: value})


GOOD_CASES = [(field, value) for field, values in GOOD.items() for value in values]


@pytest.mark.parametrize(("field", "value"), GOOD_CASES, ids=[f"{f}-{v!r}" for f, v in GOOD_CASES])
def test_good_style_values_pass_as_plain_python_values(field: str, value: object) -> None:
    anim = _animate(**{field: value})
    kept = getattr(anim.style, field)
    assert type(kept) in (tuple, int, float, bool, type(None))
    if isinstance(kept, tuple):
        assert all(type(c) is int for c in kept)
    anim.figure  # noqa: B018  # and a figure is drawn from them


def test_colours_are_read_as_the_command_line_reads_them() -> None:
    style = _animate(input_color="#268bd2", output_color="42,161,152", background="#fff").style
    assert style.input_color == (38, 139, 210)
    assert style.output_color == (42, 161, 152)
    assert style.background == (255, 255, 255)


def test_unknown_fields_are_refused_in_one_line() -> None:
    with pytest.raises(ConvArithError, match=r"^colour=.* is no style field"):
        Style().updated(colour=(1, 2, 3))


def test_original_theme_is_the_original_look() -> None:
    original = THEMES["original"]
    assert not original.labels and not original.caption
    assert original.background == (255, 255, 255)
    assert (original.input_color, original.output_color) == ((38, 139, 210), (42, 161, 152))
    figure = convarith.animate("conv", (5, 5), kernel_size=3, padding=1, theme="original").figure
    texts = [
        p
        for layer in figure.layers
        for prims in ([layer.primitives] if hasattr(layer, "primitives") else layer.frames)
        for p in prims
        if hasattr(p, "text")
    ]
    assert texts == []
