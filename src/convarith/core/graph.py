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

import struct
from collections.abc import Sequence
from fractions import Fraction
from math import floor
from typing import Any

from convarith.core.arithmetic import Config, configure
from convarith.core.errors import ConvArithError
from convarith.core.limits import MAX_FIELD_STEPS
from convarith.core.params import AxisParams, parse_shape
from convarith.core.record import Record
from convarith.core.stack import Layer, LayerReport, StackReport, _short_params
from convarith.core.text import per_axis_text, shape_text

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

#: How a node's output cells read its inputs (see the module's docstring).
RULES = ("layer", "map", "flat", "opaque")

#: The kinds of :class:`AxisMap`.
MAP_KINDS = (
    "same",
    "zero",
    "all",
    "affine",
    "offset",
    "adaptive",
    "nearest",
    "nearest_exact",
    "linear",
    "cubic",
    "reflect",
    "replicate",
    "circular",
    "shuffle",
    "unshuffle",
    "flip",
    "roll",
    "tile",
)

# A cell that depends on nothing: lowest first cell and highest last cell,
# so that min and max pass over it.
_NONE_LO = 1 << 62
_NONE_HI = -(1 << 62)

_F32 = struct.Struct("f")


def _f32(x: float) -> float:
    """``x`` rounded to a C ``float``, as PyTorch's resize kernels compute."""
    return float(_F32.unpack(_F32.pack(x))[0])


class AxisMap(Record):
    """Which cells of one input, along one axis, each output cell reads.

    ``size`` and ``out`` are the input's and the output's cells along the axis.
    ``args`` depend on ``kind``:

    - ``same``, ``zero``, ``all``, ``adaptive``, ``flip``, ``tile``: none.
    - ``affine``: ``(a, b)``, so cell ``u`` reads ``a + b*u``. This covers
      constant padding, ``a = -low``, and slicing, ``a = start, b = step``.
    - ``offset``: ``(off, first, last)``. A concatenation along the axis: this
      input fills ``[off, off + size)``, and the first and last inputs take
      the cells beyond the ends.
    - ``nearest``, ``nearest_exact``: ``(scale,)``, the ``scale_factor`` that
      PyTorch passes to its kernel, or ``None``.
    - ``linear``, ``cubic``: ``(align_corners, scale)``.
    - ``reflect``, ``replicate``, ``circular``: ``(low,)``, the padding
      before the axis.
    - ``shuffle``, ``unshuffle``: ``(r,)``, the upscale or downscale factor.
    - ``roll``: ``(shift,)``.

    Examples
    --------
    >>> axis_reads(AxisMap("adaptive", 7, 3), 1)
    (2, 4)

    """

    kind: str
    size: int
    out: int
    args: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in MAP_KINDS:
            raise ConvArithError(
                f"AxisMap kind={self.kind!r} must be one of {', '.join(MAP_KINDS)}"
            )


def _source(scale: Any, size: int, out: int) -> Fraction:
    """PyTorch's ``compute_scales_value``: ``1.0/scale`` (in double precision) when given, else ``size/out``."""
    if scale is not None and scale > 0:
        return Fraction(1.0 / scale)
    return Fraction(size, out)


def _step(scale: Any, size: int, out: int) -> Fraction:
    """Input cells per output cell of a resize: the rational that ``scale_factor`` stands for."""
    if scale is not None and scale > 0:
        return 1 / Fraction(scale).limit_denominator(1 << 20)
    return Fraction(size, out)


#: A sample point this close to a cell is on it: PyTorch's floating point puts it there or a
#: hair beside, where the neighbour's weight is of the order of 1e-16.
_ON_CELL = Fraction(1, 10**9)


def _snap(src: Fraction) -> Fraction:
    near = round(src)
    return Fraction(near) if abs(src - near) < _ON_CELL else src


def _interp_src(m: AxisMap, u: int, real: bool) -> Fraction:
    """Where output cell ``u`` samples the input, for linear and cubic resizing."""
    align, scale = m.args
    if align:
        s = Fraction(m.size - 1, m.out - 1) if m.out > 1 else Fraction(0)
        return _snap(s * u)
    src = _snap(_source(scale, m.size, m.out) * (2 * u + 1) / 2 - Fraction(1, 2))
    if real and m.kind == "linear" and src < 0:
        return Fraction(0)
    return src


