"""The README's images are what the code draws now, made by tools/make_readme_images.py."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from PIL import Image

from support.tools import PROJECT


def _tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "make_readme_images", PROJECT / "tools" / "make_readme_images.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_images_match_what_the_code_draws(tmp_path: Path) -> None:
    tool = _tool()
    written = tool.make_images(tmp_path)
    assert [p.name for p in written] == [f"{n}.gif" for n in tool.NAMES]
    for path in written:
        kept = PROJECT / "docs" / "img" / path.name
        assert kept.exists(), f"{kept} is missing: run python tools/make_readme_images.py"
        assert kept.read_bytes() == path.read_bytes(), (
            f"{kept} differs from what the code draws now: run python tools/make_readme_images.py"
        )
        with Image.open(path) as image:
            assert image.width == tool.WIDTH


def test_the_readme_shows_every_image() -> None:
    readme = (PROJECT / "README.md").read_text()
    for name in _tool().NAMES:
        assert f"docs/img/{name}.gif" in readme
