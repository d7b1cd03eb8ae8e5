"""The graph walk: every node's fields and jumps, from the input forward through the nodes.

The private machinery behind :func:`~convarith.core.graph.analyze_graph` and
:meth:`~convarith.core.graph.ModelReport.fields`: which positions later nodes
read (:func:`_needs`), then every node's fields in call order (:func:`_forward`).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from convarith.core.graph.axis_map import AxisMap, _map_jump, axis_reads
from convarith.core.graph.nodes import NodeReport
from convarith.core.limits import MAX_FIELD_STEPS
from convarith.core.params import AxisParams

# A cell that depends on nothing: lowest first cell and highest last cell,
# so that min and max pass over it.
_NONE_LO = 1 << 62
_NONE_HI = -(1 << 62)

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