def _nearest(m: AxisMap, u: int, real: bool) -> int:
    """PyTorch's ``nearest_idx`` and ``nearest_exact_idx``, with their ``float`` arithmetic."""
    size, out = m.size, m.out
    if m.kind == "nearest":
        if out == size:
            return u
        if out == 2 * size:
            return u >> 1
    (scale,) = m.args
    s = _f32(1.0 / scale) if scale is not None and scale > 0 else _f32(size / out)
    v = floor(_f32(u * s)) if m.kind == "nearest" else floor(_f32((u + 0.5) * s))
    return min(v, size - 1) if real else v


def axis_reads(m: AxisMap, u: int) -> tuple[int, int] | None:
    """The first and last input cell that output cell ``u`` reads along one axis, or None.

    For cells beyond the output's ends (the padding of a later layer), the
    rule goes on unclipped, as the receptive fields of a stack do.

    Examples
    --------
    >>> m = AxisMap("nearest", 3, 6, (2.0,))
    >>> [axis_reads(m, u) for u in range(6)]
    [(0, 0), (0, 0), (1, 1), (1, 1), (2, 2), (2, 2)]
    >>> axis_reads(AxisMap("linear", 4, 8, (False, None)), 3)
    (1, 2)

    """
    kind, size = m.kind, m.size
    real = 0 <= u < m.out
    if kind == "same":
        return u, u
    if kind == "zero":
        return 0, 0
    if kind == "all":
        return 0, size - 1
    if kind == "affine":
        a, b = m.args
        return a + b * u, a + b * u
    if kind == "offset":
        off, first, last = m.args
        if off <= u < off + size or (first and u < off) or (last and u >= off + size):
            return u - off, u - off
        return None
    if kind == "adaptive":
        return (u * size) // m.out, -((-(u + 1) * size) // m.out) - 1
    if kind in ("nearest", "nearest_exact"):
        v = _nearest(m, u, real)
        return v, v
    if kind == "linear":
        src = _interp_src(m, u, real)
        h0 = floor(src)
        if real:
            h0 = min(h0, size - 1)
        h1 = h0 + 1 if src != h0 and (not real or h0 < size - 1) else h0
        return h0, h1
    if kind == "cubic":
        src = _interp_src(m, u, real)
        x0 = floor(src)
        if not real:
            return (x0, x0) if src == x0 else (x0 - 1, x0 + 2)
        x0 = min(x0, size - 1)
        t = min(max(src - x0, Fraction(0)), Fraction(1))

        def clamp(v: int) -> int:
            return min(max(v, 0), size - 1)

        if t == 0:
            return clamp(x0), clamp(x0)
        if t == 1:
            return clamp(x0 + 1), clamp(x0 + 1)
        return clamp(x0 - 1), clamp(x0 + 2)
    if kind in ("reflect", "replicate", "circular"):
        v = u - m.args[0]
        if not real:
            return v, v
        if kind == "reflect":
            v = -v if v < 0 else v
            v = 2 * (size - 1) - v if v > size - 1 else v
        elif kind == "replicate":
            v = min(max(v, 0), size - 1)
        else:
            v %= size
        return v, v
    if kind == "shuffle":
        return u // m.args[0], u // m.args[0]
    if kind == "unshuffle":
        r = m.args[0]
        return u * r, u * r + r - 1
    if kind == "flip":
        return size - 1 - u, size - 1 - u
    if kind == "roll":
        v = u - m.args[0]
        return (v % size, v % size) if real else (v, v)
    # tile: repeat along the axis
    if real:
        return u % size, u % size
    v = u if u < 0 else u - (m.out - size)
    return v, v


