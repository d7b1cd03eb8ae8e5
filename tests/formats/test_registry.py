"""The format registry: one entry per format, and every front end goes through it."""

from __future__ import annotations

import io
import sys
from contextlib import redirect_stdout
from importlib.metadata import metadata
from pathlib import Path

import pytest

import convarith
from convarith import ConvArithError
from convarith.cli import main
from convarith.figure.primitives import Figure
from convarith.formats import registry
from convarith.formats.registry import (
    FORMATS,
    Format,
    file_extensions,
    file_format,
    frame_format,
    frame_format_names,
)
from convarith.formats.save import check_target, save_figure

#: What each kind of file starts with (or holds near its start).
MAGIC = {
    ".gif": b"GIF89a",
    ".webp": b"RIFF",
    ".apng": b"\x89PNG",
    ".png": b"\x89PNG",
    ".mp4": b"ftyp",
    ".svg": b"<svg",
    ".pdf": b"%PDF-",
    ".tex": b"\\documentclass",
}


@pytest.fixture(scope="module")
def figure() -> Figure:
    return convarith.animate("conv", (3, 3), kernel_size=2).figure


def test_each_format_is_one_entry_with_a_unique_key() -> None:
    keys = [(f.subject, f.layout == "folder", f.extension) for f in FORMATS]
    assert len(keys) == len(set(keys))
    assert file_extensions() == (".gif", ".webp", ".apng", ".png", ".mp4", ".svg", ".pdf", ".tex")
    assert frame_format_names() == ("png", "svg", "pdf")


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f"{f.layout}{f.extension}")
def test_every_entry_names_a_writer_that_exists(fmt: Format) -> None:
    assert callable(fmt.load())
    # Raster streams and raster folders say which frames they take; vector ones take none.
    writer_is_vector = fmt.writer.startswith("convarith.backends.")
    assert (fmt.mode is None) == writer_is_vector


def test_lookups_are_case_insensitive_and_refusals_name_the_choices() -> None:
    assert file_format("A.GIF").name == "gif"
    assert file_format("dir.svg/x.tex").name == "tex"
    with pytest.raises(ConvArithError, match=r"^path='a\.bmp' has \.bmp: use \.gif, \.webp"):
        file_format("a.bmp")
    with pytest.raises(ConvArithError, match=r"has no extension"):
        file_format("noext")
    with pytest.raises(ConvArithError, match=r"^frame_format='jpg' must be one of png, svg, pdf$"):
        frame_format("jpg")


def test_optional_dependencies_name_a_real_extra() -> None:
    info = metadata("convarith")
    extras = info.get_all("Provides-Extra") or []
    requirements = info.get_all("Requires-Dist") or []
    needing = [f for f in FORMATS if f.requires]
    assert needing, "MP4 needs an optional dependency"
    for fmt in needing:
        assert fmt.extra in extras and fmt.check and fmt.requires
        package = fmt.requires.replace("_", "-")
        assert any(
            r.startswith(package) and f'extra == "{fmt.extra}"' in r for r in requirements
        ), requirements


def test_a_missing_optional_dependency_is_refused_before_any_work(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # import now fails
    with pytest.raises(ConvArithError, match=r"pip install '[^']*\[mp4\]'"):
        check_target(tmp_path / "a.mp4")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("ext", list(MAGIC))
def test_each_file_format_writes_its_kind_of_file(figure: Figure, tmp_path: Path, ext: str) -> None:
    [written] = save_figure(figure, tmp_path / f"a{ext}")
    assert MAGIC[ext] in written.read_bytes()[:200]


@pytest.mark.parametrize("name", ["png", "svg", "pdf"])
def test_each_folder_format_writes_one_file_per_frame(
    figure: Figure, tmp_path: Path, name: str
) -> None:
    written = save_figure(figure, f"{tmp_path}/frames/", name="f", frame_format=name)
    assert [p.name for p in written] == [f"f_{i:02d}.{name}" for i in range(figure.frame_count)]
    assert all(MAGIC[f".{name}"] in p.read_bytes()[:200] for p in written)


def _text_document(figure: Figure, *, scale: float = 1.0) -> str:
    return f"{figure.frame_count} frames at scale {scale:g}\n"


def test_adding_a_format_is_one_entry(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    entry = Format(
        "txt", "animation", ".txt", "file", "frame count as text", f"{__name__}:_text_document"
    )
    monkeypatch.setattr(registry, "FORMATS", (*FORMATS, entry))
    assert check_target(tmp_path / "a.txt") == entry
    anim = convarith.animate("conv", (3, 3), kernel_size=2)
    anim.save(tmp_path / "a.txt", scale=2)
    assert (tmp_path / "a.txt").read_text() == "4 frames at scale 2\n"
    assert (
        main(["animate", "conv", "--input", "4x4", "--kernel", "3", "-o", str(tmp_path / "b.txt")])
        == 0
    )
    assert (tmp_path / "b.txt").read_text() == "4 frames at scale 1\n"
    help_text = io.StringIO()
    with redirect_stdout(help_text):
        assert main(["animate", "--help"]) == 0
    assert ".txt: frame count as text" in help_text.getvalue()


def test_a_format_refuses_a_figure_it_cannot_hold_before_drawing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import convarith.backends.raster as raster

    def no_drawing(*args: object, **kwargs: object) -> None:
        raise AssertionError("a frame was drawn before the refusal")

    monkeypatch.setattr(raster, "render_frames", no_drawing)
    transparent = convarith.animate("conv", (3, 3), kernel_size=2, background=None)
    with pytest.raises(
        ConvArithError, match=r"^background=None \(transparent\) cannot be written to MP4"
    ):
        transparent.save(tmp_path / "a.mp4")
    assert list(tmp_path.iterdir()) == []
