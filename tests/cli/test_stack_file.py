"""``convarith stack --file`` reads at most the input-file limit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from convarith.cli import main
from convarith.core.limits import MAX_INPUT_FILE_BYTES


def _file(tmp_path: Path, size: int) -> Path:
    head = b"conv k=3 s=2\n"
    path = tmp_path / "layers.txt"
    path.write_bytes(head + b"#" * (size - len(head)))
    return path


def test_a_file_at_the_limit_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _file(tmp_path, MAX_INPUT_FILE_BYTES)
    assert main(["stack", "--input", "9", "--file", str(path)]) == 0
    assert "conv" in capsys.readouterr().out


def test_a_file_past_the_limit_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _file(tmp_path, MAX_INPUT_FILE_BYTES + 1)
    assert main(["stack", "--input", "9", "--file", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "1,000,000 bytes" in err and "--file" in err


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero on this system")
def test_an_endless_file_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stack", "--input", "9", "--file", "/dev/zero"]) == 2
    assert "larger than" in capsys.readouterr().err
