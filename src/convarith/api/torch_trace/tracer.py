"""The torch-function mode and :func:`trace`, which turns a forward call into a :class:`Traced`.

Examples
--------
>>> import torch.nn as nn
>>> model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.Flatten())
>>> traced = trace(model, (1, 3, 8, 8), 2)
>>> [(n.label, n.rule, n.shape) for n in traced.nodes]
[('0: Conv2d', 'layer', (1, 8, 6, 6)), ('1: ReLU', 'map', (1, 8, 6, 6)), ('2: Flatten', 'flat', (1, 288))]
>>> next(model.parameters()).device.type        # the model itself is untouched
'cpu'

"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import nn

from convarith.api.torch_trace.errors import _first_line
from convarith.api.torch_trace.meta import meta_copy
from convarith.api.torch_trace.ops import (
    _ALIAS,
    _ALONG,
    _CONSTANT,
    _SPLIT,
    _call,
    _display,
    _op_name,
    _tensors,
)
from convarith.api.torch_trace.shape_rules import _FAST
from convarith.api.torch_trace.shapes import _BINARY, _UNARY, _base
from convarith.api.torch_trace.structural import _Operations
from convarith.api.torch_trace.window_rules import _fast_adaptive, _fast_window
from convarith.core.errors import ConvArithError
from convarith.core.graph import GraphNode
from convarith.core.record import Record
from convarith.core.text import shape_text


class Traced(Record):
    """The data flow of one call of a module, ready for :func:`~convarith.core.graph.analyze_graph`.

    ``size`` is the input tensor's shape, ``nodes`` every leaf module and
    operation that ran, ``outputs`` the output tensors' shapes, and
    ``output_nodes`` the nodes that made them (None for an output that is not
    computed from the input). ``notes`` says what could not be followed.
    """

    size: tuple[int, ...]
    nodes: tuple[GraphNode, ...]
    outputs: tuple[tuple[int, ...], ...]
    output_nodes: tuple[int | None, ...]
    notes: tuple[str, ...]


class _Tracer(_Operations):
    """Hooks and a torch-function mode that turn one forward call into GraphNodes."""

    # -- operations

    def __torch_function__(
        self, func: Any, types: Any, args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        kwargs = kwargs or {}
        if self.paused:
            return func(*args, **kwargs)
        name = _op_name(func)
        fast = _FAST.get(name)
        result = fast(name, args, kwargs) if fast is not None else NotImplemented
        if result is NotImplemented:
            result = _call(func, args, kwargs)
        if not self.depth:
            self.record(name, args, kwargs, result)
        return result

    def record(self, name: str, args: Sequence[Any], kwargs: dict[str, Any], result: Any) -> None:
        if name == "__setitem__":
            self.record_setitem(args)
            return
        outputs = list(_tensors(result))
        if not outputs:
            return
        base = _base(name)
        inputs = self.tracked(args[1:2] if base == "copy" else (args, kwargs))
        if not inputs or name in _CONSTANT or base in _CONSTANT:
            for t in outputs:
                if self.node_of(t) is not None:
                    del self.known[id(t)]
            return
        if name in _ALIAS and len(inputs) == 1 and outputs[0].shape == inputs[0][0].shape:
            for t in outputs:
                self.known[id(t)] = (t, inputs[0][1])
            return
        owner, kind, out = self.owner(), _display(name), outputs[0]
        fast = _FAST.get(base)
        if fast is _fast_window or fast is _fast_adaptive:
            self.record_window(owner, kind, name, args, kwargs, inputs, outputs)
            return
        if not any(self.spatial[j] for _, j in inputs):
            details = ""
            if base == "linear" and out.dim() and inputs[0][0].dim():
                details = f"{inputs[0][0].shape[-1]}->{out.shape[-1]}"
            self.add(self.flat(owner, kind, inputs, out, details), outputs)
            return
        node: GraphNode | None = None
        if base in ("cat", "concat", "concatenate", "stack"):
            node = self.record_cat(owner, kind, base, args, kwargs, outputs)
        elif (
            base == "copy"
            or base in _BINARY
            or (base in _UNARY and base not in _ALONG and base not in ("flip", "roll"))
            or (base in ("max", "min") and len(args) > 1 and isinstance(args[1], torch.Tensor))
        ):
            node = self.pointwise(owner, kind, inputs, out)
        else:
            x = args[0] if args else kwargs.get("input")
            source = next(((t, j) for t, j in inputs if t is x), None)
            if source is not None and self.spatial[source[1]] and source[0].dim() >= self.ndim:
                if base in _SPLIT:
                    if self.record_split(owner, kind, base, args, kwargs, source, outputs):
                        return
                else:
                    node = self.classify(owner, kind, base, args, kwargs, source, outputs, inputs)
        if node is None:
            node = self.opaque(owner, kind, inputs, out)
        self.add(node, outputs)


def trace(model: nn.Module, size: Sequence[int], ndim: int, guess: str = "") -> Traced:
    """Call a meta copy of ``model`` on an input of shape ``size`` and record its data flow.

    Parameters
    ----------
    model : torch.nn.Module
        The model; it is neither modified nor moved.
    size : tuple of int
        The input tensor's shape, batch and channels included.
    ndim : int
        The number of spatial axes (the last ``ndim`` sizes).
    guess : str
        Added to an error message, such as what was guessed about the input.

    Returns
    -------
    Traced

    Raises
    ------
    ConvArithError
        When the model refuses the input, naming the module where it failed, or when the
        model cannot run on the meta device.

    """
    dtype = next(
        (p.dtype for p in model.parameters() if p.dtype.is_floating_point),
        torch.get_default_dtype(),
    )
    copied = meta_copy(model)
    copied.eval()
    for module in copied.modules():
        # The copy's own hook tables: the user's hooks (logging, feature extraction) do not
        # run.  A lazy module keeps its own, which infers its parameters' shapes.
        if (
            isinstance(module, nn.modules.lazy.LazyModuleMixin)
            and module.has_uninitialized_params()
        ):
            continue
        for table in (
            "_forward_hooks",
            "_forward_pre_hooks",
            "_forward_hooks_with_kwargs",
            "_forward_hooks_always_called",
            "_forward_pre_hooks_with_kwargs",
        ):
            hooks = getattr(module, table, None)
            if hooks is not None:
                hooks.clear()
    names: dict[int, str] = {}
    for name, module in copied.named_modules(remove_duplicate=False):
        names.setdefault(id(module), name)
    tracer = _Tracer(ndim, names)
    for module in copied.modules():
        module.register_forward_pre_hook(tracer.pre, with_kwargs=True)
        module.register_forward_hook(tracer.post, with_kwargs=True)
    x = torch.empty(tuple(size), dtype=dtype, device="meta")
    tracer.known[id(x)] = (x, 0)
    model_name = type(model).__name__
    try:
        with torch.no_grad(), tracer:
            result = copied(x)
    except ConvArithError as error:
        if getattr(error, "located", False):
            raise ConvArithError(f"{error}{guess}") from None
        raise ConvArithError(
            f"module={model_name} refuses input {shape_text(tuple(size))} {tracer.where()}: {error}{guess}"
        ) from None
    except Exception as error:
        text = _first_line(error)
        if "meta" in text.lower() or isinstance(error, NotImplementedError):
            raise ConvArithError(
                f"module={model_name} cannot be traced on the meta device {tracer.where()}: {text} "
                "(its forward reads tensor values, which a trace without data cannot give)"
            ) from None
        raise ConvArithError(
            f"module={model_name} refuses input {shape_text(tuple(size))} {tracer.where()}: {text}{guess}"
        ) from None
    outputs = list(_tensors(result))
    return Traced(
        size=tuple(size),
        nodes=tuple(tracer.nodes),
        outputs=tuple(tuple(t.shape) for t in outputs),
        output_nodes=tuple(tracer.node_of(t) for t in outputs),
        notes=_notes(tracer.nodes),
    )


def _notes(nodes: Sequence[GraphNode]) -> tuple[str, ...]:
    """What the report cannot follow, or follows only as a bound."""
    notes = []
    for index, node in enumerate(nodes, start=1):
        if node.rule == "opaque":
            notes.append(
                f"row {index} ({node.label}): convarith does not follow receptive fields through "
                f"{node.kind}; the rows computed from it show ?"
            )
        joined = [m for m in node.maps if any(a.kind == "offset" for a in m)]
        if len(joined) > 1:
            notes.append(
                f"row {index} ({node.label}) joins maps along a spatial axis: along the other "
                "axes, each cell's field is the union of the inputs' fields"
            )
    return tuple(notes)
