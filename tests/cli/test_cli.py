"""The command line's entry point, ``convarith.cli.main`` (and once as ``python -m convarith``).

Bad input must give exit status 2 and exactly one line on stderr,
``convarith <command>: error: ...``, with nothing on stdout and no traceback;
every command has help with examples.  Each command's own output is tested
beside it: test_shape.py, test_stack.py, test_scene.py, test_animate.py, test_gallery.py.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from convarith.cli import COMMANDS
from convarith.core.errors import ConvArithError
from support.cli import run

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


def test_an_error_message_is_one_line_whatever_a_path_holds(capsys, tmp_path):
    missing = tmp_path / "two\nlines.txt"
    code, out, err = run(capsys, "stack", "--input", "8", "--file", str(missing))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("convarith stack: error: ")


def test_a_signal_the_caller_ignores_stays_ignored(capsys, monkeypatch, tmp_path):
    # As under nohup, or a background job's SIGINT: the run is not stopped by it.
    import os
    import signal

    import convarith.backends.raster as raster

    real = raster.render_frames

    def render_frames(figure, **kwargs):
        for n, frame in enumerate(real(figure, **kwargs)):
            if n == 2:
                os.kill(os.getpid(), signal.SIGHUP)
            yield frame

    monkeypatch.setattr(raster, "render_frames", render_frames)
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        code, out, err = run(
            capsys,
            "animate",
            "conv",
            "--input",
            "5x5",
            "--kernel",
            "3",
            "-o",
            str(tmp_path / "a.gif"),
        )
        assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)
    assert code == 0 and err == "" and out.endswith("a.gif\n")


def test_sigterm_to_python_dash_m_is_exit_143(tmp_path):
    # The command as users run it, stopped as timeout(1) stops it.
    process = subprocess.Popen(
        [sys.executable, "-m", "convarith", "animate", "conv", "--input", "20x20", "--kernel", "3",
         "-o", str(tmp_path / "a.gif")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
    )  # fmt: skip
    import time

    deadline = time.monotonic() + 60
    while not any(".part" in p.name and "probe" not in p.name for p in tmp_path.iterdir()):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    process.terminate()
    out, err = process.communicate(timeout=60)
    assert (process.returncode, out, err) == (143, "", "convarith animate: stopped by SIGTERM\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (lambda: ConvArithError("a bad\nname"), 2),
        (lambda: OSError(5, "Input/output error", "a\nb"), 1),
    ],
    ids=["ConvArithError", "OSError"],
)
def test_main_keeps_any_message_on_one_line(capsys, monkeypatch, error, status):
    from convarith.cli import shape

    def fail(args):
        raise error()

    monkeypatch.setattr(shape, "run", fail)
    code, out, err = run(capsys, "shape", "conv", "--input", "5", "--kernel", "3")
    assert code == status and out == ""
    assert err.count("\n") == 1 and "\\n" in err and err.startswith("convarith shape: error: ")
