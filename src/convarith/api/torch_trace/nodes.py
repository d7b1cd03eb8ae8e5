"""The tracer's bookkeeping: tracked tensors, frames, and the generic node builders."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from convarith.api.torch_trace.ops import _tensors
from convarith.core.graph import AxisMap, GraphNode


class _Frame:
    __slots__ = ("inner", "inputs", "kind", "module", "name", "start", "work")

    def __init__(self, module: Any, name: str, start: int) -> None:
        self.module = module
        self.name = name
        self.kind = type(module).__name__
        self.start = start
        self.work: str | None = None  # "layer" or "keep": recorded as one node
        self.inner = False
        self.inputs: list[tuple[torch.Tensor, int]] = []


class _Recorder(TorchFunctionMode):
    """The tracer's state and the nodes every operation is recorded as."""

    def __init__(self, ndim: int, names: dict[int, str]) -> None:
        super().__init__()
        self.ndim = ndim
        self.names = names
        self.nodes: list[GraphNode] = []
        self.spatial: list[bool] = [True]
        self.known: dict[int, tuple[torch.Tensor, int]] = {}
        self.frames: list[_Frame] = []
        self.depth = 0
        self.paused = False
        self.layers = 0

    # -- bookkeeping

    def node_of(self, t: Any) -> int | None:
        entry = self.known.get(id(t))
        return entry[1] if entry is not None and entry[0] is t else None

    def tracked(self, value: Any) -> list[tuple[torch.Tensor, int]]:
        found = []
        for t in _tensors(value):
            j = self.node_of(t)
            if j is not None:
                found.append((t, j))
        return found

    def where(self) -> str:
        for frame in reversed(self.frames):
            if not frame.inner:
                return (
                    f"in {frame.name} ({frame.kind})"
                    if frame.name
                    else f"in the forward of {frame.kind}"
                )
        return "in the forward call"

    def owner(self) -> str:
        for frame in reversed(self.frames):
            if not frame.inner:
                return frame.name
        return ""

    def add(self, node: GraphNode, outputs: Sequence[torch.Tensor]) -> int:
        self.nodes.append(node)
        index = len(self.nodes)
        self.spatial.append(node.spatial)
        for t in outputs:
            self.known[id(t)] = (t, index)
        if node.rule == "layer":
            self.layers += 1
        return index

    # -- module hooks

    # -- generic nodes

    def pointwise(
        self,
        name: str,
        kind: str,
        inputs: Sequence[tuple[torch.Tensor, int]],
        out: torch.Tensor,
        details: str = "",
    ) -> GraphNode:
        """An element-wise node: each output cell reads the same cell of each input (broadcast)."""
        nd = self.ndim
        shape = tuple(out.shape)
        maps: list[tuple[AxisMap, ...]] = []
        spatial = False
        for t, j in inputs:
            if not self.spatial[j] or t.dim() < nd or len(shape) < nd:
                maps.append(())
                continue
            per = []
            for a in range(nd):
                i, o = int(t.shape[t.dim() - nd + a]), shape[len(shape) - nd + a]
                if i == o:
                    per.append(AxisMap("same", i, o))
                elif i == 1:
                    per.append(AxisMap("zero", 1, o))
                else:
                    return self.opaque(name, kind, inputs, out)
            maps.append(tuple(per))
            spatial = True
        return GraphNode(
            name,
            kind,
            "map" if spatial else "flat",
            tuple(j for _, j in inputs),
            shape,
            tuple(tuple(t.shape) for t, _ in inputs),
            spatial,
            tuple(maps) if spatial else (),
            details=details,
        )

    def opaque(
        self, name: str, kind: str, inputs: Sequence[tuple[torch.Tensor, int]], out: torch.Tensor
    ) -> GraphNode:
        return GraphNode(
            name,
            kind,
            "opaque",
            tuple(j for _, j in inputs),
            tuple(out.shape),
            tuple(tuple(t.shape) for t, _ in inputs),
            out.dim() >= self.ndim + 1,
        )

    def mapped(
        self,
        name: str,
        kind: str,
        source: tuple[torch.Tensor, int],
        out: torch.Tensor,
        per_axis: Sequence[AxisMap],
        details: str = "",
    ) -> GraphNode:
        t, j = source
        return GraphNode(
            name,
            kind,
            "map",
            (j,),
            tuple(out.shape),
            (tuple(t.shape),),
            True,
            (tuple(per_axis),),
            details=details,
        )

    def flat(
        self,
        name: str,
        kind: str,
        inputs: Sequence[tuple[torch.Tensor, int]],
        out: torch.Tensor,
        details: str = "",
    ) -> GraphNode:
        return GraphNode(
            name,
            kind,
            "flat",
            tuple(j for _, j in inputs),
            tuple(out.shape),
            tuple(tuple(t.shape) for t, _ in inputs),
            details=details,
        )
