"""The analysis: :func:`analyze_graph` turns a network's data flow into a :class:`~convarith.core.graph.ModelReport`."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from convarith.core.arithmetic import Config, configure
from convarith.core.errors import ConvArithError
from convarith.core.graph.axis_map import AxisMap  # noqa: F401  (the examples use it)
from convarith.core.graph.nodes import GraphNode, NodeReport
from convarith.core.graph.report import ModelReport
from convarith.core.graph.walk import (
    _extent,
    _forward,
    _known,
    _needs,
    _Spatial,
    _State,
    _too_long,
    _Uniform,
)
from convarith.core.params import parse_shape
from convarith.core.stack import LayerReport
from convarith.core.text import shape_text

__all__ = ["analyze_graph"]


def _configure(index: int, node: GraphNode, ndim: int) -> Config:
    """A layer's configuration on the input it got, checked against the output PyTorch gave.

    The layer's own number of axes is its kernel size's (the network's, for one int).
    """
    layer = node.layer
    assert layer is not None
    kernel = layer.params.get("kernel_size")
    nd = len(kernel) if isinstance(kernel, (tuple, list)) else ndim
    source = node.input_shapes[0] if node.input_shapes else ()
    try:
        config = configure(layer.op, source[-nd:], **dict(layer.params))
    except ConvArithError as error:
        raise ConvArithError(
            f"row {index} ({node.label}) on {shape_text(source[-nd:])}: {error}"
        ) from None
    if tuple(node.shape[-nd:]) != config.output_shape:
        raise ConvArithError(
            f"row {index} ({node.label}): PyTorch gave {shape_text(node.shape[-nd:])} but "
            f"{layer.op} with these parameters gives {shape_text(config.output_shape)}"
        )
    return config


def analyze_graph(
    input_shape: Any,
    nodes: Sequence[GraphNode],
    in_channels: int | None = None,
    input_size: Sequence[int] = (),
    outputs: Sequence[Sequence[int]] = (),
    notes: Sequence[str] = (),
) -> ModelReport:
    """Receptive fields and jumps of every node of a network's data flow.

    Parameters
    ----------
    input_shape : tuple of int
        Spatial sizes of the network's input (node 0).
    nodes : sequence of GraphNode
        Every leaf module and operation in call order; node ``k`` (from 1)
        reads only nodes before it.
    in_channels : int, optional
        The input's channels, when known.
    input_size, outputs, notes
        The input tensor's whole shape, the output tensors' shapes and notes,
        kept in the report.

    Returns
    -------
    ModelReport

    Raises
    ------
    ConvArithError
        For a node that reads a later node, or a layer whose parameters
        do not give the output shape the node records.

    Examples
    --------
    A 2x nearest upsampling between two 3-wide convolutions:

    >>> from convarith.core.stack import Layer
    >>> conv = Layer("conv", {"kernel_size": 3, "padding": 1})
    >>> up = (AxisMap("nearest", 8, 16, (2.0,)),)
    >>> nodes = [
    ...     GraphNode("c1", "Conv1d", "layer", (0,), (1, 1, 8), ((1, 1, 8),), True, layer=conv),
    ...     GraphNode("up", "Upsample", "map", (1,), (1, 1, 16), ((1, 1, 8),), True, (up,)),
    ...     GraphNode("c2", "Conv1d", "layer", (2,), (1, 1, 16), ((1, 1, 16),), True, layer=conv),
    ... ]
    >>> report = analyze_graph((8,), nodes)
    >>> [(n.receptive_field, str(n.jump[0])) for n in report.nodes]
    [((3,), '1'), ((3,), '1/2'), ((4,), '1/2')]

    """
    shape = parse_shape(input_shape)
    ndim = len(shape)
    reports: list[NodeReport] = []
    for index, node in enumerate(nodes, start=1):
        if any(not 0 <= j < index for j in node.inputs):
            raise ConvArithError(
                f"row {index} ({node.label}) reads rows {node.inputs}: only earlier rows"
            )
        if node.rule == "map" and node.spatial:
            for k, per_axis in enumerate(node.maps):
                if per_axis and len(per_axis) != ndim:
                    raise ConvArithError(
                        f"row {index} ({node.label}): input {k} has {len(per_axis)} axis maps, "
                        f"the input has {ndim} axes"
                    )
        config = _configure(index, node, ndim) if node.rule == "layer" else None
        reports.append(NodeReport(**node._asdict(), index=index, config=config))
    need = _needs(shape, reports)
    if need is None:
        states: list[_State] = [None] * (len(reports) + 1)
        jumps: list[tuple[Fraction | None, ...] | None] = [None] * (len(reports) + 1)
        notes = (*notes, _too_long())
    else:
        states, jumps = _forward(shape, reports, need)
    final = []
    for node, state, jump in zip(reports, states[1:], jumps[1:]):
        size = node.shape[-ndim:] if isinstance(state, _Spatial) else None
        final.append(
            NodeReport(
                **{
                    **node._asdict(),
                    "receptive_field": _extent(state, size),
                    "jump": _known(jump),
                    "whole": isinstance(state, _Uniform),
                }
            )
        )
    layers = []
    for node in final:
        if node.config is None:
            continue
        layer = node.layer
        assert layer is not None
        nd = node.config.ndim
        source = node.input_shapes[0] if node.input_shapes else ()
        layers.append(
            LayerReport(
                node.index,
                node.label,
                node.config,
                source[-nd - 1] if len(source) > nd else None,
                node.shape[-nd - 1] if len(node.shape) > nd else None,
                layer.groups,
                node.receptive_field or (None,) * nd,
                node.jump or (),
            )
        )
    return ModelReport(
        input_shape=shape,
        in_channels=in_channels,
        layers=tuple(layers),
        nodes=tuple(final),
        input_size=tuple(input_size),
        outputs=tuple(tuple(s) for s in outputs),
        notes=tuple(notes),
    )
