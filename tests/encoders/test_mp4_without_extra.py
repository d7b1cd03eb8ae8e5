"""MP4 without its optional extra: refused in one line before any frame is drawn.

Apart from test_mp4.py, which needs imageio-ffmpeg installed: this test removes it.
The hint says how to install the extra from where convarith came from: from
PyPI ``pip install 'convarith[mp4]'``; from a source checkout ``pip install
'.[mp4]'`` in that folder, which it names.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from PIL import Image

from convarith.core.errors import ConvArithError
from convarith.encoders import mp4, write_mp4
from support.tools import PROJECT

PYPI = r"^MP4 output needs the optional extra: pip install 'convarith\[mp4\]'$"


def _refused_before_any_frame(tmp_path: Path, message: str) -> None:
    def frames() -> Image.Image:
        raise AssertionError("a frame was drawn")

    with pytest.raises(ConvArithError, match=message):
        write_mp4((frames() for _ in range(2)), [100, 100], tmp_path / "a.mp4")
    with pytest.raises(ConvArithError, match=message):
        mp4.require_ffmpeg()
    assert list(tmp_path.iterdir()) == []


def test_mp4_without_the_extra_installed_from_pypi(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # import fails
    monkeypatch.setattr(mp4, "_source_checkout", lambda: None)
    _refused_before_any_frame(tmp_path, PYPI)


def test_mp4_without_the_extra_in_a_source_checkout(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    checkout = tmp_path / "convarith-src"
    monkeypatch.setattr(mp4, "_source_checkout", lambda: checkout)
    out = tmp_path / "out"
    out.mkdir()
    message = (
        r"^MP4 output needs the optional extra: pip install '\.\[mp4\]' in the source "
        rf"checkout convarith runs from \({re.escape(str(checkout))}\)$"
    )
    _refused_before_any_frame(out, message)


def test_this_checkout_is_found() -> None:
    """The tests run from a source checkout: the hint names its folder, which holds the project."""
    folder = mp4._source_checkout()
    assert folder is not None
    assert 'name = "convarith"' in (folder / "pyproject.toml").read_text()
    # Installed from this checkout, editable or not: the hint names the checkout itself.
    assert folder.resolve() == PROJECT.resolve()
    assert (folder / "src" / "convarith" / "encoders" / "mp4.py").is_file()
    assert str(folder) in mp4.install_hint()
    assert "\n" not in mp4.install_hint()


def test_an_index_install_is_not_a_checkout(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A wheel from an index records no local folder, and lives in site-packages without a pyproject."""
    from importlib import metadata

    class Wheel:
        def read_text(self, name: str) -> str | None:
            return None

    fake = tmp_path / "site-packages" / "convarith" / "encoders" / "mp4.py"
    fake.parent.mkdir(parents=True)
    monkeypatch.setattr(metadata, "distribution", lambda name: Wheel())
    monkeypatch.setattr(mp4, "__file__", str(fake))
    assert mp4._source_checkout() is None
    assert re.match(PYPI, mp4.install_hint())
