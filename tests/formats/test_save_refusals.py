"""Bad targets are refused with one line, before any drawing, and nothing is written."""

from __future__ import annotations

import os

import pytest

import convarith
from convarith.core.errors import ConvArithError
from convarith.formats.save import check_target
from support.output_cases import animation, listing


def _refused(anim, path, **kwargs) -> str:
    with pytest.raises(ConvArithError) as info:
        anim.save(path, **kwargs)
    message = str(info.value)
    assert message and "\n" not in message
    return message


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("a.jpg", ".jpg"),
        ("a.gifx", ".gifx"),
        ("noext", "no extension"),
        ("a.tar.gz", ".gz"),
    ],
)
def test_unknown_extension(tmp_path, name, words) -> None:
    anim = animation()
    message = _refused(anim, tmp_path / name)
    assert words in message and ".gif" in message and "folder" in message
    assert "figure" not in anim.__dict__  # refused before drawing anything
    assert listing(tmp_path) == []


def test_extensions_are_case_insensitive(tmp_path) -> None:
    animation().save(tmp_path / "A.GIF")
    assert listing(tmp_path) == ["A.GIF"]


def test_unknown_frame_format(tmp_path) -> None:
    anim = animation()
    message = _refused(anim, f"{tmp_path}/frames/", frame_format="jpg")
    assert "frame_format" in message
    assert listing(tmp_path) == []
    assert "figure" not in anim.__dict__


@pytest.mark.parametrize("target", ["afile/a.gif", "afile/", "afile/sub/a.svg"])
def test_a_file_in_the_way_is_not_a_folder(tmp_path, target) -> None:
    (tmp_path / "afile").write_text("keep")
    anim = animation()
    message = _refused(anim, f"{tmp_path}/{target}")
    assert "not a folder" in message or "file" in message
    assert "figure" not in anim.__dict__
    assert listing(tmp_path) == ["afile"]
    assert (tmp_path / "afile").read_text() == "keep"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder(tmp_path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        anim = animation()
        message = _refused(anim, folder / "a.gif")
        assert "not writable" in message
        assert "figure" not in anim.__dict__
    finally:
        folder.chmod(0o700)
    assert listing(folder) == []


@pytest.mark.parametrize("ext", ["gif", "svg", "pdf"])
def test_missing_folder_is_refused_and_nothing_created(tmp_path, ext) -> None:
    anim = animation()
    message = _refused(anim, tmp_path / "missing" / "sub" / f"a.{ext}")
    assert "missing" in message
    assert listing(tmp_path) == []


@pytest.mark.parametrize("ext", ["gif", "svg", "pdf", "tex"])
def test_missing_folder_is_refused_before_drawing(tmp_path, ext) -> None:
    path = tmp_path / "missing" / f"a.{ext}"
    with pytest.raises(ConvArithError, match="does not exist"):
        check_target(path)


def test_an_existing_folder_is_a_frames_target_whatever_its_name(tmp_path) -> None:
    # The rule: a path ending in / or naming an existing folder gets one file per frame.
    (tmp_path / "out.gif").mkdir()
    anim = animation()
    written = anim.save(tmp_path / "out.gif")
    assert [p.name for p in written] == sorted(p.name for p in (tmp_path / "out.gif").iterdir())
    assert all(p.suffix == ".png" for p in written) and len(written) == anim.frame_count


def test_bad_scale_refused_before_drawing(tmp_path) -> None:
    anim = animation()
    _refused(anim, tmp_path / "a.gif", scale=0)
    assert "figure" not in anim.__dict__


@pytest.mark.parametrize("scale", [0, 0.05, 21, -1])
def test_bad_scale_refused(tmp_path, scale) -> None:
    message = _refused(animation(), tmp_path / "a.gif", scale=scale)
    assert "scale" in message
    assert listing(tmp_path) == []


def test_too_many_frames(tmp_path) -> None:
    with pytest.raises(ConvArithError) as info:
        convarith.animate("conv", (150, 150), kernel_size=1)  # 22,500 output cells
    message = str(info.value)
    assert "\n" not in message
    assert "22500 frames" in message and "20000" in message
    # The limit itself is allowed (one frame per output cell).
    assert convarith.animate("conv", (20000,), kernel_size=1).scene.config.output_shape == (20000,)
    assert listing(tmp_path) == []


def test_check_target_returns_the_format(tmp_path) -> None:
    webp = check_target(tmp_path / "a.webp")
    assert (webp.name, webp.layout, webp.mode) == ("webp", "stream", "RGB")
    assert check_target(f"{tmp_path}/new/").layout == "folder"
    folder = check_target(tmp_path, "svg")
    assert (folder.layout, folder.extension, folder.mode) == ("folder", ".svg", None)
    assert listing(tmp_path) == []  # checking writes nothing
