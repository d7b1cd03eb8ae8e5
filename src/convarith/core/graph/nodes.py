"""The rows of a network's data flow: :class:`GraphNode` as it ran, :class:`NodeReport` after the analysis.

Examples
--------
>>> GraphNode("", "add", "map", (1, 0), (1, 4, 8)).rule
'map'

"""

from __future__ import annotations

from fractions import Fraction

from convarith.core.arithmetic import Config
from convarith.core.errors import ConvArithError
from convarith.core.graph.axis_map import AxisMap
from convarith.core.record import Record
from convarith.core.stack import Layer

__all__ = ["RULES", "GraphNode", "NodeReport"]

#: How a node's output cells read its inputs (see the module's docstring).
RULES = ("layer", "map", "flat", "opaque")


class GraphNode(Record):
    """One leaf module or operation of a network as it ran.

    ``name`` is the module's path in the network (``""`` for the network's
    own forward) and ``kind`` its class or the operation (``"Conv2d"``,
    ``"add"``, ``"cat"``).  ``inputs`` are the indices of the nodes it read
    (0 is the network's input), ``input_shapes`` their tensors' shapes, and
    ``shape`` the shape of its output, batch included, as forward hooks see
    them.  ``spatial`` says whether the output's last sizes are the input's
    spatial axes.  ``rule`` is one of :data:`RULES`; a ``layer`` holds its
    :class:`~convarith.core.stack.Layer`, and a ``map`` holds one
    :class:`AxisMap` per input and spatial axis in ``maps`` (an empty tuple
    for an input whose spatial axes are gone).  ``details`` is the
    parameters as the table shows them.

    Examples
    --------
    >>> GraphNode("fc", "Linear", "flat", (3,), (1, 10), ((1, 512),)).label
    'fc: Linear'

    """

    name: str
    kind: str
    rule: str
    inputs: tuple[int, ...]
    shape: tuple[int, ...]
    input_shapes: tuple[tuple[int, ...], ...] = ()
    spatial: bool = False
    maps: tuple[tuple[AxisMap, ...], ...] = ()
    layer: Layer | None = None
    details: str = ""

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ConvArithError(f"GraphNode rule={self.rule!r} must be one of {', '.join(RULES)}")
        if self.rule == "layer" and self.layer is None:
            raise ConvArithError(f"GraphNode {self.label!r}: a layer needs its Layer")

    @property
    def label(self) -> str:
        """The node's name in reports: its path and its kind."""
        return f"{self.name}: {self.kind}" if self.name else self.kind


class NodeReport(GraphNode):
    """A node after the analysis: its row in the table, field and jump.

    ``receptive_field`` is per axis of the network's input, or None when
    convarith cannot follow it.  ``whole`` says that the spatial axes are gone
    and every output element may read the whole field.  ``jump`` is None
    where it has no meaning (flattened, or an axis read whole).  ``config`` is
    a layer's resolved configuration.
    """

    index: int = 0
    config: Config | None = None
    receptive_field: tuple[int, ...] | None = None
    jump: tuple[Fraction, ...] | None = None
    whole: bool = False

    @property
    def output_shape(self) -> tuple[int, ...]:
        """The output's shape without the batch."""
        return self.shape[1:]
