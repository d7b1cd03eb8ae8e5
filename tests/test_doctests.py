"""Every example in convarith's docstrings runs and prints what it claims, and every module has some.

A module that defines public functions or classes but has no example fails
(a doctest run that collects nothing would pass without checking anything),
unless it is listed in :data:`WITHOUT_EXAMPLES` with the reason.  A module
that only re-exports (a package's ``__init__``) has nothing of its own to show.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import convarith

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(convarith.__path__, "convarith.")
    if not info.name.endswith("__main__")
)

#: Modules with code and no examples, and why an example would not help there.
WITHOUT_EXAMPLES = {
    "convarith.cli.animate": "a command: tests/cli runs it as a user would",
    "convarith.cli.gallery": "a command: tests/cli runs it as a user would",
    "convarith.cli.guide": "a command: tests/cli runs it as a user would",
    "convarith.cli.serve": "a command: tests/cli and tests/explorer run it as a user would",
    "convarith.cli.scene": "a command: tests/cli runs it as a user would",
    "convarith.cli.shape": "a command: tests/cli runs it as a user would",
    "convarith.cli": "the command line's entry point: tests/cli runs it",
    "convarith.core.version": "a version string",
    "convarith.gallery.build": "renders dozens of files: tests/gallery builds galleries",
    "convarith.gallery.manifest": "reads and writes a gallery's files: tests/gallery",
}


def _defines_public_code(name: str) -> bool:
    module = importlib.import_module(name)
    body = ast.parse(Path(module.__file__ or "").read_text()).body
    return any(
        isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_")
        for node in body
    )


def _examples(name: str) -> int:
    finder = doctest.DocTestFinder()
    return sum(len(t.examples) for t in finder.find(importlib.import_module(name)))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    if name not in WITHOUT_EXAMPLES and _defines_public_code(name):
        assert result.attempted > 0, f"{name} has code but no docstring examples"


@pytest.mark.parametrize("name", sorted(WITHOUT_EXAMPLES))
def test_the_exemptions_are_current(name: str) -> None:
    assert name in MODULES, f"{name} no longer exists"
    assert _examples(name) == 0, f"{name} has examples now: drop it from WITHOUT_EXAMPLES"
