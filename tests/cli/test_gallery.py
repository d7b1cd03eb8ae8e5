"""``convarith gallery``: in a subprocess, as users run it, and in process for listing and refusals."""

from __future__ import annotations

import subprocess
import sys

import pytest
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
