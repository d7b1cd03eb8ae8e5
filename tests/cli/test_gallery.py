"""``convarith gallery``: in a subprocess, as users run it, and in process for listing and refusals."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time

import pytest
from PIL import Image

from convarith.cli import main
from convarith.gallery.catalogue import ALL, EXTRAS, ORIGINAL, GalleryItem


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


# --- What the help says: counted from the catalogue, each animation labelled -----------


def test_help_counts_and_labels_the_catalogue(capsys, monkeypatch) -> None:
    from convarith.gallery import catalogue

    assert main(["gallery", "--help"]) == 0
    out = capsys.readouterr().out
    text = " ".join(out.split())
    assert (
        f"for {len(ALL)} animations: the original guide's {len(ORIGINAL)} " in text
        and f"and {len(EXTRAS)} explanatory extras" in text
    )
    for item in ALL:
        label = "original" if item in ORIGINAL else "extra"
        assert re.search(rf"^  {label} +{item.name} +{item.view}$", out, re.M), item.name
    # Counted, not typed: one more extra in the catalogue, one more in the help.
    more = GalleryItem("one_more_extra", "conv", (4, 4), {"kernel_size": 3}, group="extra")
    monkeypatch.setattr(catalogue, "EXTRAS", (*EXTRAS, more))
    monkeypatch.setattr(catalogue, "ALL", (*ALL, more))
    assert main(["gallery", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert f"for {len(ALL) + 1} animations" in text and f"and {len(EXTRAS) + 1} explanatory" in text
    assert "extra one_more_extra" in text


def test_names_are_never_cut(capsys, monkeypatch, tmp_path) -> None:
    from convarith.cli.gallery import ProgressBar
    from convarith.gallery import catalogue

    long = GalleryItem(
        "a_name_much_longer_than_any_column_" * 2, "conv", (4, 4), {"kernel_size": 3}
    )
    monkeypatch.setattr(catalogue, "ALL", (*ALL, long))
    assert main(["gallery", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].split()[0] == long.name
    # Columns line up after the longest name.
    assert len({line.index(" conv") for line in lines if " conv " in line}) <= 2

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(
        "shutil.get_terminal_size", lambda fallback=None: os.terminal_size((60, 24))
    )
    terminal = Terminal()
    bar = ProgressBar(terminal, label_width=len(long.name))
    bar.update(3, 30, long.name)
    bar.update(4, 30, "short")
    bar.close()
    drawn = terminal.getvalue().split("\r")
    assert drawn[1].rstrip().endswith(f" 3/30 {long.name}")  # whole, though wider than 60
    assert drawn[2].rstrip().endswith(" 4/30 short") and len(drawn[2]) >= len(drawn[1].rstrip())
    assert terminal.getvalue().endswith("\n")


# --- Stopping a gallery build: SIGTERM or Ctrl-C to a real process and its workers ------


def _parts(root) -> list:
    return [p for p in root.rglob("*") if ".part" in p.name]


def _plant_previous_sets(out) -> dict:
    """A previous build's 2-frame PNG set for every animation, recognisable by its content."""
    (out / "png").mkdir(parents=True)
    planted = {}
    for item in ALL:
        for n in range(2):
            path = out / "png" / f"{item.name}_{n:02d}.png"
            path.write_bytes(f"previous {item.name} {n}".encode())
            planted[path.name] = path.read_bytes()
    (out / "png" / "other.txt").write_text("unrelated")
    return planted


@pytest.mark.parametrize(
    ("stop", "to_group"),
    [(signal.SIGTERM, False), (signal.SIGTERM, True), (signal.SIGINT, True)],
    ids=["SIGTERM to the command (docker stop)", "SIGTERM to its group (timeout)", "Ctrl-C"],
)
def test_a_stopped_gallery_build_leaves_every_animation_whole(tmp_path, stop, to_group) -> None:
    out = tmp_path / "gal"
    planted = _plant_previous_sets(out)
    process = subprocess.Popen(
        [sys.executable, "-m", "convarith", "gallery", "--out", str(out), "--jobs", "2",
         "--formats", "gif,png"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        start_new_session=True,  # its own process group, as a shell job or under timeout
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not [p for p in _parts(out) if not p.name.startswith(".convarith-probe.")]:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "no temporary file appeared"
            time.sleep(0.01)
        if to_group:
            os.killpg(process.pid, stop)
        else:
            process.send_signal(stop)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    assert process.returncode == 128 + stop
    expected = "interrupted" if stop == signal.SIGINT else "stopped by SIGTERM"
    assert stderr == f"convarith gallery: {expected}\n"  # one line: no worker's traceback
    assert stdout == ""
    assert _parts(out) == []
    # Each animation's PNG frames: the previous set, untouched, or a whole new one.
    frames = sorted((out / "png").glob("*.png"))
    for item in ALL:
        mine = [p for p in frames if re.fullmatch(rf"{item.name}_\d+\.png", p.name)]
        previous = [p for p in mine if p.read_bytes() == planted.get(p.name)]
        assert previous == mine or previous == [], item.name
        assert [p.name for p in mine] == [f"{item.name}_{n:02d}.png" for n in range(len(mine))]
    assert (out / "png" / "other.txt").read_text() == "unrelated"
    for gif in (out / "gif").glob("*.gif"):
        with Image.open(gif) as image:
            image.seek(image.n_frames - 1)  # whole: every frame reads


@pytest.mark.parametrize(
    ("out", "words"),
    [
        ("afile/g", "is not a folder"),
        ("n" * 300, "bytes long"),
        ("afile/two\nlines", "two\\nlines"),
        ("/proc/nope/g", "not writable"),
    ],
)
def test_bad_out_is_one_line_naming_the_option(capsys, tmp_path, out, words) -> None:
    (tmp_path / "afile").write_text("")
    path = out if out.startswith("/") else f"{tmp_path}/{out}"
    code = main(["gallery", "--out", path])
    got, err = capsys.readouterr()
    assert code == 2 and got == ""
    assert err.startswith(f"convarith gallery: error: cannot write to --out {path!r}")
    assert words in err and err.count("\n") == 1
    assert [p.name for p in tmp_path.iterdir()] == ["afile"]
