"""How spatial axes map through transposed convolutions, permutations and slicing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from convarith.api.torch_trace.shapes import _arg
from convarith.core.graph import AxisMap
from convarith.core.record import replace
from convarith.core.stack import Layer


def _effective_output_padding(layer: Layer, x: torch.Tensor, out: torch.Tensor, nd: int) -> Layer:
    """A transposed convolution's output padding as it ran (``output_size=`` sets it per call)."""
    p = dict(layer.params)
    padding = []
    for a in range(nd):
        k, s, pad, d = p["kernel_size"][a], p["stride"][a], p["padding"][a], p["dilation"][a]
        full = (int(x.shape[-nd + a]) - 1) * s - 2 * pad + d * (k - 1) + 1
        padding.append(int(out.shape[-nd + a]) - full)
    if tuple(padding) == tuple(p["output_padding"]):
        return layer
    p["output_padding"] = tuple(padding)
    return replace(layer, params=p)


def _permutation(
    base: str, args: Sequence[Any], kwargs: dict[str, Any], rank: int
) -> list[int] | None:
    """For each output dimension, the input dimension it comes from."""
    order = list(range(rank))
    if base in ("transpose", "swapaxes", "swapdims"):
        a, b = _arg(args, kwargs, 1, "dim0"), _arg(args, kwargs, 2, "dim1")
        if not isinstance(a, int) or not isinstance(b, int):
            return None
        a, b = a % rank, b % rank
        order[a], order[b] = order[b], order[a]
        return order
    if base in ("t", "attr:T", "attr:mT"):
        if rank < 2:
            return order
        if base == "attr:T":
            return order[::-1]
        order[-1], order[-2] = order[-2], order[-1]
        return order
    if base == "permute":
        dims = (
            args[1:]
            if len(args) > 2 or isinstance(args[1] if len(args) > 1 else None, int)
            else (args[1] if len(args) > 1 else kwargs.get("dims"))
        )
        if dims is None:
            return None
        return [int(d) % rank for d in dims]
    source = _arg(args, kwargs, 1, "source")
    destination = _arg(args, kwargs, 2, "destination")
    src = [source] if isinstance(source, int) else list(source or ())
    dst = [destination] if isinstance(destination, int) else list(destination or ())
    if len(src) != len(dst):
        return None
    src = [d % rank for d in src]
    dst = [d % rank for d in dst]
    result: list[int | None] = [None] * rank
    for s, d in zip(src, dst):
        result[d] = s
    rest = iter(d for d in range(rank) if d not in src)
    return [r if r is not None else next(rest) for r in result]


def _indexes_spatial(index: Any, rank: int, nd: int) -> bool:
    """Whether an index touches one of the last ``nd`` dimensions with anything but a full slice."""
    items = list(index) if isinstance(index, tuple) else [index]
    if any(not isinstance(i, (int, slice, type(None), type(Ellipsis))) for i in items):
        return True
    used = sum(1 for i in items if i is not None and i is not Ellipsis)
    if Ellipsis in items:
        e = items.index(Ellipsis)
        items = items[:e] + [slice(None)] * (rank - used) + items[e + 1 :]
    dims = [i for i in items if i is not None]
    dims += [slice(None)] * (rank - len(dims))
    return any(not (isinstance(i, slice) and i == slice(None)) for i in dims[rank - nd :])


def _slicing(index: Any, x: torch.Tensor, out: torch.Tensor, nd: int) -> list[AxisMap] | None:
    """Per spatial axis, the cells that basic indexing (ints, slices, None, ...) keeps; None otherwise."""
    items = list(index) if isinstance(index, tuple) else [index]
    if any(
        not isinstance(i, (int, slice, type(None), type(Ellipsis))) or isinstance(i, bool)
        for i in items
    ):
        return None
    rank = x.dim()
    used = sum(1 for i in items if i is not None and i is not Ellipsis)
    if items.count(Ellipsis) > 1:
        return None
    if Ellipsis in items:
        e = items.index(Ellipsis)
        items = items[:e] + [slice(None)] * (rank - used) + items[e + 1 :]
    items += [slice(None)] * (rank - sum(1 for i in items if i is not None))
    # The last nd input dimensions must be sliced (not indexed) and stay last.
    consumed = 0
    kept_after_spatial = False
    maps: list[AxisMap] = []
    for i in items:
        if i is None:
            if consumed > rank - nd:
                kept_after_spatial = True
            continue
        d = consumed
        consumed += 1
        if d < rank - nd:
            continue
        if not isinstance(i, slice):
            return None
        n = int(x.shape[d])
        start, _, step = i.indices(n)
        o = len(range(*i.indices(n)))
        maps.append(
            AxisMap("affine", n, o, (start, step))
            if (start, step, o) != (0, 1, n)
            else AxisMap("same", n, n)
        )
    if kept_after_spatial or len(maps) != nd:
        return None
    if tuple(out.shape[out.dim() - nd :]) != tuple(m.out for m in maps):
        return None
    return maps
