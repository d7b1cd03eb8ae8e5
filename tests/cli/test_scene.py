"""``convarith scene``, in process: the JSON is the scene's, its values are PyTorch's; the text form."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convarith.cli import main
from convarith.scenes.build import scene
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
    assert lines[0].startswith("conv-transpose: input 2 -> output 4")
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
    assert lines[0].startswith("conv-transpose: input 2 -> output 4, grid 6, 4 frames")
    assert len(lines) == 5
    code = main(
        ["scene", "conv-transpose", "--input", "2", "--kernel", "3", "--output-padding", "1"]
    )
    _, err = capsys.readouterr()
    assert code == 2 and err.startswith("convarith scene: error: ") and err.count("\n") == 1
    # The command line's spelling: the option the user typed, the operation as they wrote it.
    assert "--output-padding 1 must be smaller than --stride 1" in err
    assert "output_padding" not in err and "conv_transpose" not in err


# --------------------------------------------------------------------------- the text form


def _frame_lines(capsys, *args: str) -> tuple[list[str], dict]:
    """The per-frame lines of ``convarith scene`` text, and the same scene's JSON with values."""
    code = main(["scene", *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = _scene_json(capsys, *args, "--numerical", "--seed", "3")
    return [line.split(" = ", 1)[1] for line in out.splitlines()[1:]], data


def _evaluate(formula: str, x: list, w: list | None) -> float:
    """A frame's formula with the scene's values put in: x[..] and w[..] index them."""
    import math
    import re

    def value(table: list, index: str) -> str:
        for n in json.loads(index):
            table = table[n]
        return repr(float(table))

    text = re.sub(r"x(\[[0-9, ]+\])", lambda m: value(x, m.group(1)), formula)
    if w is not None:
        text = re.sub(r"w(\[[0-9, ]+\])", lambda m: value(w, m.group(1)), text)
    assert re.fullmatch(r"(?:[-0-9.e+*/(), ]|max|mean)+", text), text
    return float(
        eval(
            text,
            {"__builtins__": {}},
            {"max": lambda *v: max(v), "mean": lambda *v: math.fsum(v) / len(v)},
        )
    )


def test_scene_text_joins_products_with_plus(capsys) -> None:
    lines, data = _frame_lines(capsys, "conv", "--input", "4x3", "--kernel", "2", "--padding", "1")
    assert lines[0] == "w[0, 0]*0 + w[0, 1]*0 + w[1, 0]*0 + w[1, 1]*x[0, 0]"
    v = data["values"]
    outputs = [cell for row in v["output"] for cell in row]
    assert [_evaluate(line, v["input"], v["weights"]) for line in lines] == outputs


def test_scene_text_of_a_transposed_convolution_is_its_output(capsys) -> None:
    lines, data = _frame_lines(
        capsys, "conv-transpose", "--input", "3", "--kernel", "3", "--stride", "2", "--padding", "1"
    )
    v = data["values"]
    assert [_evaluate(line, v["input"], v["weights"]) for line in lines] == v["output"]


@pytest.mark.parametrize(
    "args",
    [
        ["max-pool", "--input", "5x4", "--kernel", "2", "--padding", "1", "--ceil-mode"],
        ["max-pool", "--input", "7", "--kernel", "3", "--stride", "2", "--dilation", "2"],
        ["avg-pool", "--input", "5x4", "--kernel", "3", "--padding", "1", "--stride", "2"],
        ["avg-pool", "--input", "5", "--kernel", "3", "--padding", "1", "--stride", "2",
         "--ceil-mode"],
        ["avg-pool", "--input", "6", "--kernel", "3", "--padding", "1", "--stride", "2",
         "--ceil-mode", "--no-count-include-pad"],
    ],
)  # fmt: skip
def test_pooling_scene_text_shows_max_or_mean_and_gives_torchs_output(capsys, args) -> None:
    lines, data = _frame_lines(capsys, *args)
    v = data["values"]
    assert all(line.startswith("max(" if args[0] == "max-pool" else "mean(") for line in lines)
    assert not any("w[" in line for line in lines)
    got = [_evaluate(line, v["input"], None) for line in lines]
    expected = np.asarray(v["output"], dtype=float).ravel().tolist()
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_avg_pool_divisor_override_divides_the_sum(capsys) -> None:
    lines, data = _frame_lines(
        capsys, "avg-pool", "--input", "4x4", "--kernel", "2", "--divisor-override", "3"
    )
    assert all(line.endswith(") / 3") for line in lines)
    x = np.asarray(data["values"]["input"], dtype=float)
    assert lines[0] == "(x[0, 0] + x[0, 1] + x[1, 0] + x[1, 1]) / 3"
    assert np.asarray(data["values"]["output"])[0, 0] == pytest.approx(x[:2, :2].sum() / 3)
