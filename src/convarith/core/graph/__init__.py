"""Receptive fields and jumps through a graph of layers: branches, joins, resizing, flattening.

:func:`analyze_graph` takes a network's data flow as it ran, one
:class:`GraphNode` per leaf module or operation, in call order, each naming
the nodes it read.  For every node it gives the receptive field, meaning how many
input cells per axis one output cell can depend on, and the jump, meaning the
distance in input cells between the fields of neighbouring output cells.

Each node says how one of its output cells reads its inputs, per axis:

- ``rule="layer"``: a convolution, transposed convolution or pooling. Its
  windows come from :func:`~convarith.core.arithmetic.configure`, read as
  :mod:`convarith.core.stack` reads them.
- ``rule="map"``: any other operation that keeps the spatial axes. It has one
  :class:`AxisMap` per input and axis. Element-wise operations and
  normalisation read the same cell (``same``), or cell 0 of an axis of size 1
  broadcast (``zero``). Adaptive pooling reads its window (``adaptive``).
  Resizing reads the cells its kernel weighs (``nearest``, ``linear``,
  ``cubic``). Padding, cropping and concatenation shift cells. An operation
  along an axis (softmax, a mean that keeps the axis) reads the whole axis
  (``all``).
- ``rule="flat"``: the spatial axes are gone, as after a flatten or a linear
  layer over them. Every element may depend on every cell that any input
  position depends on, so the field is the whole input.
- ``rule="opaque"``: an operation that convarith does not follow. Its field,
  and the field of everything computed from it, is unknown (``None``).

Where paths join (a sum, a concatenation) the field is the union over the
paths, and the jump is the largest of theirs when they differ.  Fields are
computed axis by axis, which is exact wherever every output cell reads every
input of its node. Where only some cells read an input, as in a concatenation
along a spatial axis, the fields along the other axes are the union over all
the inputs, which can be wider than the truth.  Fields are
unclipped, as in the stack table: padding cells beyond the input's edges
count, so a field can be wider than the input.  Where the input is large
enough that a cell's field stays inside it, the field is exactly the bounding
box of the input cells that the cell's value depends on.

Examples
--------
A residual block: a 3x3 convolution added to its input.

>>> from convarith.core.stack import Layer
>>> same = (AxisMap("same", 8, 8),)
>>> nodes = [
...     GraphNode("conv", "Conv1d", "layer", (0,), (1, 4, 8), ((1, 4, 8),), True,
...               layer=Layer("conv", {"kernel_size": 3, "padding": 1})),
...     GraphNode("", "add", "map", (1, 0), (1, 4, 8), ((1, 4, 8), (1, 4, 8)), True,
...               maps=(same, same)),
... ]
>>> report = analyze_graph((8,), nodes)
>>> [(n.kind, n.receptive_field, n.jump) for n in report.nodes]
[('Conv1d', (3,), (Fraction(1, 1),)), ('add', (3,), (Fraction(1, 1),))]
>>> report.fields(2)[0][:3]     # the (first, last) input cell each output cell reads
((0, 1), (0, 2), (1, 3))
>>> report.fields(2, clip=False)[0][:3]     # padding counted, as the receptive field
((-1, 1), (0, 2), (1, 3))

"""

from __future__ import annotations

from convarith.core.graph.analyze import analyze_graph
from convarith.core.graph.axis_map import MAP_KINDS, AxisMap, axis_reads
from convarith.core.graph.nodes import RULES, GraphNode, NodeReport
from convarith.core.graph.report import ModelReport

__all__ = [
    "MAP_KINDS",
    "RULES",
    "AxisMap",
    "GraphNode",
    "ModelReport",
    "NodeReport",
    "analyze_graph",
    "axis_reads",
]
