"""The examples in the numeric layer's docstrings run and print what they claim."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "convarith.numeric",
    "convarith.numeric._indexing",
    "convarith.numeric._inputs",
    "convarith.numeric.convolution",
    "convarith.numeric.gather",
    "convarith.numeric.matrix",
    "convarith.numeric.pooling",
    "convarith.numeric.sampling",
    "convarith.numeric.scatter",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
