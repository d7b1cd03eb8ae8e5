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

from convarith.arithmetic import Config, configure, output_shape
from convarith.errors import ConvArithError

__version__ = "0.1.0"

#: Public names served lazily: name -> module that defines it.
_LAZY = {
    "describe": "convarith.explain",
    "Description": "convarith.explain",
    "relationship": "convarith.relations",
    "Relationship": "convarith.relations",
    "RELATIONSHIPS": "convarith.relations",
    "equivalent_direct_conv": "convarith.analysis",
    "same_output_sizes": "convarith.analysis",
    "unread_cells": "convarith.analysis",
    "padding_for_output": "convarith.analysis",
    "restoring_output_padding": "convarith.analysis",
    "Layer": "convarith.stack",
    "analyze_stack": "convarith.stack",
    "StackReport": "convarith.stack",
    "from_torch": "convarith.torch_bridge",
    "scene": "convarith.scenes",
    "Scene": "convarith.scenes",
    "animate": "convarith.api",
    "Animation": "convarith.api",
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
