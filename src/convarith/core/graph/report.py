"""A network's receptive fields, row by row: :class:`ModelReport`, its fields per cell and its table.

Examples
--------
>>> from convarith.core.graph import AxisMap, GraphNode, analyze_graph
>>> same = (AxisMap("same", 4, 4),)
>>> node = GraphNode("", "relu", "map", (0,), (1, 2, 4), ((1, 2, 4),), True, maps=(same,))
>>> report = analyze_graph((4,), [node])
>>> report.fields(1)
(((0, 0), (1, 1), (2, 2), (3, 3)),)

"""

from __future__ import annotations

from typing import Any

from convarith.core.errors import ConvArithError
from convarith.core.graph.nodes import NodeReport
from convarith.core.graph.walk import _forward, _needs, _too_long, _Uniform
from convarith.core.stack import StackReport, _short_params
from convarith.core.text import per_axis_text, shape_text

__all__ = ["ModelReport"]


class ModelReport(StackReport):
    """A network's receptive fields: every leaf module and operation that ran, in call order.

    ``layers`` holds, as in a :class:`~convarith.core.stack.StackReport`, one
    :class:`~convarith.core.stack.LayerReport` per convolution and pooling, with
    ``index`` being its row in ``nodes``.  When convarith cannot follow a layer's
    field, its ``receptive_field`` holds None on every axis and its ``jump`` is empty.
    ``nodes`` holds every row.  ``input_size`` is the whole input tensor's shape,
    and ``outputs`` the shapes of the network's output tensors.  ``notes``
    says what convarith could not follow.
    """

    nodes: tuple[NodeReport, ...] = ()
    input_size: tuple[int, ...] = ()
    outputs: tuple[tuple[int, ...], ...] = ()
    notes: tuple[str, ...] = ()

    def _last_spatial(self) -> NodeReport | None:
        return next((n for n in reversed(self.nodes) if n.spatial), None)

    @property
    def output_shape(self) -> tuple[int, ...]:
        """Spatial shape at the end of the network's spatial part (before any flatten)."""
        node = self._last_spatial()
        ndim = len(self.input_shape)
        return node.shape[-ndim:] if node is not None else self.input_shape

    @property
    def out_channels(self) -> int | None:
        """Channels at the end of the network's spatial part."""
        node = self._last_spatial()
        ndim = len(self.input_shape)
        if node is None or len(node.shape) < ndim + 1:
            return self.in_channels
        return node.shape[-ndim - 1]

    def fields(
        self, index: int, clip: bool = True
    ) -> tuple[tuple[tuple[int, int] | None, ...], ...]:
        """Per axis, the first and last input cell that each output cell of row ``index`` depends on.

        With ``clip`` (the default), the bounding box of the input cells that
        the cell's value depends on: padding reads nothing. Without it, the
        unclipped field that the receptive field measures: padding cells count
        where the layers' arithmetic puts them, beyond the input's edges. None
        for a cell that depends on no input cell.  A row whose spatial axes are
        gone gives one entry per axis.
        """
        if not 1 <= index <= len(self.nodes):
            raise ConvArithError(
                f"index={index!r} must be a row of the table, 1 to {len(self.nodes)}"
            )
        need = _needs(self.input_shape, self.nodes)
        if need is None:
            raise ConvArithError(_too_long())
        states, _ = _forward(self.input_shape, self.nodes, need, clip)
        state = states[index]
        if state is None:
            raise ConvArithError(
                f"row {index} ({self.nodes[index - 1].label}): convarith cannot follow its field"
            )
        if isinstance(state, _Uniform):
            return tuple((h,) if h[0] <= h[1] else (None,) for h in state.hulls)
        node = self.nodes[index - 1]
        sizes = node.shape[-len(self.input_shape) :]
        result = []
        for (off, los, his), size in zip(state.axes, sizes):
            result.append(
                tuple(
                    (los[u - off], his[u - off]) if los[u - off] <= his[u - off] else None
                    for u in range(size)
                )
            )
        return tuple(result)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the stack's keys, plus every row under ``nodes``."""
        result = super().to_dict()
        result["input_size"] = list(self.input_size)
        result["outputs"] = [list(s) for s in self.outputs]
        result["nodes"] = [
            {
                "index": n.index,
                "name": n.name,
                "kind": n.kind,
                "rule": n.rule,
                "from": list(n.inputs),
                "details": n.details,
                "input_shapes": [list(s) for s in n.input_shapes],
                "shape": list(n.shape),
                "spatial": n.spatial,
                "receptive_field": None if n.receptive_field is None else list(n.receptive_field),
                "whole": n.whole,
                "jump": None if n.jump is None else [str(j) for j in n.jump],
            }
            for n in self.nodes
        ]
        result["notes"] = list(self.notes)
        return result

    def table(self) -> str:
        """Every row, like a model summary, with receptive fields and jumps.

        ``from`` names the rows that a row reads when that is not just the row
        above it. A field marked ``(all)`` belongs to a row whose spatial axes
        are gone, and every output element may read it all. A ``?`` marks a
        field that convarith cannot follow.
        """
        head = ("#", "layer", "from", "parameters", "output", "receptive field", "jump")
        first = self.input_size[1:] if self.input_size else self.input_shape
        rows = [("", "input", "", "", shape_text(first), "1", "1")]
        reports = {r.index: r for r in self.layers}
        for n in self.nodes:
            source = "" if n.inputs == (n.index - 1,) else ",".join(map(str, n.inputs)) or "-"
            params = _short_params(reports[n.index]) if n.index in reports else n.details
            if n.receptive_field is None:
                field = "?"
            else:
                field = shape_text(n.receptive_field) + (" (all)" if n.whole else "")
            jump = "-" if n.jump is None else per_axis_text(n.jump)
            output = shape_text(n.shape[1:]) if len(n.shape) > 1 else "-"
            rows.append((str(n.index), n.label, source, params, output, field, jump))
        widths = [max(len(row[k]) for row in (head, *rows)) for k in range(len(head))]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(head, widths)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)
