"""``convarith shape``, in process: sizes, formulas and JSON checked against PyTorch modules."""

from __future__ import annotations

import json

import pytest
import torch
import torch.nn.functional as F

from support.cli import run


def torch_conv_shape(
    shape: tuple[int, ...],
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    pads: list[tuple[int, int]],
) -> list[int]:
    """Conv output shape through F.pad + F.convNd (pads per axis as (low, high))."""
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[len(shape)]
    flat: list[int] = []
    for lo, hi in reversed(pads):
        flat += [lo, hi]
    x = F.pad(torch.zeros(1, 1, *shape), flat)
    return list(conv(x, torch.zeros(1, 1, *kernel), stride=stride).shape[2:])


def test_shape_text(capsys):
    code, out, err = run(
        capsys,
        "shape",
        "conv",
        "--input",
        "32x32",
        "--kernel",
        "3",
        "--stride",
        "2",
        "--padding",
        "1",
    )
    assert code == 0 and err == ""
    assert torch_conv_shape((32, 32), (3, 3), (2, 2), [(1, 1)] * 2) == [16, 16]
    assert "input 32x32 -> output 16x16" in out
    assert "o = floor((i + 2p - d(k - 1) - 1) / s) + 1" in out
    assert "floor((32 + 2*1 - 1*(3 - 1) - 1) / 2) + 1 = 16" in out  # the formula with numbers
    assert "relationship 6 of the guide" in out
    assert "Good to know:" in out
    assert "input sizes 31..32 all give 16" in out
    assert "--output-padding 1 maps 16x16 back to 32x32" in out


def test_shape_text_per_axis_and_transposed(capsys):
    code, out, _ = run(
        capsys,
        "shape",
        "conv-transpose",
        "--input",
        "3x4",
        "--kernel",
        "3x2",
        "--stride",
        "2",
        "--padding",
        "1x0",
        "--output-padding",
        "1x0",
    )
    y = F.conv_transpose2d(
        torch.zeros(1, 1, 3, 4),
        torch.zeros(1, 1, 3, 2),
        stride=2,
        padding=(1, 0),
        output_padding=(1, 0),
    )
    assert code == 0
    assert f"-> output {y.shape[2]}x{y.shape[3]}" in out
    assert "height:" in out and "width:" in out
    assert "(3 - 1)*2 - 2*1 + 1*(3 - 1) + 1 + 1 = 6" in out
    assert "relationship 14" in out and "relationship 12" in out
    assert "Equivalent direct convolution" in out


