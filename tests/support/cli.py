"""The command line in process: ``convarith.cli.main`` with its exit status and output."""

from __future__ import annotations

import pytest

from convarith.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
