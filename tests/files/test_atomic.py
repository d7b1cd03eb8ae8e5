"""Writing all at once or not at all: the temporary replaces the target only on success."""

from __future__ import annotations

from pathlib import Path

import pytest

from convarith.files.atomic import atomic_output


def test_atomic_output_replaces_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with atomic_output(target) as temporary:
        assert temporary.parent == tmp_path and temporary.suffix == ".txt"
        temporary.write_text("first")
        assert not target.exists()
    assert target.read_text() == "first"
    with pytest.raises(KeyboardInterrupt), atomic_output(target) as temporary:
        temporary.write_text("second")
        raise KeyboardInterrupt
    assert target.read_text() == "first"
    assert list(tmp_path.iterdir()) == [target]
