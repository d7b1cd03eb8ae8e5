"""One writability rule for every file and folder: a probe file, and nothing left behind."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from convarith import ConvArithError
from convarith.files.places import check_file_place, check_folder_place


def test_a_file_place_is_its_existing_writable_folder(tmp_path: Path) -> None:
    assert check_file_place(tmp_path / "a.gif") == tmp_path / "a.gif"
    with pytest.raises(ConvArithError, match=r"^cannot write to .*: it is a directory$"):
        check_file_place(tmp_path)
    with pytest.raises(ConvArithError, match=r"the folder .*nope does not exist$"):
        check_file_place(tmp_path / "nope" / "a.gif")
    (tmp_path / "file").write_text("")
    with pytest.raises(ConvArithError, match=r": .*file is not a folder$"):
        check_file_place(tmp_path / "file" / "a.gif")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_a_folder_place_may_be_missing_and_is_not_created(tmp_path: Path) -> None:
    assert check_folder_place(tmp_path / "a" / "b") == tmp_path / "a" / "b"
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "file").write_text("")
    with pytest.raises(
        ConvArithError, match=r"^cannot write frames to .*: it is a file, not a folder$"
    ):
        check_folder_place(tmp_path / "file")
    with pytest.raises(ConvArithError, match=r": .*file is not a folder$"):
        check_folder_place(tmp_path / "file" / "sub")


@pytest.mark.parametrize("check", [check_file_place, check_folder_place])
def test_a_place_that_refuses_the_probe_is_not_writable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, check: object
) -> None:
    # What a read-only mount or missing permission does, even for root.
    probed: list[str] = []

    def refuse(*args: object, dir: str, **kwargs: object) -> tuple[int, str]:
        probed.append(str(dir))
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    target = tmp_path / ("a.gif" if check is check_file_place else "missing/frames")
    with pytest.raises(ConvArithError, match=r"is not writable \(Permission denied\)$"):
        check(target)  # type: ignore[operator]
    # A file's folder is probed; a missing folder's nearest existing ancestor.
    assert probed == [str(tmp_path)]


def test_the_probe_leaves_nothing(tmp_path: Path) -> None:
    for _ in range(3):
        check_file_place(tmp_path / "a.gif")
        check_folder_place(tmp_path / "frames")
    assert list(tmp_path.iterdir()) == []


def test_check_writable_names_the_reason(tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("")
    with pytest.raises(
        ConvArithError, match=r"^cannot write to .*file/a\.gif: .* is not a folder$"
    ):
        check_file_place(a_file / "a.gif")
    with pytest.raises(ConvArithError, match=r"^cannot write to .*: it is a directory$"):
        check_file_place(tmp_path)
    assert check_file_place(tmp_path / "ok.gif") == tmp_path / "ok.gif"
    assert list(tmp_path.iterdir()) == [a_file]  # the probe is gone
