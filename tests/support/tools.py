"""Find what the tests need outside Python: system tools and the shared reference figures.

A test that needs a missing tool skips, saying what to install, except under
``CI=true``: there a missing tool fails the test, so that CI cannot pass by
skipping what it was meant to check.  Tools that the test extra installs
(``resvg``) live in the environment's own ``bin`` folder, which is searched
first even when that folder is not on ``PATH``.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

#: The project's root (the folder with pyproject.toml).
PROJECT = Path(__file__).resolve().parents[2]
#: The shared design and reference material, beside the project.
SHARED = PROJECT.parent / "shared"

#: Tool -> what provides it, for the skip message.
PROVIDERS = {
    "pdflatex": "apt-get install texlive-latex-base texlive-latex-extra texlive-pictures",
    "pdftoppm": "apt-get install poppler-utils",
    "pdfinfo": "apt-get install poppler-utils",
    "pdffonts": "apt-get install poppler-utils",
    "pdftotext": "apt-get install poppler-utils",
    "chromium": "apt-get install chromium",
    "resvg": "pip install '.[test]'",
}


def in_ci() -> bool:
    """Whether the tests run in CI, where nothing may be skipped for want of a tool."""
    return os.environ.get("CI", "").lower() == "true"


def missing(reason: str) -> None:
    """Skip the test, or fail it in CI."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: a missing tool fails the test)")
    pytest.skip(reason)


def find_tool(name: str) -> str | None:
    """The tool's path: the environment's ``bin`` first, then ``PATH``."""
    local = Path(sys.executable).parent / name
    if local.is_file() and os.access(local, os.X_OK):
        return str(local)
    return shutil.which(name)


def require_tool(*names: str) -> str:
    """The path of the first of ``names`` found, or skip (fail in CI) naming what installs it."""
    for name in names:
        path = find_tool(name)
        if path:
            return path
    hint = PROVIDERS.get(names[0], f"install {names[0]}")
    missing(f"{names[0]} is not installed ({hint})")
    raise AssertionError("unreachable")


def shared(*parts: str) -> Path:
    """A path under ``../shared`` from the project's root, or skip (fail in CI) if it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        missing(f"{path} is missing: the shared reference material lies beside the project")
    return path


#: Flags for the system's headless Chromium in tests: no sandbox (CI runs as
#: root), and none of the background connections this machine's closed network
#: refuses.  Playwright adds ``--headless`` itself; a direct command line adds it.
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
