"""The forward hooks that record every module that runs."""

from __future__ import annotations

from typing import Any

import torch

from convarith.api.torch_trace.axes import _effective_output_padding
from convarith.api.torch_trace.errors import _located
from convarith.api.torch_trace.layers import _atomic, _label, layer_of
from convarith.api.torch_trace.nodes import _Frame, _Recorder
from convarith.api.torch_trace.ops import _tensors
from convarith.api.torch_trace.shapes import _configured
from convarith.core.errors import ConvArithError
from convarith.core.graph import GraphNode
from convarith.core.record import replace
from convarith.core.text import shape_text


class _Hooks(_Recorder):
    """Forward pre- and post-hooks that record leaf modules as nodes."""

    def pre(self, module: Any, args: Any, kwargs: Any) -> None:
        self.paused = True
        try:
            frame = _Frame(module, self.names.get(id(module), "?"), len(self.nodes))
            self.frames.append(frame)
            if self.depth:
                frame.inner = True
                self.depth += 1
                return
            frame.work = _atomic(module)
            if frame.work is None:
                return
            frame.inputs = self.tracked((args, kwargs))
            if frame.work == "layer" and args and isinstance(args[0], torch.Tensor):
                self.check(frame, args[0], kwargs)
            self.depth = 1
        finally:
            self.paused = False

    def check(self, frame: _Frame, x: torch.Tensor, kwargs: Any) -> None:
        """Check a convolution or pooling module on its input as convarith's stack does."""
        layer = layer_of(frame.name, frame.module)
        assert layer is not None
        nd = len(layer.params["kernel_size"])
        if x.dim() not in (nd + 1, nd + 2) or (kwargs or {}).get("output_size") is not None:
            return
        label = f"layer {self.layers + 1} ({layer.name})"
        spatial = tuple(int(n) for n in x.shape[-nd:])
        try:
            _configured(layer, spatial)
        except ConvArithError as error:
            raise _located(f"{label} on {shape_text(spatial)}: {error}") from None
        c = x.shape[-nd - 1]
        if layer.in_channels is not None and layer.in_channels != c:
            raise _located(f"{label}: in_channels={layer.in_channels} but {c} channels come in")

    def post(self, module: Any, args: Any, kwargs: Any, output: Any) -> None:
        self.paused = True
        try:
            frame = self.frames.pop()
            if frame.inner:
                self.depth -= 1
                return
            if frame.work is not None:
                self.depth = 0
                self.record_module(frame, args, output)
                return
            added = self.nodes[frame.start :]
            if (
                len(added) == 1
                and added[0].name == frame.name
                and not any(True for _ in module.children())
            ):
                node = added[0]
                layer = node.layer
                if layer is not None:
                    layer = replace(layer, name=_label(node.name, frame.kind))
                self.nodes[-1] = replace(node, kind=frame.kind, layer=layer)
        finally:
            self.paused = False

    def record_module(self, frame: _Frame, args: Any, output: Any) -> None:
        outputs = list(_tensors(output))
        if not outputs:
            return
        x = args[0] if args and isinstance(args[0], torch.Tensor) else None
        if frame.work == "layer":
            layer = layer_of(frame.name, frame.module)
            assert layer is not None and x is not None
            nd = len(layer.params["kernel_size"])
            if layer.op == "conv_transpose":
                layer = _effective_output_padding(layer, x, outputs[0], nd)
            data = [(t, j) for t, j in frame.inputs if t is x]
            spatial = bool(data) and self.spatial[data[0][1]] and x.dim() >= self.ndim
            self.add(
                GraphNode(
                    frame.name,
                    frame.kind,
                    "layer",
                    tuple(j for _, j in data),
                    tuple(outputs[0].shape),
                    (tuple(x.shape),),
                    spatial and nd == self.ndim,
                    layer=layer,
                ),
                outputs,
            )
            return
        if not frame.inputs:
            return
        self.add(self.pointwise(frame.name, frame.kind, frame.inputs, outputs[0]), outputs)
