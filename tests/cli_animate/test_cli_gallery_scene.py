"""``convarith gallery`` (in a subprocess, as users run it) and ``convarith scene --json``."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from convarith.cli import main
from convarith.gallery.catalogue import ALL, ORIGINAL


@pytest.mark.slow
def test_gallery_original_gifs_in_a_subprocess(tmp_path) -> None:
    out = tmp_path / "gal"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "convarith",
            "gallery",
            "--only",
            "original",
            "--formats",
            "gif",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    gifs = sorted(p.name for p in (out / "gif").iterdir())
    assert gifs == sorted(f"{item.name}.gif" for item in ORIGINAL)
    assert len(gifs) == 19
    # GIFs only: no PNG or PDF folders.
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["gif"]
    assert result.stdout.startswith("19 animations written, 0 up to date (gif) in ")
    total = 0
    for name in gifs:
        with Image.open(out / "gif" / name) as gif:
            total += gif.n_frames
    assert total == 358
    again = subprocess.run(
        [
            sys.executable,
            "-m",
            "convarith",
            "gallery",
            "--only",
            "original",
            "--formats",
            "gif",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert again.returncode == 0
    assert again.stdout.startswith("0 animations written, 19 up to date (gif)")


@pytest.mark.parametrize(("only", "items"), [("original", ORIGINAL), (None, ALL)])
def test_gallery_list(capsys, tmp_path, monkeypatch, only, items) -> None:
    monkeypatch.chdir(tmp_path)
    code = main(["gallery", "--list", *(["--only", only] if only else [])])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == [item.name for item in items]
    for line, item in zip(lines, items):
        assert item.view in line.split() and item.op in line.split()
        assert "kernel_size=" in line
    assert list(tmp_path.iterdir()) == []  # listing writes nothing


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--formats", "gif,jpg"], "'jpg'"),
        (["--jobs", "0"], "--jobs"),
        (["--only", "everything"], "--only"),
    ],
)
def test_gallery_bad_options(capsys, tmp_path, args, words) -> None:
    code = main(["gallery", "--out", str(tmp_path / "g"), *args])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("convarith gallery: error: ") and err.count("\n") == 1
    assert words in err
    assert not (tmp_path / "g").exists()


# ---- scene --json --------------------------------------------------------------------------


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
