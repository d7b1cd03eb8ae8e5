"""``convarith animate``, in process: formats, views, options, the printed line; bad input refused."""

from __future__ import annotations

import errno
import io
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

import convarith
from convarith.cli import animate as animate_command
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
        import pypdfium2 as pdfium  # pages sit in a compressed object stream

        assert len(pdfium.PdfDocument(data)) == 25
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
    ("wrong view for the op", [*CONV, "--view", "scatter"], "conv-transpose"),
    (
        "compare for pooling",
        ["max-pool", "-i", "4x4", "-k", "2", "--view", "compare"],
        "conv-transpose",
    ),
    ("matrix of pooling", ["avg-pool", "-i", "4x4", "-k", "2", "--view", "matrix"], "pool"),
    ("matrix too large", ["conv", "-i", "9x9", "-k", "1", "--view", "matrix"], "too large"),
    ("bad colour", [*CONV, "--input-color", "blueish"], "--input-color"),
    ("bad background", [*CONV, "--background", "#12"], "--background"),
    ("3-D", ["conv", "--input", "4x4x4", "--kernel", "3"], "3-D"),
    ("huge input", ["conv", "--input", "200x200", "--kernel", "1"], "40000 frames"),
    ("illegible", ["conv", "--input", "60x60", "--kernel", "3", "--numerical"], "legible"),
    ("torch refuses", ["conv", "--input", "2x2", "--kernel", "3"], "--kernel 3"),
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


# --- Stopping a render: SIGTERM, SIGINT and SIGKILL, to a real process --------------------

#: 324 frames: several seconds of work, so the signal lands mid-render.
BIG = ["conv", "--input", "20x20", "--kernel", "3"]


def _temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if ".part" in p.name]


def _start(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "convarith", "animate", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
    )


