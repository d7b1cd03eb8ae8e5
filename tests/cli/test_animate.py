"""``convarith animate``, in process: formats, views, options, the printed line; bad input refused."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from convarith.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["animate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def files(root) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


CONV = ["conv", "--input", "5x5", "--kernel", "3", "--stride", "2", "--padding", "1"]
UP = ["conv-transpose", "--input", "3x3", "--kernel", "3", "--stride", "2", "--padding", "1"]


@pytest.mark.parametrize(
    ("args", "name", "frames"),
    [
        (CONV, "conv_5x5_k3_s2_p1", 9),
        (UP, "conv_transpose_3x3_k3_s2_p1", 25),
        ([*UP, "--view", "scatter"], "conv_transpose_3x3_k3_s2_p1_scatter", 9),
        ([*UP, "--view", "compare"], "conv_transpose_3x3_k3_s2_p1_compare", 26),
        (
            ["conv", "--input", "4x4", "--kernel", "3", "--view", "matrix"],
            "conv_4x4_k3_s1_p0_matrix",
            4,
        ),
        (
            ["max-pool", "-i", "5x5", "-k", "3", "-s", "1", "--numerical"],
            "max_pool_5x5_k3_s1_p0_numerical",
            9,
        ),
        (["conv", "-i", "7", "-k", "3", "-d", "2"], "conv_7_k3_s1_p0_d2", 3),
    ],
)
def test_animate_gif(capsys, tmp_path, args, name, frames) -> None:
    target = tmp_path / "a.gif"
    code, out, err = run(capsys, *args, "-o", str(target))
    assert code == 0, err
    assert err == ""
    assert out == f"{name}: {frames} frames -> {target}\n"
    with Image.open(target) as gif:
        assert gif.n_frames == frames
    assert files(tmp_path) == ["a.gif"]


@pytest.mark.parametrize("ext", ["webp", "apng", "svg", "pdf", "tex"])
def test_animate_other_formats(capsys, tmp_path, ext) -> None:
    target = tmp_path / f"a.{ext}"
    code, out, _ = run(capsys, *UP, "--view", "numerical", "-o", str(target))
    assert code == 0
    assert out == f"conv_transpose_3x3_k3_s2_p1_numerical: 25 frames -> {target}\n"
    data = target.read_bytes()
    if ext == "svg":
        root = ET.fromstring(data)
        assert root.tag.endswith("svg")
    elif ext == "pdf":
        assert data.startswith(b"%PDF")
        assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) == 25
    elif ext == "tex":
        assert data.count(b"\\begin{tikzpicture}") == 25
    else:
        with Image.open(target) as image:
            assert image.n_frames == 25


def test_animate_folder_with_options(capsys, tmp_path) -> None:
    folder = tmp_path / "frames"
    code, out, _ = run(
        capsys,
        *CONV,
        "-o",
        f"{folder}/",
        "--name",
        "ps",
        "--scale",
        "2",
        "--theme",
        "dark",
        "--input-color",
        "#f00",
    )
    assert code == 0
    assert out == f"ps: 9 frames -> 9 files in {folder}\n"
    assert files(folder) == [f"ps_{n:02d}.png" for n in range(9)]
    with Image.open(folder / "ps_00.png") as image:
        rgb = image.convert("RGB")
        assert rgb.getpixel((2, 2)) == (0, 43, 54)  # dark background
        assert (255, 0, 0) in {c for _, c in rgb.getcolors(1 << 16)}  # the input colour
    code, out, _ = run(capsys, *CONV, "-o", f"{tmp_path}/vec/", "--frame-format", "svg")
    assert code == 0 and out.endswith(f"9 files in {tmp_path}/vec\n")


def test_animate_timing_caption_and_loop(capsys, tmp_path) -> None:
    target = tmp_path / "t.gif"
    code, _, _ = run(
        capsys, *CONV, "-o", str(target), "--frame-ms", "500", "--pause-ms", "1500", "--no-loop"
    )
    assert code == 0
    with Image.open(target) as gif:
        durations = []
        for n in range(gif.n_frames):
            gif.seek(n)
            durations.append(gif.info["duration"])
        assert durations == [500] * 8 + [2000]
        assert "loop" not in gif.info
    svg = tmp_path / "c.svg"
    assert run(capsys, *CONV, "-o", str(svg), "--caption")[0] == 0
    assert "kernel 3, stride 2, padding 1" in svg.read_text()
    assert run(capsys, *CONV, "-o", str(tmp_path / "n.svg"), "--no-labels")[0] == 0
    assert "input 5×5" not in (tmp_path / "n.svg").read_text()


def test_seed_changes_the_values(capsys, tmp_path) -> None:
    a, b = tmp_path / "a.svg", tmp_path / "b.svg"
    assert run(capsys, *CONV, "--numerical", "--seed", "1", "-o", str(a))[0] == 0
    assert run(capsys, *CONV, "--numerical", "--seed", "2", "-o", str(b))[0] == 0
    assert a.read_text() != b.read_text()


@pytest.mark.slow
def test_animate_mp4(capsys, tmp_path) -> None:
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    target = tmp_path / "a.mp4"
    code, out, _ = run(capsys, *CONV, "-o", str(target))
    assert code == 0 and out.endswith(f"-> {target}\n")
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(target))
    assert (frames, round(seconds)) == (9, 9)


BAD = [
    ("wrong view for the op", [*CONV, "--view", "scatter"], "conv_transpose"),
    (
        "compare for pooling",
        ["max-pool", "-i", "4x4", "-k", "2", "--view", "compare"],
        "conv_transpose",
    ),
    ("matrix of pooling", ["avg-pool", "-i", "4x4", "-k", "2", "--view", "matrix"], "pool"),
    ("matrix too large", ["conv", "-i", "9x9", "-k", "1", "--view", "matrix"], "too large"),
    ("bad colour", [*CONV, "--input-color", "blueish"], "--input-color"),
    ("bad background", [*CONV, "--background", "#12"], "--background"),
    ("3-D", ["conv", "--input", "4x4x4", "--kernel", "3"], "3-D"),
    ("huge input", ["conv", "--input", "200x200", "--kernel", "1"], "too many"),
    ("illegible", ["conv", "--input", "60x60", "--kernel", "3", "--numerical"], "legible"),
    ("torch refuses", ["conv", "--input", "2x2", "--kernel", "3"], "kernel_size"),
    ("bad frame ms", [*CONV, "--frame-ms", "1"], "frame_ms"),
    ("bad scale", [*CONV, "--scale", "0"], "scale"),
    ("bad sizes", ["conv", "--input", "5by5", "--kernel", "3"], "--input"),
    ("unknown view", [*CONV, "--view", "sideways"], "--view"),
    ("unknown option", [*CONV, "--colour", "red"], "unrecognized"),
]


@pytest.mark.parametrize(("what", "args", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_exits_2_with_one_line(capsys, tmp_path, what, args, words) -> None:
    code, out, err = run(capsys, *args, "-o", str(tmp_path / "a.gif"))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.endswith("\n")
    assert err.startswith("convarith animate: error: ")
    assert words in err
    assert files(tmp_path) == []


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("a.jpg", ".jpg"),
        ("noext", "no extension"),
        ("afile/a.gif", "not a folder"),
        ("afile/", "not a folder"),
        ("missing/a.gif", "does not exist"),
    ],
)
def test_bad_output_path_exits_2(capsys, tmp_path, target, words) -> None:
    (tmp_path / "afile").write_text("keep")
    code, out, err = run(capsys, *CONV, "-o", f"{tmp_path}/{target}")
    assert code == 2 and out == ""
    assert re.fullmatch(r"convarith animate: error: [^\n]+\n", err)
    assert words in err
    assert files(tmp_path) == ["afile"]
    assert (tmp_path / "afile").read_text() == "keep"


def test_missing_output_option(capsys) -> None:
    code, out, err = run(capsys, *CONV)
    assert code == 2 and out == ""
    assert re.fullmatch(r"convarith animate: error: [^\n]*--output[^\n]*\n", err)


def test_help_lists_examples(capsys) -> None:
    code = main(["animate", "--help"])
    out = capsys.readouterr().out
    assert code == 0
    assert "--view" in out and "examples:" in out
