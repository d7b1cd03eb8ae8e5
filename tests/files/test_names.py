"""File names: one naming rule for frames, and a name is never a path."""

from __future__ import annotations

import pytest

import convarith
from convarith import ConvArithError
from convarith.cli import main
from convarith.files.names import check_file_name, frame_file_names


def test_frame_names_are_as_wide_as_the_largest_number() -> None:
    assert frame_file_names("a", 2) == ["a_00.png", "a_01.png"]
    assert frame_file_names("a", 1001, ".svg")[-1] == "a_1000.svg"


@pytest.mark.parametrize("bad", ["a/b", "../up", "/abs", "", ".", "..", "a\x00b"])
def test_a_name_is_never_a_path(bad: str) -> None:
    with pytest.raises(ConvArithError, match=r"^name=.* must be a file name"):
        check_file_name(bad)


@pytest.mark.parametrize("bad", ["sub/x", "../x"])
def test_animate_and_save_refuse_a_path_as_name(bad: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConvArithError, match="must be a file name"):
        convarith.animate("conv", (3, 3), kernel_size=2, name=bad)
    anim = convarith.animate("conv", (3, 3), kernel_size=2)
    from convarith.formats.save import save_figure

    with pytest.raises(ConvArithError, match="must be a file name"):
        save_figure(anim.figure, f"{tmp_path}/frames/", name=bad)
    assert list(tmp_path.iterdir()) == []


def test_the_command_line_refuses_a_path_as_name(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    argv = ["animate", "conv", "--input", "3x3", "--kernel", "2", "--name", "../x"]
    assert main([*argv, "-o", f"{tmp_path}/out/"]) == 2
    assert "must be a file name" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
