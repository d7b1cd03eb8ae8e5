"""The command line, in-process through ``convarith.cli.main`` (and once as ``python -m convarith``).

Sizes printed are checked against PyTorch modules; bad input must give exit
status 2 and exactly one line on stderr, ``convarith <command>: error: ...``,
with nothing on stdout and no traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch
import torch.nn.functional as F

from convarith.cli import COMMANDS, main
from convarith.scene.build import scene


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


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


# --------------------------------------------------------------------------- shape


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
    assert "output_padding=1 maps 16x16 back to 32x32" in out


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


# --------------------------------------------------------------------------- stack


STACK = [
    "conv k=7 s=2 p=3 c=64",
    "max-pool k=3 s=2 p=1",
    "conv k=3 p=1 c=64 g=2",
    "conv-transpose k=4 s=2 p=1 a=1 c=32",
]


def torch_stack_shapes() -> list[tuple[int, ...]]:
    seq = torch.nn.Sequential(
        torch.nn.Conv2d(3, 64, 7, 2, 3),
        torch.nn.MaxPool2d(3, 2, 1),
        torch.nn.Conv2d(64, 64, 3, padding=1, groups=2),
        torch.nn.ConvTranspose2d(64, 32, 4, 2, 1, output_padding=1),
    )
    x = torch.zeros(1, 3, 64, 48)
    shapes = []
    for m in seq:
        x = m(x)
        shapes.append(tuple(x.shape[1:]))
    return shapes


def test_stack_table(capsys):
    code, out, err = run(capsys, "stack", "--input", "64x48", "--channels", "3", *STACK)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["#", "layer", "parameters"]
    assert "receptive field" in lines[0] and "jump" in lines[0]
    rows = lines[3:]
    assert len(rows) == len(STACK)
    for row, (c, h, w) in zip(rows, torch_stack_shapes()):
        assert f"{c}x{h}x{w}" in row.split()
    assert rows[0].split()[-2:] == ["7x7", "2"]
    assert rows[1].split()[-2:] == ["11x11", "4"]
    assert "g=2" in rows[2]


def test_stack_json_and_file_agree(capsys, tmp_path):
    code, out, _ = run(capsys, "stack", "--input", "64x48", "--channels", "3", *STACK, "--json")
    assert code == 0
    data = json.loads(out)
    shapes = torch_stack_shapes()
    assert [[layer["out_channels"], *layer["output"]] for layer in data["layers"]] == [
        list(s) for s in shapes
    ]
    assert data["output"] == list(shapes[-1][1:]) and data["out_channels"] == shapes[-1][0]
    # Strides 2, 2, 1, then a transposed 2: the jump halves.
    assert [layer["jump"] for layer in data["layers"]] == [
        ["2", "2"],
        ["4", "4"],
        ["4", "4"],
        ["2", "2"],
    ]
    path = tmp_path / "layers.txt"
    path.write_text(
        "# a ResNet-like stem\n" + STACK[0] + "\n\n" + "\n".join(STACK[1:]) + "  # up\n"
    )
    code, from_file, _ = run(
        capsys, "stack", "--input", "64x48", "--channels", "3", "--file", str(path), "--json"
    )
    assert code == 0
    assert json.loads(from_file) == data


def test_stack_padding_forms(capsys):
    code, out, _ = run(
        capsys,
        "stack",
        "--input",
        "9",
        "conv k=4 p=1:2",
        "conv k=3 s=2 p=same_tf",
        "conv k=3 p=same",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert [layer["output"] for layer in data["layers"]] == [[9], [5], [5]]


# --------------------------------------------------------------------------- scene


def test_scene_json(capsys):
    code, out, err = run(
        capsys,
        "scene",
        "conv-transpose",
        "--input",
        "2x2",
        "--kernel",
        "3",
        "--stride",
        "2",
        "--json",
    )
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["op"] == "conv_transpose"
    assert data["input_shape"] == [2, 2] and data["output_shape"] == [5, 5]
    assert len(data["frames"]) == 25
    assert data == json.loads(
        json.dumps(scene("conv_transpose", (2, 2), kernel_size=3, stride=2).to_dict())
    )
    first = data["frames"][0]
    assert first["output"] == [0, 0]
    assert {"kernel": [0, 0], "input": [0, 0]}.items() <= next(
        t for t in first["taps"] if t["input"] is not None
    ).items()


def test_scene_numerical_json(capsys):
    code, out, _ = run(
        capsys,
        "scene",
        "conv",
        "--input",
        "5",
        "--kernel",
        "3",
        "--numerical",
        "--seed",
        "7",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    x = torch.tensor(data["values"]["input"], dtype=torch.float64)
    w = torch.tensor(data["values"]["weights"], dtype=torch.float64)
    assert data["values"]["output"] == F.conv1d(x[None, None], w[None, None])[0, 0].tolist()
    assert data["seed"] == 7


def test_scene_text(capsys):
    code, out, _ = run(capsys, "scene", "conv-transpose", "--input", "2", "--kernel", "3")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("conv_transpose: input 2 -> output 4")
    assert len(lines) == 1 + 4


# --------------------------------------------------------------------------- errors


BAD = [
    ("shape", ["convo", "--input", "5", "--kernel", "3"]),  # unknown op
    ("shape", ["conv", "--input", "5", "--kernel", "7"]),  # kernel too big
    (
        "shape",
        ["conv", "--input", "5", "--kernel", "3", "--dilation", "3"],
    ),  # dilated kernel too big
    (
        "shape",
        [
            "conv-transpose",
            "--input",
            "5",
            "--kernel",
            "3",
            "--stride",
            "2",
            "--output-padding",
            "2",
        ],
    ),
    ("shape", ["conv", "--input", "5xx", "--kernel", "3"]),  # bad sizes
    ("shape", ["conv", "--input", "5", "--kernel", "3x"]),
    ("shape", ["conv", "--input", "0", "--kernel", "1"]),
    ("shape", ["conv", "--input", "5", "--kernel", "3", "--padding", "1:x"]),
    ("shape", ["conv", "--input", "5", "--kernel", "3", "--padding", "same", "--stride", "2"]),
    ("shape", ["conv", "--input", "5", "--kernel", "3x3"]),  # too many values
    ("shape", ["conv", "--input", "5", "--kernel", "3", "--ceil-mode"]),  # does not apply
    ("shape", ["max-pool", "--input", "5", "--kernel", "2", "--padding", "2"]),
    ("shape", ["conv", "--kernel", "3"]),  # missing --input
    ("shape", ["conv", "--input", "5"]),  # missing --kernel
    ("shape", []),
    ("stack", ["--input", "8", "conv k=3 z=2"]),  # unknown stack key
    ("stack", ["--input", "8", "conv k"]),
    ("stack", ["--input", "8", "conv k=9"]),
    ("stack", ["--input", "8"]),  # no layers
    ("stack", ["conv k=3"]),  # missing --input
    ("stack", ["--input", "8", "--channels", "3", "conv k=3 g=2"]),
    ("stack", ["--input", "8", "--channels", "4", "conv k=3 in=3"]),
    ("scene", ["conv", "--input", "5", "--kernel", "9"]),
    ("scene", ["conv", "--input", "5x", "--kernel", "3"]),
    ("scene", ["max-pool", "--input", "5"]),
]


@pytest.mark.parametrize(("command", "args"), BAD)
def test_bad_input_is_one_line_and_status_2(capsys, command, args):
    code, out, err = run(capsys, command, *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert err.startswith(f"convarith {command}: error: "), err
    assert "Traceback" not in err


def test_unknown_command(capsys):
    code, out, err = run(capsys, "bogus")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("convarith: error:")


def test_unknown_option_names_the_command(capsys):
    code, out, err = run(capsys, "shape", "conv", "--input", "5", "--kernel", "3", "--bogus")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("convarith shape: error: ")


def test_negative_seed_is_bad_input(capsys):
    code, out, err = run(
        capsys, "scene", "conv", "--input", "3", "--kernel", "3", "--numerical", "--seed", "-1"
    )
    assert code == 2 and out == "" and err.startswith("convarith scene: error: ")


def test_huge_input_size_is_not_a_traceback(capsys):
    code, out, err = run(
        capsys, "shape", "conv", "--input", "99999999999999999999", "--kernel", "3"
    )
    assert code in (0, 2)
    assert (out == "") == (code == 2)
    assert "Traceback" not in err


def test_missing_layer_file_is_bad_input(capsys, tmp_path):
    code, out, err = run(capsys, "stack", "--input", "8", "--file", str(tmp_path / "nope.txt"))
    assert out == "" and err.count("\n") == 1 and err.startswith("convarith stack: error: ")
    assert code == 2


# --------------------------------------------------------------------------- help


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_help_of_every_command(capsys, command):
    code, out, err = run(capsys, command, "--help")
    assert code == 0 and err == ""
    assert "examples:" in out
    assert f"convarith {command}" in out.split("examples:", 1)[1]


def test_top_level_help(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "examples:" in out
    for command in COMMANDS:
        assert command in out


def test_python_dash_m(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "convarith",
            "shape",
            "conv",
            "--input",
            "5",
            "--kernel",
            "3",
            "--stride",
            "2",
            "--padding",
            "1",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["output"] == [3]
    bad = subprocess.run(
        [sys.executable, "-m", "convarith", "shape", "conv", "--input", "5", "--kernel", "9"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.startswith("convarith shape: error: ") and bad.stderr.count("\n") == 1