def _map_jump(m: AxisMap, jump: Fraction) -> Fraction | None:
    """The jump after a map, from the jump before it; None when the axis is read whole."""
    kind = m.kind
    if kind in ("zero", "all"):
        return None
    if kind == "affine":
        return jump * int(m.args[1])
    if kind in ("adaptive", "nearest", "nearest_exact"):
        scale = m.args[0] if kind != "adaptive" else None
        return jump * _step(scale, m.size, m.out)
    if kind in ("linear", "cubic"):
        align, scale = m.args
        if align:
            return jump * Fraction(m.size - 1, m.out - 1) if m.out > 1 else None
        return jump * _step(scale, m.size, m.out)
    if kind == "shuffle":
        return jump / int(m.args[0])
    if kind == "unshuffle":
        return jump * int(m.args[0])
    return jump


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


# --- the analysis -------------------------------------------------------------

# One axis of a node's fields: (offset, first cells, last cells); position v is
# at index v - offset, over the range the later nodes read.
_Axis = tuple[int, list[int], list[int]]


class _Spatial:
    """Per axis, the (first, last) input cell of every output position."""

    __slots__ = ("axes",)

    def __init__(self, axes: list[_Axis]) -> None:
        self.axes = axes


class _Uniform:
    """One hull per axis, the same for every element (spatial axes gone, or read whole)."""

    __slots__ = ("hulls",)

    def __init__(self, hulls: list[tuple[int, int]]) -> None:
        self.hulls = hulls


_State = _Spatial | _Uniform | None


def _back_range(lo: int, hi: int, a: AxisParams, transposed: bool) -> tuple[int, int]:
    """The hull of input cells that output cells ``lo..hi`` of one layer read (unclipped)."""
    if not transposed:
        return lo * a.stride - a.pad_lo, hi * a.stride - a.pad_lo + a.k_eff - 1
    found = [
        q
        for u in range(lo, hi + 1)
        for t in range(a.kernel)
        for q, rest in (divmod(u + a.pad_lo - t * a.dilation, a.stride),)
        if rest == 0
    ]
    return (min(found), max(found)) if found else (lo, lo)


def _map_range(m: AxisMap, lo: int, hi: int) -> tuple[int, int] | None:
    kind = m.kind
    if kind == "same":
        return lo, hi
    if kind == "zero":
        return 0, 0
    if kind == "all":
        return 0, m.size - 1
    if kind == "affine":
        a, b = m.args
        return a + b * lo, a + b * hi
    found = [r for u in range(lo, hi + 1) if (r := axis_reads(m, u)) is not None]
    if not found:
        return None
    return min(r[0] for r in found), max(r[1] for r in found)


def _needs(
    shape: tuple[int, ...], nodes: Sequence[NodeReport]
) -> dict[int, list[tuple[int, int]]] | None:
    """Per spatial node, the range of positions per axis that later nodes read (padding included).

    None when, on some axis, the positions of all nodes add up to more than
    :data:`~convarith.core.limits.MAX_FIELD_STEPS`: the fields are then not worked out.
    """
    ndim = len(shape)
    need: dict[int, list[tuple[int, int]]] = {0: [(0, s - 1) for s in shape]}
    for node in nodes:
        if node.spatial:
            need[node.index] = [(0, s - 1) for s in node.shape[-ndim:]]
    steps = [0] * ndim
    for node in reversed(nodes):
        if not node.spatial or node.rule not in ("layer", "map"):
            continue
        ranges = need[node.index]
        shared = node.rule == "map" and sum(1 for m in node.maps if m) == 1
        if not (shared and all(m.kind == "same" for per in node.maps for m in per)):
            for a, (lo, hi) in enumerate(ranges):
                steps[a] += hi - lo + 1
            if max(steps) > MAX_FIELD_STEPS:
                return None
        for k, j in enumerate(node.inputs):
            if j not in need:
                continue
            if node.rule == "layer":
                if k > 0 or node.config is None or node.config.ndim != ndim:
                    continue
                config = node.config
                wanted = [
                    _back_range(lo, hi, a, config.transposed)
                    for (lo, hi), a in zip(ranges, config.axes)
                ]
            else:
                if not node.maps[k]:
                    continue
                found = [_map_range(m, lo, hi) for (lo, hi), m in zip(ranges, node.maps[k])]
                wanted = [r if r is not None else have for r, have in zip(found, need[j])]
            need[j] = [(min(lo, w[0]), max(hi, w[1])) for (lo, hi), w in zip(need[j], wanted)]
    if max(s + hi - lo + 1 for s, (lo, hi) in zip(steps, need[0])) > MAX_FIELD_STEPS:
        return None
    return need


