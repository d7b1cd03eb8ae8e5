"""The layer order of the original's figures, shared by the arithmetic and numerical views.

>>> from convarith.figure.primitives import StaticLayer, Text
>>> layers = classic_layers(StaticLayer(()), lambda f: [], StaticLayer(()), lambda f: [], [0, 1], [])
>>> [type(layer).__name__ for layer in layers]
['StaticLayer', 'DynamicLayer', 'StaticLayer', 'DynamicLayer']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from convarith.figure.primitives import DynamicLayer, FigureLayer, Primitive, StaticLayer

__all__ = ["classic_layers"]

F = TypeVar("F")


def classic_layers(
    input_layer: StaticLayer,
    window: Callable[[F], Sequence[Primitive]],
    output_layer: StaticLayer,
    highlight: Callable[[F], Sequence[Primitive]],
    frames: Sequence[F],
    texts: Sequence[Primitive],
) -> tuple[FigureLayer, ...]:
    """Input, each frame's window, output (drawn over the window's lines), each frame's output cell, labels."""
    layers: list[FigureLayer] = [
        input_layer,
        DynamicLayer(tuple(tuple(window(f)) for f in frames)),
        output_layer,
        DynamicLayer(tuple(tuple(highlight(f)) for f in frames)),
    ]
    if texts:
        layers.append(StaticLayer(tuple(texts)))
    return tuple(layers)
