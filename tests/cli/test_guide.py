"""``convarith guide``: the extension picks the format; bad input is one line and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

import convarith.guide as guide_module
from support.cli import run


def test_writes_a_pdf_and_says_so(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "guide.pdf"
    code, out, err = run(capsys, "guide", "-o", str(target))
    assert (code, err) == (0, "")
    assert target.read_bytes()[:5] == b"%PDF-"
    assert out.startswith(f"guide written to {target} (pdf, ")
    assert [p.name for p in tmp_path.iterdir()] == ["guide.pdf"]


def test_writes_html(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "guide.html"
    code, _, err = run(capsys, "guide", "--output", str(target))
    assert (code, err) == (0, "")
    assert target.read_bytes().startswith(b"<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("guide.docx", "--output '{path}': the guide is written as .pdf or .html, not .docx"),
        ("guide", "--output '{path}': the guide is written as .pdf or .html, not a file without"),
    ],
)
def test_other_extensions_are_refused_before_any_work(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch, name: str, message: str
) -> None:
    def no_build(kind: str) -> bytes:
        raise AssertionError("built a guide for a path it cannot write")

    monkeypatch.setattr(guide_module, "build_guide", no_build)
    path = tmp_path / name
    code, out, err = run(capsys, "guide", "-o", str(path))
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert err.startswith("convarith guide: error: " + message.format(path=path))
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "guide", "-o", str(tmp_path / "no" / "guide.pdf"))
    assert code == 2
    assert err.count("\n") == 1 and "does not exist" in err and "Traceback" not in err


def test_a_failure_while_building_leaves_the_previous_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch
) -> None:
    target = tmp_path / "guide.pdf"
    target.write_bytes(b"previous")

    def interrupted(kind: str) -> bytes:
        raise KeyboardInterrupt

    monkeypatch.setattr(guide_module, "build_guide", interrupted)
    code, _, err = run(capsys, "guide", "-o", str(target))
    assert code == 130 and err == "convarith guide: interrupted\n"
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["guide.pdf"]


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "guide", "--help")
    assert code == 0
    assert "convarith guide -o guide.pdf" in out and "convarith guide -o guide.html" in out


def test_both_formats_in_one_run(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pdf, html = tmp_path / "g.pdf", tmp_path / "g.html"
    code, out, err = run(capsys, "guide", "-o", str(pdf), "-o", str(html))
    assert (code, err) == (0, "")
    assert out.count("guide written to") == 2
    assert pdf.read_bytes()[:5] == b"%PDF-" and html.read_bytes()[:15] == b"<!DOCTYPE html>"


def test_a_bad_second_path_writes_neither(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(
        capsys, "guide", "-o", str(tmp_path / "g.pdf"), "-o", str(tmp_path / "g.txt")
    )
    assert code == 2 and "not .txt" in err
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_file_names_its_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch
) -> None:
    target = tmp_path / "g.pdf"

    def full_disk(kind: str) -> bytes:
        raise OSError(28, "No space left on device", str(target))

    monkeypatch.setattr(guide_module, "build_guide", full_disk)
    code, _, err = run(capsys, "guide", "-o", str(target))
    assert code == 1
    assert (
        err
        == f"convarith guide: error: cannot write to --output {str(target)!r}: No space left on device\n"
    )