def _too_long() -> str:
    return (
        f"receptive fields not worked out: along one axis the rows compute more than "
        f"{MAX_FIELD_STEPS:,} positions (MAX_FIELD_STEPS); a shorter input gives the same fields "
        "away from the edges, for a network without resizing"
    )


def _real(axis: _Axis, size: int) -> tuple[int, int]:
    off, los, his = axis
    return min(los[-off : size - off]), max(his[-off : size - off])


def _union(hulls: list[tuple[int, int]]) -> tuple[int, int]:
    return min((h[0] for h in hulls), default=_NONE_LO), max(
        (h[1] for h in hulls), default=_NONE_HI
    )


def _layer_axis(
    state_axis: _Axis, a: AxisParams, transposed: bool, lo: int, hi: int
) -> tuple[list[int], list[int]]:
    off, los, his = state_axis
    n = hi - lo + 1
    if not transposed:
        base = lo * a.stride - a.pad_lo - off
        span = a.stride * (n - 1) + 1
        starts = [base + t * a.dilation for t in range(a.kernel)]
        lo_parts = [los[b : b + span : a.stride] for b in starts]
        hi_parts = [his[b : b + span : a.stride] for b in starts]
        if a.kernel == 1:
            return lo_parts[0], hi_parts[0]
        return list(map(min, *lo_parts)), list(map(max, *hi_parts))
    out_lo, out_hi = [], []
    for u in range(lo, hi + 1):
        first, last = _NONE_LO, _NONE_HI
        for t in range(a.kernel):
            q, rest = divmod(u + a.pad_lo - t * a.dilation, a.stride)
            if rest == 0:
                first = min(first, los[q - off])
                last = max(last, his[q - off])
        out_lo.append(first)
        out_hi.append(last)
    return out_lo, out_hi


def _map_axis(state_axis: _Axis, m: AxisMap, lo: int, hi: int) -> tuple[list[int], list[int]]:
    off, los, his = state_axis
    n = hi - lo + 1
    kind = m.kind
    if kind == "same":
        return los[lo - off : hi - off + 1], his[lo - off : hi - off + 1]
    if kind in ("zero", "all"):
        last = 0 if kind == "zero" else m.size - 1
        first, end = min(los[-off : last - off + 1]), max(his[-off : last - off + 1])
        return [first] * n, [end] * n
    out_lo, out_hi = [], []
    for u in range(lo, hi + 1):
        r = axis_reads(m, u)
        if r is None:
            out_lo.append(_NONE_LO)
            out_hi.append(_NONE_HI)
        else:
            out_lo.append(min(los[r[0] - off : r[1] - off + 1]))
            out_hi.append(max(his[r[0] - off : r[1] - off + 1]))
    return out_lo, out_hi


