"""``convarith stack``, in process: the table and the JSON checked against a PyTorch stack."""

from __future__ import annotations

import json

import pytest
import torch

from support.cli import run

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


def test_named_layers_keep_their_type_and_the_documented_keys(capsys):
    code, out, _ = run(
        capsys,
        "stack",
        "--input",
        "8",
        "conv k=3 name=enc",
        "conv-transpose k=3 s=2 a=1 name=up",
        "max-pool k=2 ceil",
    )
    assert code == 0
    rows = out.splitlines()[3:]
    assert rows[0].split()[1:3] == ["enc", "(conv)"]
    assert rows[1].split()[1:3] == ["up", "(conv-transpose)"]
    assert "a=1" in rows[1] and "op=" not in out
    assert rows[2].split()[1] == "max-pool" and "ceil" in rows[2]


@pytest.mark.parametrize(
    ("layers", "message"),
    [
        (["conv k=3", "conv-transpose k=3 s=2 a=2 name=up"], "layer 2 (up, conv-transpose) on 6: a=2 must be smaller than s=2 or d=1"),
        (["conv k=9"], "layer 1 (conv) on 8: k=9 spans 9 cells"),
        (["max-pool k=2 p=2"], "layer 1 (max-pool) on 8: p=2 must be at most half of k=2"),
        (["conv k=3 g=2 name=enc"], "layer 1 (enc, conv): 3 incoming channels must be divisible by g=2"),
    ],
)  # fmt: skip
def test_stack_messages_use_the_layer_keys(capsys, layers, message):
    code, out, err = run(capsys, "stack", "--input", "8", "--channels", "3", *layers)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(f"convarith stack: error: {message}"), err


def test_long_stacks_and_huge_parameters(capsys, tmp_path):
    path = tmp_path / "layers.txt"
    path.write_text("conv k=3 s=2 p=1\n" * 8000)
    code, out, _ = run(capsys, "stack", "--input", "64", "--file", str(path))
    assert code == 0
    last = out.splitlines()[-1].split()
    assert last[0] == "8000" and last[-2:] == ["3.4753e+2408", "1.7376e+2408"]
    big = "100000000"
    code, out, _ = run(
        capsys,
        "stack",
        "--input",
        "5",
        f"conv-transpose k=3 s={big}",
        f"conv k=3 d={big} p={big}",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert [layer["receptive_field"] for layer in data["layers"]] == [[1], [3]]
    assert [layer["jump"] for layer in data["layers"]] == [["1/100000000"], ["1/100000000"]]