@pytest.mark.parametrize(
    ("args", "shape", "kernel", "stride", "pads"),
    [
        (
            ["--input", "9x7", "--kernel", "3x2", "--stride", "2x1"],
            (9, 7),
            (3, 2),
            (2, 1),
            [(0, 0), (0, 0)],
        ),
        (
            ["--input", "7x6", "--kernel", "3x2", "--padding", "same"],
            (7, 6),
            (3, 2),
            (1, 1),
            [(1, 1), (0, 1)],
        ),
        # TensorFlow's SAME: output ceil(i/s), odd zero at the end.
        (
            ["--input", "6x5", "--kernel", "3", "--stride", "2", "--padding", "same_tf"],
            (6, 5),
            (3, 3),
            (2, 2),
            [(0, 1), (1, 1)],
        ),
        (["--input", "6", "--kernel", "4", "--padding", "1:2"], (6,), (4,), (1,), [(1, 2)]),
        (
            ["--input", "6x6", "--kernel", "4", "--padding", "1:2x0"],
            (6, 6),
            (4, 4),
            (1, 1),
            [(1, 2), (0, 0)],
        ),
        (
            ["-i", "5x6x7", "-k", "3", "-s", "2", "-p", "1"],
            (5, 6, 7),
            (3, 3, 3),
            (2, 2, 2),
            [(1, 1)] * 3,
        ),
    ],
)
def test_shape_json(capsys, args, shape, kernel, stride, pads):
    code, out, err = run(capsys, "shape", "conv", *args, "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["op"] == "conv"
    assert data["input"] == list(shape)
    assert all(type(n) is int for n in data["input"] + data["output"])
    assert data["output"] == torch_conv_shape(shape, kernel, stride, pads)
    assert data["params"]["padding"] == [list(p) for p in pads]
    assert len(data["axes"]) == len(shape)


@pytest.mark.parametrize(
    ("op", "args", "module"),
    [
        (
            "max-pool",
            ["--input", "5", "--kernel", "2", "--ceil-mode"],
            torch.nn.MaxPool1d(2, ceil_mode=True),
        ),
        (
            "max_pool",
            [
                "--input",
                "9x9",
                "--kernel",
                "3",
                "--stride",
                "2",
                "--padding",
                "1",
                "--dilation",
                "2",
            ],
            torch.nn.MaxPool2d(3, 2, 1, dilation=2),
        ),
        (
            "avg-pool",
            [
                "--input",
                "7x6",
                "--kernel",
                "3",
                "--padding",
                "1",
                "--no-count-include-pad",
                "--divisor-override",
                "2",
                "--ceil-mode",
            ],
            torch.nn.AvgPool2d(
                3, padding=1, ceil_mode=True, count_include_pad=False, divisor_override=2
            ),
        ),
        (
            "conv-transpose",
            ["--input", "16", "--kernel", "4", "--stride", "2", "--padding", "1"],
            torch.nn.ConvTranspose1d(1, 1, 4, 2, 1),
        ),
    ],
)
def test_shape_json_other_ops(capsys, op, args, module):
    code, out, _ = run(capsys, "shape", op, *args, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["op"] == op.replace("-", "_")
    x = torch.zeros(1, 1, *data["input"])
    assert data["output"] == list(module(x).shape[2:])


# --------------------------------------------------------------------------- bounded output, CLI spelling


def test_huge_stride_prints_ranges_not_lists(capsys):
    import tracemalloc

    tracemalloc.start()
    try:
        code, out, err = run(
            capsys,
            "shape",
            "conv-transpose",
            "--input",
            "5",
            "--kernel",
            "3",
            "--stride",
            "100000000",
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert code == 0 and err == ""
    assert peak < 2_000_000 and len(out) < 2000
    assert "--output-padding may be 0..99999999: outputs 400000003..500000002" in out
    code, out, _ = run(
        capsys,
        "shape",
        "conv-transpose",
        "--input",
        "5",
        "--kernel",
        "3",
        "--stride",
        "100000000",
        "--json",
    )
    data = json.loads(out)
    assert data["output_padding_choices"] == [
        {
            "output_padding": {"min": 0, "max": 99999999},
            "output": {"min": 400000003, "max": 500000002},
        }
    ]
    assert data["axes"][0]["same_output_input_sizes"] == {"min": 5, "max": 5}
    assert len(out) < 4000


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["conv", "--input", "1" * 10000, "--kernel", "3"], "--input '1111"),
        (["conv", "--input", "5", "--kernel", "x".join(["3"] * 5000)], "--kernel '3x3x3"),
        (["conv", "--input", "5", "--kernel", "3", "--stride", "9" * 30], "at most 9223372036854775807"),
        (["conv", "--input", "5", "--kernel", "3", "--padding", "1:" + "2" * 5000], "--padding '1:222"),
        (["conv-tra" + "n" * 5000, "--input", "5", "--kernel", "3"], "OP 'conv-tran"),
    ],
)  # fmt: skip
def test_long_input_is_refused_in_a_short_line(capsys, args, words):
    code, out, err = run(capsys, "shape", *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and len(err) < 300, err
    assert words in err, err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["conv-transpose", "-i", "5", "-k", "3", "-s", "2", "--output-padding", "2"],
            "--output-padding 2 must be smaller than --stride 2 or --dilation 1",
        ),
        (
            ["conv", "-i", "5", "-k", "3", "--output-padding", "1"],
            "--output-padding 1 does not apply to conv: only conv-transpose has --output-padding",
        ),
        (
            ["conv-transpose", "-i", "5", "-k", "3", "-p", "same"],
            "--padding same applies only to conv; PyTorch's conv-transpose takes numbers",
        ),
        (["conv", "-i", "5x5", "-k", "3x3x3"], "--kernel 3x3x3 has 3 values; the input has 2 axes"),
        (["max-pool", "-i", "5", "-k", "2", "-p", "2"], "--padding 2 must be at most half of --kernel 2"),
        (["conv", "-i", "5", "-k", "3", "--ceil-mode"], "--ceil-mode does not apply to conv"),
        (["conv", "-i", "5x0", "-k", "3"], "--input 5x0 must hold sizes of at least 1"),
    ],
)  # fmt: skip
def test_messages_use_the_command_line_spelling(capsys, args, message):
    code, _, err = run(capsys, "shape", *args)
    assert code == 2
    assert err.startswith(f"convarith shape: error: {message}"), err
    assert "_transpose" not in err and "output_padding" not in err and "kernel_size" not in err