def _wait_for_temporary(process: subprocess.Popen[str], folder: Path) -> list[Path]:
    """Wait (at most 60 s) until the render's temporary file or folder is there (not a probe)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = [p for p in _temporaries(folder) if not p.name.startswith(".convarith-probe.")]
        if found:
            return found
        if process.poll() is not None:
            raise AssertionError(f"finished before its temporary was seen: {process.stderr.read()}")
        time.sleep(0.01)
    process.kill()
    raise AssertionError("no temporary file appeared")


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize(
    ("output", "frame_format", "stop"),
    [
        ("big.gif", None, signal.SIGTERM),
        ("big.webp", None, signal.SIGTERM),
        ("big.apng", None, signal.SIGTERM),
        ("frames/", "png", signal.SIGTERM),
        ("frames/", "svg", signal.SIGTERM),
        ("frames/", "pdf", signal.SIGTERM),
        ("big.gif", None, signal.SIGINT),
        ("frames/", "png", signal.SIGINT),
    ],
)
def test_a_signal_mid_render_leaves_the_previous_files(tmp_path, output, frame_format, stop):
    folder = tmp_path / "frames" if output.endswith("/") else tmp_path
    extra = ["--name", "big"] if frame_format else []
    if frame_format:
        extra += ["--frame-format", frame_format]
        # The previous render of the same name (9 frames), and files of others.
        assert main(["animate", *CONV, "-o", f"{folder}/", *extra]) == 0
        (folder / "other.txt").write_text("unrelated")
        (folder / f"big2_00.{frame_format}").write_text("another set")
    else:
        (tmp_path / output).write_bytes(b"the previous animation")
    before = _contents(folder)
    process = _start(*BIG, "-o", f"{tmp_path}/{output}", *extra, cwd=tmp_path)
    _wait_for_temporary(process, folder)
    process.send_signal(stop)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 128 + stop
    name = "SIGTERM" if stop == signal.SIGTERM else None
    assert err == (
        "convarith animate: stopped by SIGTERM\n" if name else "convarith animate: interrupted\n"
    )
    assert out == ""
    assert _temporaries(tmp_path) == []
    assert _contents(folder) == before


def test_sigkill_leftovers_are_cleaned_by_the_next_run(tmp_path) -> None:
    for output in ("killed.gif", "frames/"):
        process = _start(*BIG, "-o", f"{tmp_path}/{output}", "--name", "killed", cwd=tmp_path)
        _wait_for_temporary(process, tmp_path / output if output.endswith("/") else tmp_path)
        process.kill()  # SIGKILL: no clean-up can run
        process.communicate(timeout=60)  # and reaped: its pid is free
    left = _temporaries(tmp_path)
    assert len(left) == 2  # a .part file beside killed.gif, a .part folder in frames/
    assert not (tmp_path / "killed.gif").exists()
    # The next run into the same places removes them; nothing else changes.
    assert main(["animate", *CONV, "-o", str(tmp_path / "next.gif")]) == 0
    assert main(["animate", *CONV, "-o", f"{tmp_path}/frames/", "--name", "next"]) == 0
    assert _temporaries(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["frames", "next.gif"]


def test_a_live_writers_temporary_is_never_touched(tmp_path, capsys) -> None:
    for output in ("live.gif", "frames/"):
        process = _start(*BIG, "-o", f"{tmp_path}/{output}", "--name", "live", cwd=tmp_path)
        try:
            folder = tmp_path / "frames" if output.endswith("/") else tmp_path
            [temporary] = _wait_for_temporary(process, folder)
            # Another render into the same place, while the first one runs.
            target = f"{tmp_path}/frames/" if output.endswith("/") else str(tmp_path / "b.gif")
            assert main(["animate", *CONV, "-o", target, "--name", "other"]) == 0
            assert temporary.exists()
            assert process.poll() is None
        finally:
            process.terminate()
            process.communicate(timeout=60)
        assert process.returncode == 143
        assert not temporary.exists()
    capsys.readouterr()


def test_two_writers_of_the_same_name_never_mix_their_frames(tmp_path) -> None:
    # 36 frames of an 8x8 input and 49 of a 9x9 one, both named "same", at once.
    writers = [
        _start("conv", "--input", f"{n}x{n}", "--kernel", "3", "--name", "same",
               "-o", f"{tmp_path}/frames/", cwd=tmp_path)
        for n in (8, 9)
    ]  # fmt: skip
    for process in writers:
        process.communicate(timeout=120)
        assert process.returncode == 0
    files = sorted((tmp_path / "frames").iterdir())
    assert len(files) in (36, 49)
    assert [p.name for p in files] == [f"same_{n:02d}.png" for n in range(len(files))]
    sizes = set()
    for path in files:
        with Image.open(path) as image:
            sizes.add(image.size)
    n = 8 if len(files) == 36 else 9
    [one] = convarith.animate("conv", (n, n), kernel_size=3).save(tmp_path / "one.gif")
    with Image.open(one) as image:
        assert sizes == {image.size}  # every frame from the same writer


# --- The same in process, for every format: the signal arrives while a file is written ------


def _signal_midway(monkeypatch, stop: int, layout: str) -> None:
    """Send ``stop`` to this process in the middle of writing (a frame stream, or bytes)."""
    import convarith.backends.raster as raster

    if layout == "raster":
        real = raster.render_frames

        def render_frames(figure, **kwargs):
            for n, frame in enumerate(real(figure, **kwargs)):
                if n == 3:
                    os.kill(os.getpid(), stop)
                yield frame

        monkeypatch.setattr(raster, "render_frames", render_frames)
    else:
        real_write = Path.write_bytes
        calls = []

        def write_bytes(self, data):
            calls.append(self)
            if len(calls) == (4 if layout == "vector folder" else 1):
                real_write(self, data[: len(data) // 2])
                os.kill(os.getpid(), stop)
            return real_write(self, data)

        monkeypatch.setattr(Path, "write_bytes", write_bytes)


FORMATS = [
    ("a.gif", "png", "raster"),
    ("a.webp", "png", "raster"),
    ("a.apng", "png", "raster"),
    ("a.png", "png", "raster"),
    ("a.mp4", "png", "raster"),
    ("a.svg", "png", "vector"),
    ("a.pdf", "png", "vector"),
    ("a.tex", "png", "vector"),
    ("frames/", "png", "raster"),
    ("frames/", "svg", "vector folder"),
    ("frames/", "pdf", "vector folder"),
]


@pytest.mark.parametrize(("output", "frame_format", "layout"), FORMATS)
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_every_format_stopped_by_a_signal_leaves_the_previous_files(
    capsys, monkeypatch, tmp_path, output, frame_format, layout, stop
) -> None:
    if output.endswith(".mp4"):
        pytest.importorskip("imageio_ffmpeg")
    target = tmp_path / output
    folder = target if output.endswith("/") else tmp_path
    argv = [*CONV, "-o", f"{folder}/" if output.endswith("/") else str(target)]
    argv += ["--name", "n", "--frame-format", frame_format]
    if output.endswith("/"):
        assert run(capsys, *argv)[0] == 0
        (folder / "other.txt").write_text("unrelated")
    else:
        target.write_bytes(b"the previous file")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    _signal_midway(monkeypatch, stop, layout)
    handler = signal.getsignal(stop)
    code, out, err = run(capsys, *argv)
    monkeypatch.undo()
    assert code == 128 + stop
    assert out == ""
    expected = "interrupted" if stop == signal.SIGINT else f"stopped by {signal.Signals(stop).name}"
    assert err == f"convarith animate: {expected}\n"
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert not [p for p in tmp_path.rglob("*") if ".part" in p.name]
    assert signal.getsignal(stop) == handler  # main() leaves the handlers as it found them


# --- The progress bar: on a terminal only -----------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("output", ["a.gif", "frames/", "a.pdf"])
def test_a_progress_bar_on_a_terminal(monkeypatch, capsys, tmp_path, output) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(animate_command, "BAR_DELAY", 0.0)
    code = main(["animate", *CONV, "-o", f"{tmp_path}/{output}"])
    assert code == 0
    shown = terminal.getvalue()
    draws = shown.split("\r")
    assert any(re.fullmatch(r"\[#{28}\]\s+9/9\s*", d) for d in draws), shown
    if output != "a.pdf":  # frames count up as they are written
        assert any(re.fullmatch(r"\[#*\.+\]\s+[1-8]/9\s*", d) for d in draws), shown
    assert shown.endswith("\r") and draws[-2].strip() == ""  # erased at the end
    assert capsys.readouterr().out.endswith("\n")  # the result line, on stdout


def test_no_progress_bar_when_not_a_terminal_or_short(monkeypatch, capsys, tmp_path) -> None:
    monkeypatch.setattr(animate_command, "BAR_DELAY", 0.0)
    code, out, err = run(capsys, *CONV, "-o", str(tmp_path / "a.gif"))
    assert code == 0 and out and err == ""  # capsys' stderr is no terminal
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(animate_command, "BAR_DELAY", 60.0)
    assert main(["animate", *CONV, "-o", str(tmp_path / "b.gif")]) == 0
    assert terminal.getvalue() == ""  # a run shorter than the delay shows none


def test_a_stopped_render_ends_the_bar_line_first(monkeypatch, tmp_path) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(animate_command, "BAR_DELAY", 0.0)
    _signal_midway(monkeypatch, signal.SIGTERM, "raster")
    assert main(["animate", *CONV, "-o", str(tmp_path / "a.gif")]) == 143
    lines = terminal.getvalue().split("\n")
    assert lines[-2].rsplit("\r", 1)[-1] == "convarith animate: stopped by SIGTERM"
    assert lines[-1] == ""


# --- OS errors: one line that names -o/--output -------------------------------------------


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), 1),
        (PermissionError(errno.EACCES, "Permission denied"), 2),
        (OSError(errno.ENAMETOOLONG, "File name too long"), 2),
    ],
    ids=["full disk", "permission denied", "name too long"],
)
@pytest.mark.parametrize("output", ["a\nb.svg", "frames/"])
def test_os_errors_while_writing_are_one_line_naming_the_option(
    monkeypatch, capsys, tmp_path, error, status, output
) -> None:
    def fail(self, data):
        error.filename = str(self)
        raise error

    monkeypatch.setattr(Path, "write_bytes", fail)
    target = f"{tmp_path}/{output}"
    code, out, err = run(capsys, *CONV, "-o", target, "--frame-format", "svg")
    monkeypatch.undo()
    assert code == status and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"convarith animate: error: cannot write to -o/--output {target!r}: ")
    assert error.strerror in err
    assert ".part" not in err  # a temporary's name means nothing to the user
    assert [p.name for p in tmp_path.iterdir()] == []  # and the folder it made is gone


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("n" * 300 + ".gif", "bytes long"),
        ("n" * 300 + "/", "bytes long"),
        ("two\nlines/a.gif", "two\\nlines"),
        ("/proc/nope/a.gif", "does not exist"),
        ("/proc/nope/", "not writable"),
    ],
)
def test_bad_paths_are_one_line_naming_the_option(capsys, tmp_path, target, words) -> None:
    path = target if target.startswith("/") else f"{tmp_path}/{target}"
    code, out, err = run(capsys, *CONV, "-o", path)
    assert code == 2 and out == ""
    assert re.fullmatch(r"convarith animate: error: cannot write to -o/--output '[^\n]+\n", err)
    assert words in err
    assert list(tmp_path.iterdir()) == []


def test_a_name_too_long_is_refused_before_any_folder_is_made(capsys, tmp_path) -> None:
    code, out, err = run(capsys, *CONV, "--name", "n" * 250, "-o", f"{tmp_path}/new/")
    assert code == 2 and out == ""
    assert err.startswith("convarith animate: error: --name 'nnn") and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_animate_messages_use_the_command_line_s_spelling(capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from convarith.cli import main

    argv = ["animate", "conv-transpose", "--input", "5", "--kernel", "3", "--stride", "2"]
    assert main([*argv, "--output-padding", "2", "-o", str(tmp_path / "a.gif")]) == 2
    err = capsys.readouterr().err
    assert "--output-padding 2" in err and "output_padding=" not in err
    assert list(tmp_path.iterdir()) == []
