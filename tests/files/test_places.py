"""One writability rule for every file and folder: a probe file, names that fit, and nothing left behind."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import pytest

from convarith import ConvArithError
from convarith.files.places import PATH_MAX, check_file_place, check_folder_place, is_folder


def test_a_file_place_is_its_existing_writable_folder(tmp_path: Path) -> None:
    assert check_file_place(tmp_path / "a.gif") == tmp_path / "a.gif"
    with pytest.raises(ConvArithError, match=r"^cannot write to path='.*': it is a directory$"):
        check_file_place(tmp_path)
    with pytest.raises(ConvArithError, match=r"the folder '.*nope' does not exist$"):
        check_file_place(tmp_path / "nope" / "a.gif")
    (tmp_path / "file").write_text("")
    with pytest.raises(ConvArithError, match=r": '.*file' is not a folder$"):
        check_file_place(tmp_path / "file" / "a.gif")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_a_folder_place_may_be_missing_and_is_not_created(tmp_path: Path) -> None:
    assert check_folder_place(tmp_path / "a" / "b") == tmp_path / "a" / "b"
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "file").write_text("")
    with pytest.raises(
        ConvArithError, match=r"^cannot write frames to path='.*': it is a file, not a folder$"
    ):
        check_folder_place(tmp_path / "file")
    with pytest.raises(ConvArithError, match=r": '.*file' is not a folder$"):
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
        check(target, "--out")  # type: ignore[operator]
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
        ConvArithError, match=r"^cannot write to path='.*file/a\.gif': '.*' is not a folder$"
    ):
        check_file_place(a_file / "a.gif")
    with pytest.raises(ConvArithError, match=r"^cannot write to path='.*': it is a directory$"):
        check_file_place(tmp_path)
    assert check_file_place(tmp_path / "ok.gif") == tmp_path / "ok.gif"
    assert list(tmp_path.iterdir()) == [a_file]  # the probe is gone


@pytest.mark.parametrize("check", [check_file_place, check_folder_place])
def test_the_message_names_the_option_and_its_value(tmp_path: Path, check: object) -> None:
    (tmp_path / "afile").write_text("")
    target = tmp_path / "afile" / "x" / "a.gif"
    with pytest.raises(ConvArithError) as info:
        check(target, "-o/--output")  # type: ignore[operator]
    assert str(info.value) == (
        f"cannot write to -o/--output '{target}': '{tmp_path}/afile' is not a folder"
    )
    with pytest.raises(ConvArithError) as info:
        check(target, "path")  # type: ignore[operator]
    assert str(info.value).startswith(f"cannot write to path='{target}': ")


@pytest.mark.parametrize("check", [check_file_place, check_folder_place])
@pytest.mark.parametrize("where", ["name", "folder", "path"])
def test_names_too_long_are_refused_before_any_work(
    tmp_path: Path, check: object, where: str
) -> None:
    long = "n" * 256
    target = {
        "name": tmp_path / f"{long}.gif",
        "folder": tmp_path / long / "a.gif",
        "path": tmp_path.joinpath(*["d" * 200] * (PATH_MAX // 200 + 1), "a.gif"),
    }[where]
    # The system refuses it too (ENAMETOOLONG), but only once it is asked.
    with pytest.raises(OSError) as system:
        target.open("w")
    assert system.value.errno in (errno.ENAMETOOLONG, errno.ENOENT)
    with pytest.raises(ConvArithError) as info:
        check(target, "--out")  # type: ignore[operator]
    message = str(info.value)
    assert message.startswith("cannot write to --out '") and "\n" not in message
    assert "bytes long" in message
    assert list(tmp_path.iterdir()) == []


def test_a_name_as_long_as_a_file_name_may_be_is_writable(tmp_path: Path) -> None:
    # Its temporary beside it gets a shorter name: the whole write works.
    from convarith.files.atomic import atomic_output

    target = tmp_path / ("n" * 251 + ".gif")
    check_file_place(target)
    with atomic_output(target) as temporary:
        temporary.write_text("whole")
    assert target.read_text() == "whole"
    assert list(tmp_path.iterdir()) == [target]


def test_a_newline_in_a_path_stays_on_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConvArithError) as info:
        check_file_place(tmp_path / "two\nlines" / "a.gif", "-o/--output")
    message = str(info.value)
    assert "\n" not in message and "two\\nlines" in message


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc")
@pytest.mark.parametrize("check", [check_file_place, check_folder_place])
def test_a_missing_folder_under_proc(check: object) -> None:
    with pytest.raises(ConvArithError, match=r"^cannot write to --out '/proc/nope/x'") as info:
        check("/proc/nope/x", "--out")  # type: ignore[operator]
    assert "\n" not in str(info.value)


def test_is_folder_never_raises(tmp_path: Path) -> None:
    assert is_folder(tmp_path)
    assert not is_folder(tmp_path / ("x" * 300))
    assert not is_folder(tmp_path / "a\x00b")
    (tmp_path / "f").write_text("")
    assert not is_folder(tmp_path / "f") and not is_folder(tmp_path / "f" / "g")
