"""Library inputs as the command line checks them: numpy numbers anywhere a Python one goes.

Every public function takes numpy integers (and numpy arrays as shapes or
per-axis values) and gives the same answer as for Python ints; ``scale`` takes
numpy floats.  Bools stay refused, numpy's too.  Messages echo what was given
briefly: a 10,000-digit number, a long list or a long string is cut with an
ellipsis, and nothing beyond PyTorch's 64-bit integers is taken.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import convarith
from convarith import ConvArithError
from convarith.core.limits import MAX_SIZE, check_scale
from convarith.core.stack import Layer, analyze_stack

# Not convarith.scene: once the package convarith.scene is imported, that name is the package.
from convarith.scenes.build import scene

INTS = [np.int64, np.int32, np.int16, np.uint8, np.intp]

#: Public functions of one configuration: (name, call(shape, params)).
CALLS = [
    ("output_shape", lambda shape, p: convarith.output_shape("conv_transpose", shape, **p)),
    ("configure", lambda shape, p: convarith.configure("conv_transpose", shape, **p)),
    ("describe", lambda shape, p: convarith.describe("conv_transpose", shape, **p).to_dict()),
    ("relationship", lambda shape, p: convarith.relationship("conv_transpose", shape, **p)),
    ("equivalent", lambda shape, p: convarith.equivalent_direct_conv(shape, **p)),
    ("same_sizes", lambda shape, p: convarith.same_output_sizes("conv_transpose", shape, **p)),
    ("unread", lambda shape, p: convarith.unread_cells("conv_transpose", shape, **p)),
    ("scene", lambda shape, p: scene("conv_transpose", shape, **p).to_dict()),
]


def python_params() -> tuple[tuple[int, ...], dict[str, Any]]:
    return (3, 4), {
        "kernel_size": (3, 2),
        "stride": 2,
        "padding": ((1, 0), 1),
        "dilation": (1, 2),
        "output_padding": (1, 0),
    }


def numpy_params(kind: type) -> tuple[Any, dict[str, Any]]:
    return np.array([3, 4], dtype=kind), {
        "kernel_size": np.array([3, 2], dtype=kind),
        "stride": kind(2),
        "padding": (np.array([1, 0], dtype=kind), kind(1)),
        "dilation": [kind(1), kind(2)],
        "output_padding": np.array([1, 0], dtype=kind),
    }


@pytest.mark.parametrize("kind", INTS, ids=lambda k: k.__name__)
@pytest.mark.parametrize(("name", "call"), CALLS, ids=[n for n, _ in CALLS])
def test_numpy_integers_give_the_same_answers(name, call, kind):
    shape, params = python_params()
    expected = call(shape, params)
    got = call(*numpy_params(kind))
    assert got == expected
    if name == "configure":
        assert all(type(n) is int for n in (*got.input_shape, *got.output_shape))
        assert all(type(v) is int for a in got.axes for v in a._values())


def test_numpy_pooling_flags_and_divisor():
    py = convarith.describe(
        "avg_pool",
        (7, 6),
        kernel_size=3,
        padding=1,
        ceil_mode=True,
        count_include_pad=False,
        divisor_override=2,
    )
    npy = convarith.describe(
        "avg_pool",
        np.array([7, 6]),
        kernel_size=np.int8(3),
        padding=np.uint16(1),
        ceil_mode=np.bool_(True),
        count_include_pad=np.False_,
        divisor_override=np.int64(2),
    )
    assert npy.to_dict() == py.to_dict()


def test_numpy_target_and_restoring_padding():
    assert convarith.padding_for_output(
        "conv", np.array([32, 32]), np.array([16, 16]), kernel_size=np.int64(3), stride=np.int8(2)
    ) == convarith.padding_for_output("conv", (32, 32), (16, 16), kernel_size=3, stride=2)
    assert convarith.restoring_output_padding(
        np.array([6, 5]), kernel_size=np.int32(3), stride=np.int64(2), padding=np.int64(1)
    ) == (1, 0)


def test_numpy_stacks_channels_and_groups():
    layers = [
        {"op": "conv", "kernel_size": 3, "padding": 1, "out_channels": 8, "groups": 2},
        Layer("conv_transpose", {"kernel_size": 4, "stride": 2}, in_channels=8, out_channels=4),
    ]
    numpy_layers = [
        {
            "op": "conv",
            "kernel_size": np.int64(3),
            "padding": np.int8(1),
            "out_channels": np.int64(8),
            "groups": np.int32(2),
        },
        Layer(
            "conv_transpose",
            {"kernel_size": np.int64(4), "stride": np.array([2])},
            in_channels=np.int16(8),
            out_channels=np.uint8(4),
        ),
    ]
    expected = analyze_stack((16, 16), layers, in_channels=4).to_dict()
    got = analyze_stack(np.array([16, 16]), numpy_layers, in_channels=np.int64(4)).to_dict()
    assert got == expected
    assert all(type(layer["groups"]) is int for layer in got["layers"])


@pytest.mark.parametrize(
    "scale", [np.float64(2.5), np.float32(2.5), np.int64(2), np.float16(0.5), 2.5, 2]
)
def test_numpy_scales(scale):
    assert check_scale(scale) == float(scale)
    assert type(check_scale(scale)) is float


@pytest.mark.parametrize("scale", [np.bool_(True), True, np.float64("nan"), np.float32(25), "2"])
def test_scales_refused_whatever_their_type(scale):
    with pytest.raises(ConvArithError, match=r"^scale=.* must be a number between 0\.1 and 20$"):
        check_scale(scale)


def test_numpy_seed_gives_the_same_values():
    py = scene("conv", (4, 4), kernel_size=3, numerical=True, seed=7)
    npy = scene("conv", (4, 4), kernel_size=3, numerical=True, seed=np.int64(7))
    assert npy.to_dict() == py.to_dict() and type(npy.seed) is int


@pytest.mark.parametrize("seed", [True, np.bool_(False), -1, np.int64(-3), 1.5, "3"])
def test_bad_seeds_refused(seed):
    with pytest.raises(ConvArithError, match=r"^seed=.* must be a non-negative int$"):
        scene("conv", (4, 4), kernel_size=3, numerical=True, seed=seed)


@pytest.mark.parametrize(
    ("params", "rule"),
    [
        ({"kernel_size": True}, r"^kernel_size=True must be an int or one int per axis, not a bool$"),
        ({"kernel_size": np.bool_(True)}, r"^kernel_size=True .*not a bool$"),
        ({"kernel_size": 3, "stride": np.array([True, True])}, r"^stride=True .*not a bool$"),
        ({"kernel_size": np.float64(3.0)}, r"^kernel_size=3\.0 must be an int or one int per axis$"),
        ({"kernel_size": 3, "padding": np.float32(1)}, r"^padding=1\.0 must be an int"),
    ],
)  # fmt: skip
def test_bools_and_floats_stay_refused(params, rule):
    with pytest.raises(ConvArithError, match=rule):
        convarith.output_shape("conv", (5, 5), **params)


# --------------------------------------------------------------------------- brief messages


@pytest.mark.parametrize(
    ("call", "shown"),
    [
        (lambda: convarith.output_shape("conv", (5,), kernel_size=10**10000), "10000000…(10001 digits)"),
        (lambda: convarith.output_shape("conv", (10**10000,), kernel_size=3), "10000000…(10001 digits)"),
        (lambda: convarith.output_shape("conv", (5,), kernel_size=3, stride=[1] * 10**6), "… 1000000 items)"),
        (lambda: convarith.output_shape("conv", [5] * 10**6, kernel_size=3), "… 1000000 items]"),
        (lambda: convarith.output_shape("conv" * 10**5, (5,), kernel_size=3), "convconvconvconv…'"),
        (lambda: convarith.output_shape("conv", (5,), kernel_size=3, **{"x" * 10**5: 1}), "xxxx…"),
        (lambda: convarith.output_shape("conv", (5,), kernel_size=3, padding="s" * 10**5), "ssss…'"),
        (lambda: analyze_stack((5,), [{"op": "conv", "kernel_size": 3, "name": "n" * 10**5}] * 2 + [{"op": "conv", "kernel_size": 9, "name": "n" * 10**5}]), "nnnn…"),
        (lambda: check_scale(10**10000), "10000000…(10001 digits)"),
    ],
)  # fmt: skip
def test_long_input_is_echoed_briefly(call, shown):
    with pytest.raises(ConvArithError) as info:
        call()
    message = str(info.value)
    assert shown in message
    assert len(message) < 400 and "\n" not in message


def test_sizes_beyond_64_bits_are_refused():
    with pytest.raises(ConvArithError, match=rf"^kernel_size=.* must be at most {MAX_SIZE} "):
        convarith.output_shape("conv", (5,), kernel_size=MAX_SIZE + 1)
    with pytest.raises(ConvArithError, match=r"gives an output of .* cells, more than"):
        convarith.output_shape("conv_transpose", (2**62,), kernel_size=3, stride=4)
    assert convarith.output_shape("conv", (MAX_SIZE,), kernel_size=1) == (MAX_SIZE,)


def test_size_formulas_take_numpy_integers_without_overflow():
    from convarith.core.arithmetic import (
        conv_output_size,
        pool_output_size,
        same_tf_padding,
        transposed_output_size,
    )

    big = np.int64(2**62)
    got = transposed_output_size(big, np.int64(3), np.int64(4))
    assert got == (2**62 - 1) * 4 + 3 and type(got) is int  # int64 arithmetic would wrap
    assert conv_output_size(np.int32(5), np.int8(3), np.int64(2), np.uint8(1), np.uint8(1)) == 3
    assert pool_output_size(np.int16(5), np.int16(2), np.int16(2), ceil_mode=True) == 3
    assert same_tf_padding(np.int64(6), np.int64(3), np.int64(2)) == (0, 1)
