"""``convarith scene``, in process: the JSON is the scene's, its values are PyTorch's; the text form."""

from __future__ import annotations

import json

import numpy as np
import torch
import torch.nn.functional as F

from convarith.cli import main
from convarith.scene.build import scene
from support.cli import run


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


def _scene_json(capsys, *args: str) -> dict:
    code = main(["scene", *args, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.count("\n") == 1  # one JSON object on one line
    return json.loads(out)


def test_scene_json_of_a_transposed_convolution(capsys) -> None:
    data = _scene_json(
        capsys,
        "conv-transpose",
        "--input",
        "2x3",
        "--kernel",
        "3",
        "--stride",
        "2",
        "--padding",
        "1",
        "--output-padding",
        "1",
    )
    assert set(data) == {"op", "input_shape", "output_shape", "params", "grid", "frames"}
    assert data["op"] == "conv_transpose"
    assert data["input_shape"] == [2, 3]
    # o' = (i-1)*2 - 2 + 2 + 1 + 1
    assert data["output_shape"] == [4, 6]
    assert data["params"] == {
        "kernel_size": [3, 3],
        "stride": [2, 2],
        "padding": [[1, 1], [1, 1]],
        "dilation": [1, 1],
        "output_padding": [1, 1],
        "ceil_mode": False,
    }
    # Per axis: stretched (zeros between), d(k-1)-p = 1 zero before, 1 + output_padding after.
    assert data["grid"][0] == {
        "input": [None, 0, None, 1, None, None],
        "kind": ["padding", "input", "inserted", "input", "padding", "padding"],
    }
    assert data["grid"][1]["input"] == [None, 0, None, 1, None, 2, None, None]
    frames = data["frames"]
    assert [f["output"] for f in frames] == [[r, c] for r in range(4) for c in range(6)]
    for f in frames:
        assert len(f["taps"]) == 9
        r, c = f["output"]
        for tap in f["taps"]:
            assert set(tap) == {"kernel", "input", "grid"}
            gr, gc = tap["grid"]
            # Stride 1 over the grid, kernel flipped: grid offset t reads weight k-1-t.
            assert [gr - r, gc - c] == [2 - tap["kernel"][0], 2 - tap["kernel"][1]]
            read = [data["grid"][0]["input"][gr], data["grid"][1]["input"][gc]]
            assert tap["input"] == (None if None in read else read)


def test_scene_json_values_are_torch_conv_transpose(capsys) -> None:
    data = _scene_json(
        capsys,
        "conv-transpose",
        "--input",
        "3",
        "--kernel",
        "2",
        "--stride",
        "3",
        "--dilation",
        "2",
        "--numerical",
        "--seed",
        "7",
    )
    assert data["seed"] == 7
    v = data["values"]
    x = torch.tensor(v["input"], dtype=torch.float64)[None, None]
    w = torch.tensor(v["weights"], dtype=torch.float64)[None, None]
    expected = torch.nn.functional.conv_transpose1d(x, w, stride=3, dilation=2)[0, 0].numpy()
    np.testing.assert_allclose(v["output"], expected, rtol=0, atol=1e-9)
    assert len(v["grid"]) == len(data["grid"][0]["input"])
    assert data["output_shape"] == [len(expected)]


def test_scene_text_and_refusal(capsys) -> None:
    code = main(["scene", "conv-transpose", "--input", "2", "--kernel", "3"])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("conv_transpose: input 2 -> output 4, grid 6, 4 frames")
    assert len(lines) == 5
    code = main(
        ["scene", "conv-transpose", "--input", "2", "--kernel", "3", "--output-padding", "1"]
    )
    _, err = capsys.readouterr()
    assert code == 2 and err.startswith("convarith scene: error: ") and err.count("\n") == 1