def _forward(
    shape: tuple[int, ...],
    nodes: Sequence[NodeReport],
    need: dict[int, list[tuple[int, int]]],
    clip: bool = False,
) -> tuple[list[_State], list[tuple[Fraction | None, ...] | None]]:
    """Every node's fields (None: cannot be followed) and jumps, in call order.

    Unclipped, a padding cell beyond a map's edges goes on reading the cells
    that the layers' arithmetic continues to (as a stack's receptive field
    counts them). Clipped, a padding cell reads nothing, which gives the input
    cells each value really depends on.
    """
    ndim = len(shape)
    axes0: list[_Axis] = []
    for (lo, hi), n in zip(need[0], shape):
        cells = list(range(lo, hi + 1))
        if clip:
            axes0.append(
                (
                    lo,
                    [v if 0 <= v < n else _NONE_LO for v in cells],
                    [v if 0 <= v < n else _NONE_HI for v in cells],
                )
            )
        else:
            axes0.append((lo, cells, cells))
    states: list[_State] = [_Spatial(axes0)]
    jumps: list[tuple[Fraction | None, ...] | None] = [tuple(Fraction(1) for _ in shape)]
    for node in nodes:
        inputs = [states[j] for j in node.inputs]
        if node.rule == "opaque" or any(s is None for s in inputs):
            states.append(None)
            jumps.append(None)
            continue
        if node.rule == "layer" and (node.config is None or node.config.ndim != ndim):
            windowed: list[int] = []
        elif node.rule == "layer":
            windowed = [0] if inputs and isinstance(inputs[0], _Spatial) else []
        elif node.rule == "map" and node.spatial:
            windowed = [k for k, s in enumerate(inputs) if isinstance(s, _Spatial) and node.maps[k]]
        else:
            windowed = []
        # Inputs read whole: their hull joins every output cell's field.
        whole: list[list[tuple[int, int]]] = [[] for _ in range(ndim)]
        for k, s in enumerate(inputs):
            if k in windowed:
                continue
            if isinstance(s, _Uniform):
                hulls = s.hulls
            else:
                assert isinstance(s, _Spatial)
                hulls = [_real(axis, n) for axis, n in zip(s.axes, node.input_shapes[k][-ndim:])]
            for a in range(ndim):
                whole[a].append(hulls[a])
        if not node.spatial or not windowed:
            states.append(_Uniform([_union(h) for h in whole]))
            jumps.append(None)
            continue
        if (
            node.rule == "map"
            and len(windowed) == 1
            and not any(whole)
            and all(m.kind == "same" for m in node.maps[windowed[0]])
        ):
            # Element-wise on one input: its fields and jump, shared.
            states.append(inputs[windowed[0]])
            jumps.append(jumps[node.inputs[windowed[0]]])
            continue
        config = node.config
        axes: list[_Axis] = []
        node_jump: list[Fraction | None] = []
        for a in range(ndim):
            lo, hi = need[node.index][a]
            los: list[int] = []
            his: list[int] = []
            candidates: list[Fraction] = []
            for k in windowed:
                s = inputs[k]
                assert isinstance(s, _Spatial)
                before = jumps[node.inputs[k]]
                j = before[a] if before is not None else None
                if config is not None:
                    ap = config.axes[a]
                    part_lo, part_hi = _layer_axis(s.axes[a], ap, config.transposed, lo, hi)
                    after = (
                        None if j is None else j / ap.stride if config.transposed else j * ap.stride
                    )
                else:
                    m = node.maps[k][a]
                    part_lo, part_hi = _map_axis(s.axes[a], m, lo, hi)
                    after = None if j is None else _map_jump(m, j)
                if after is not None:
                    candidates.append(after)
                if los:
                    los = list(map(min, los, part_lo))
                    his = list(map(max, his, part_hi))
                else:
                    los, his = part_lo, part_hi
            if whole[a]:
                first_cell, last_cell = _union(whole[a])
                los = [min(v, first_cell) for v in los]
                his = [max(v, last_cell) for v in his]
            if clip:
                # Beyond the output's edges are a later layer's padding: they read nothing.
                n = node.shape[len(node.shape) - ndim + a]
                head = min(len(los), max(0, -lo))
                los[:head] = [_NONE_LO] * head
                his[:head] = [_NONE_HI] * head
                beyond = max(0, n - lo)
                tail = max(0, len(los) - beyond)
                los[beyond:] = [_NONE_LO] * tail
                his[beyond:] = [_NONE_HI] * tail
            axes.append((lo, los, his))
            node_jump.append(max(candidates) if candidates else None)
        states.append(_Spatial(axes))
        jumps.append(tuple(node_jump))
    return states, jumps


def _extent(state: _State, size: tuple[int, ...] | None) -> tuple[int, ...] | None:
    if state is None:
        return None
    if isinstance(state, _Uniform):
        return tuple(max(0, h[1] - h[0] + 1) for h in state.hulls)
    assert size is not None
    result = []
    for (off, los, his), n in zip(state.axes, size):
        widest = max(map(int.__sub__, his[-off : n - off], los[-off : n - off]))
        result.append(max(0, widest + 1))
    return tuple(result)


def _known(jump: tuple[Fraction | None, ...] | None) -> tuple[Fraction, ...] | None:
    """A jump known on every axis, or None."""
    if jump is None:
        return None
    known = tuple(j for j in jump if j is not None)
    return known if len(known) == len(jump) else None


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
