"""convarith: the arithmetic of convolutions, exact and visible.

Output sizes, relationships and explanations for convolution, transposed
convolution, dilation and pooling exactly as PyTorch computes them, and the
animations of the classic convolution arithmetic guide for any parameters.

>>> import convarith
>>> convarith.output_shape("conv", (5, 5), kernel_size=3, stride=2, padding=1)
(3, 3)

The arithmetic is imported eagerly and needs only the standard library;
everything that draws or computes with numpy is imported on first use.
"""

from __future__ import annotations

from importlib import import_module

from convarith.core.arithmetic import Config, configure, output_shape
from convarith.core.errors import ConvArithError
from convarith.core.version import __version__

#: Public names served lazily: name -> module that defines it.
_LAZY = {
    "describe": "convarith.core.explain",
    "Description": "convarith.core.explain",
    "relationship": "convarith.core.relations",
    "Relationship": "convarith.core.relations",
    "RELATIONSHIPS": "convarith.core.relations",
    "equivalent_direct_conv": "convarith.core.equivalent",
    "same_output_sizes": "convarith.core.same_sizes",
    "unread_cells": "convarith.core.unread",
    "padding_for_output": "convarith.core.target_padding",
    "restoring_output_padding": "convarith.core.output_padding",
    "Layer": "convarith.core.stack",
    "analyze_stack": "convarith.core.stack",
    "StackReport": "convarith.core.stack",
    "from_torch": "convarith.api.from_torch",
    "scene": "convarith.scenes.build",
    "Scene": "convarith.scenes.build",
    "animate": "convarith.api.animation",
    "Animation": "convarith.api.animation",
    "explore": "convarith.notebook.launch",
    "conv_matrix": "convarith.numeric",
    "Style": "convarith.draw.style",
    "THEMES": "convarith.draw.style",
}

__all__ = ["Config", "ConvArithError", "__version__", "configure", "output_shape", *_LAZY]


TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'convarith' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
