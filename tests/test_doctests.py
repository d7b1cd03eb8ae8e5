"""Every example in convarith's docstrings runs and prints what it claims."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import convarith

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(convarith.__path__, "convarith.")
    if not info.name.endswith("__main__")
)

#: The public API lives here: each must carry runnable examples.
DOCUMENTED = (
    "convarith",
    "convarith.core.arithmetic",
    "convarith.core.equivalent",
    "convarith.core.same_sizes",
    "convarith.core.unread",
    "convarith.core.target_padding",
    "convarith.core.output_padding",
    "convarith.core.text",
    "convarith.core.relations",
    "convarith.core.explain",
    "convarith.core.stack",
    "convarith.scene.build",
    "convarith.scene.scatter",
    "convarith.scene.matrix",
    "convarith.api.animation",
    "convarith.numeric.convolution",
    "convarith.numeric.matrix",
    "convarith.draw.views",
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


@pytest.mark.parametrize("name", DOCUMENTED)
def test_public_modules_have_examples(name: str) -> None:
    finder = doctest.DocTestFinder()
    examples = sum(len(t.examples) for t in finder.find(importlib.import_module(name)))
    assert examples > 0, f"{name} has no docstring examples"
