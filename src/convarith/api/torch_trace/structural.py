"""Recording of operations that move or window spatial axes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from convarith.api.torch_trace.axes import _indexes_spatial, _permutation, _slicing
from convarith.api.torch_trace.hooks import _Hooks
from convarith.api.torch_trace.layers import _label
from convarith.api.torch_trace.ops import _ALONG, _PERMUTE, _RESHAPE
from convarith.api.torch_trace.shape_rules import _REDUCE_DIM, _reduced
from convarith.api.torch_trace.shapes import _arg
from convarith.api.torch_trace.window_rules import _interpolation, _pads, _window
from convarith.core.graph import AxisMap, GraphNode
from convarith.core.record import replace
from convarith.core.text import shape_text


class _Operations(_Hooks):
    """Records of windowed, structural and spatial-reshaping operations."""

    def record_window(
        self,
        owner: str,
        kind: str,
        name: str,
        args: Sequence[Any],
        kwargs: dict[str, Any],
        inputs: Sequence[tuple[torch.Tensor, int]],
        outputs: Sequence[torch.Tensor],
    ) -> None:
        x = args[0] if args else kwargs.get("input")
        assert isinstance(x, torch.Tensor)  # the fast path checked it
        source = next(((t, j) for t, j in inputs if t is x), None)
        out = outputs[0]
        if name.startswith("adaptive"):
            if source is None or not self.spatial[source[1]] or x.dim() < self.ndim:
                self.add(self.flat(owner, kind, inputs, out), outputs)
                return
            if any(t is not x for t, _ in inputs):
                self.add(self.opaque(owner, kind, inputs, out), outputs)
                return
            nd = self.ndim
            maps = [
                AxisMap("adaptive", int(x.shape[-nd + a]), int(out.shape[-nd + a]))
                for a in range(nd)
            ]
            sizes = shape_text(tuple(out.shape[-nd:]))
            self.add(self.mapped(owner, kind, source, out, maps, f"out={sizes}"), outputs)
            return
        found = _window(name, args, kwargs)
        assert found is not None
        layer, nd = found
        if any(t is not x for t, _ in inputs):
            self.add(self.opaque(owner, kind, inputs, out), outputs)
            return
        data = [source] if source is not None else []
        spatial = bool(data) and self.spatial[data[0][1]] and nd == self.ndim
        self.add(
            GraphNode(
                owner,
                kind,
                "layer",
                tuple(j for _, j in data),
                tuple(out.shape),
                (tuple(x.shape),),
                spatial,
                layer=replace(layer, name=_label(owner, kind)),
            ),
            outputs,
        )

    def record_setitem(self, args: Sequence[Any]) -> None:
        target, index, value = args[0], args[1], args[2]
        inputs = self.tracked((target, value))
        if not any(t is value for t, _ in inputs):
            return  # a constant written in: no cell depends on more than before
        if _indexes_spatial(index, target.dim(), self.ndim):
            node = self.opaque(self.owner(), "setitem", inputs, target)
        else:
            node = self.pointwise(self.owner(), "setitem", inputs, target)
        self.add(node, [target])

    def classify(
        self,
        owner: str,
        kind: str,
        base: str,
        args: Sequence[Any],
        kwargs: dict[str, Any],
        source: tuple[torch.Tensor, int],
        outputs: Sequence[torch.Tensor],
        inputs: Sequence[tuple[torch.Tensor, int]],
    ) -> GraphNode | None:
        """The node of an operation on a tensor with spatial axes, or None when it cannot be followed."""
        x, _ = source
        out = outputs[0]
        nd = self.ndim
        rank = x.dim()
        spatial_dims = range(rank - nd, rank)
        sizes = [int(n) for n in x.shape[rank - nd :]]
        others = [p for p in inputs if p[0] is not x]
        if others and base not in ("expand_as", "view_as", "reshape_as", "type_as"):
            return None
        if base in _RESHAPE:
            if out.dim() >= nd and tuple(out.shape[out.dim() - nd :]) == tuple(sizes):
                same = [AxisMap("same", n, n) for n in sizes]
                return self.mapped(owner, kind, source, out, same, shape_text(tuple(out.shape[1:])))
            return self.flat(owner, kind, [source], out)
        if base in _PERMUTE:
            order = _permutation(base, args, kwargs, rank)
            if order is None:
                return None
            if all(order[d] == d for d in spatial_dims):
                same = [AxisMap("same", n, n) for n in sizes]
                return self.mapped(owner, kind, source, out, same)
            return None
        if base in ("expand", "expand_as", "broadcast_to"):
            return self.pointwise(owner, kind, [source], out)
        if base == "repeat":
            maps = []
            for a, n in enumerate(sizes):
                o = int(out.shape[out.dim() - nd + a])
                maps.append(AxisMap("same", n, o) if o == n else AxisMap("tile", n, o))
            return self.mapped(owner, kind, source, out, maps)
        if base == "__getitem__":
            maps_or_none = _slicing(args[1], x, out, nd)
            if maps_or_none is None:
                return None
            return self.mapped(owner, kind, source, out, maps_or_none)
        if base in _REDUCE_DIM:
            found = _reduced(base, args, kwargs)
            if found is None:
                return None
            dims, keep = found
            reduced = dims & set(spatial_dims)
            details = "dim=" + ",".join(str(d) for d in sorted(dims))
            if keep:
                maps = [
                    AxisMap("all", n, 1) if rank - nd + a in reduced else AxisMap("same", n, n)
                    for a, n in enumerate(sizes)
                ]
                return self.mapped(owner, kind, source, out, maps, details)
            if not reduced:
                same = [AxisMap("same", n, n) for n in sizes]
                return self.mapped(owner, kind, source, out, same, details)
            return self.flat(owner, kind, [source], out, details)
        if base in _ALONG or base in ("flip", "roll"):
            return self.record_along(owner, kind, base, args, kwargs, source, out)
        if base == "linear":
            n_out = int(out.shape[-1])
            maps = [AxisMap("same", n, n) for n in sizes[:-1]] + [AxisMap("all", sizes[-1], n_out)]
            return self.mapped(
                owner, kind, source, out, maps, f"{sizes[-1]}->{n_out} on the last axis"
            )
        if base in ("interpolate", "upsample", "upsample_nearest", "upsample_bilinear"):
            return self.record_interpolate(owner, kind, base, args, kwargs, source, out)
        if base == "pad":
            return self.record_pad(owner, kind, args, kwargs, source, out)
        if base in ("pixel_shuffle", "pixel_unshuffle"):
            if nd != 2:
                return None
            r = _arg(
                args, kwargs, 1, "upscale_factor" if base == "pixel_shuffle" else "downscale_factor"
            )
            maps = [
                AxisMap(
                    "shuffle" if base == "pixel_shuffle" else "unshuffle",
                    n,
                    int(out.shape[-nd + a]),
                    (r,),
                )
                for a, n in enumerate(sizes)
            ]
            return self.mapped(owner, kind, source, out, maps, f"r={r}")
        return None

    def record_cat(
        self,
        owner: str,
        kind: str,
        base: str,
        args: Sequence[Any],
        kwargs: dict[str, Any],
        outputs: Sequence[torch.Tensor],
    ) -> GraphNode | None:
        tensors = list(_arg(args, kwargs, 0, "tensors"))
        dim = _arg(args, kwargs, 1, "dim", 0)
        out = outputs[0]
        nd = self.ndim
        rank = out.dim()
        d = dim % rank
        parts = [(t, self.node_of(t)) for t in tensors]
        inputs = [(t, j) for t, j in parts if j is not None]
        if base == "stack":
            if d <= rank - nd - 1:
                return self.pointwise(owner, kind, inputs, out, f"dim={dim}")
            return None
        if d < rank - nd:
            return self.pointwise(owner, kind, inputs, out, f"dim={dim}")
        axis = d - (rank - nd)
        maps: list[tuple[AxisMap, ...]] = []
        offset = 0
        total = int(out.shape[d])
        for position, (t, j) in enumerate(parts):
            n = int(t.shape[d])
            if j is not None:
                if not self.spatial[j]:
                    maps.append(())
                else:
                    per = [
                        AxisMap("same", int(t.shape[-nd + a]), int(t.shape[-nd + a]))
                        for a in range(nd)
                    ]
                    per[axis] = AxisMap(
                        "offset", n, total, (offset, position == 0, position == len(parts) - 1)
                    )
                    maps.append(tuple(per))
            offset += n
        return GraphNode(
            owner,
            kind,
            "map",
            tuple(j for _, j in inputs),
            tuple(out.shape),
            tuple(tuple(t.shape) for t, _ in inputs),
            True,
            tuple(maps),
            details=f"dim={dim}",
        )

    def record_split(
        self,
        owner: str,
        kind: str,
        base: str,
        args: Sequence[Any],
        kwargs: dict[str, Any],
        source: tuple[torch.Tensor, int],
        outputs: Sequence[torch.Tensor],
    ) -> bool:
        """Record a split, one node per piece along a spatial axis; False if it cannot be followed."""
        x, _ = source
        nd = self.ndim
        rank = x.dim()
        position = 1 if base in ("narrow", "select", "unbind") else 2
        dim = _arg(args, kwargs, position, "dim", 0)
        if not isinstance(dim, int):
            return False
        d = dim % rank
        sizes = [int(n) for n in x.shape[rank - nd :]]
        if d < rank - nd:
            if any(t.dim() < nd for t in outputs):
                return False
            same = [AxisMap("same", n, n) for n in sizes]
            self.add(self.mapped(owner, kind, source, outputs[0], same, f"dim={dim}"), outputs)
            return True
        if base in ("unbind", "select"):
            return False
        axis = d - (rank - nd)
        if base == "narrow":
            start = _arg(args, kwargs, 2, "start", 0)
            if not isinstance(start, int):
                return False
            offsets = [start + sizes[axis] if start < 0 else start]
        else:
            offsets, running = [], 0
            for t in outputs:
                offsets.append(running)
                running += int(t.shape[d])
        for k, (t, offset) in enumerate(zip(outputs, offsets)):
            per = [AxisMap("same", n, n) for n in sizes]
            per[axis] = AxisMap("affine", sizes[axis], int(t.shape[d]), (offset, 1))
            label = f"{kind}[{k}]" if len(outputs) > 1 else kind
            self.add(self.mapped(owner, label, source, t, per, f"dim={dim}"), [t])
        return True

    def record_along(
        self,
        owner: str,
        kind: str,
        base: str,
        args: Sequence[Any],
        kwargs: dict[str, Any],
        source: tuple[torch.Tensor, int],
        out: torch.Tensor,
    ) -> GraphNode | None:
        x, _ = source
        nd = self.ndim
        rank = x.dim()
        sizes = [int(n) for n in x.shape[rank - nd :]]
        if base in ("flip", "roll"):
            dims = _arg(args, kwargs, 1 if base == "flip" else 2, "dims")
            if base == "roll" and dims is None:
                return None
            dims = (dims,) if isinstance(dims, int) else tuple(dims)
            shifts = _arg(args, kwargs, 1, "shifts")
            shifts = (shifts,) * len(dims) if isinstance(shifts, int) else tuple(shifts or ())
            maps = [AxisMap("same", n, n) for n in sizes]
            for k, dim in enumerate(dims):
                d = dim % rank
                if d >= rank - nd:
                    a = d - (rank - nd)
                    if base == "flip":
                        maps[a] = AxisMap("flip", sizes[a], sizes[a])
                    else:
                        maps[a] = AxisMap("roll", sizes[a], sizes[a], (int(shifts[k]),))
            return self.mapped(owner, kind, source, out, maps, f"dims={','.join(map(str, dims))}")
        dim = _arg(
            args, kwargs, _ALONG[base], "dim", -1 if base in ("sort", "argsort", "topk") else None
        )
        if dim is None:
            dim = 0 if rank in (0, 1, 3) else 1  # PyTorch's legacy softmax dimension
        if not isinstance(dim, int):
            return None
        d = dim % rank
        maps = [AxisMap("same", n, n) for n in sizes]
        if d >= rank - nd:
            a = d - (rank - nd)
            maps[a] = AxisMap("all", sizes[a], int(out.shape[d]))
        return self.mapped(owner, kind, source, out, maps, f"dim={dim}")

    def record_interpolate(
        self,
        owner: str,
        kind: str,
        base: str,
        args: Sequence[Any],
        kwargs: dict[str, Any],
        source: tuple[torch.Tensor, int],
        out: torch.Tensor,
    ) -> GraphNode | None:
        x, _ = source
        nd = self.ndim
        found = _interpolation(base, args, kwargs)
        if found is None or x.dim() - 2 != nd:
            return None
        mode, align, outs, scales = found
        maps = []
        for a in range(nd):
            i, o = int(x.shape[2 + a]), outs[a]
            if mode == "area":
                maps.append(AxisMap("adaptive", i, o))
            elif mode == "nearest":
                maps.append(AxisMap("nearest", i, o, (scales[a],)))
            elif mode == "nearest-exact":
                maps.append(AxisMap("nearest_exact", i, o, (scales[a],)))
            elif mode == "bicubic":
                maps.append(AxisMap("cubic", i, o, (bool(align), scales[a])))
            else:
                maps.append(AxisMap("linear", i, o, (bool(align), scales[a])))
        details = f"{mode} {shape_text(tuple(x.shape[2:]))}->{shape_text(outs)}"
        if align:
            details += " align_corners"
        return self.mapped(owner, kind, source, out, maps, details)

    def record_pad(
        self,
        owner: str,
        kind: str,
        args: Sequence[Any],
        kwargs: dict[str, Any],
        source: tuple[torch.Tensor, int],
        out: torch.Tensor,
    ) -> GraphNode | None:
        x, _ = source
        nd = self.ndim
        pairs = _pads(args, kwargs)
        mode = _arg(args, kwargs, 2, "mode", "constant")
        if mode not in ("constant", "reflect", "replicate", "circular"):
            return None
        rank = x.dim()
        maps = []
        shown = []
        for a in range(nd):
            i = int(x.shape[rank - nd + a])
            o = int(out.shape[rank - nd + a])
            back = nd - 1 - a  # pairs start from the last dimension
            lo = pairs[back][0] if back < len(pairs) else 0
            shown.append(f"{lo}:{o - i - lo}")
            if mode == "constant":
                maps.append(AxisMap("affine", i, o, (-lo, 1)) if lo else AxisMap("same", i, o))
            else:
                maps.append(AxisMap(mode, i, o, (lo,)))
        return self.mapped(owner, kind, source, out, maps, f"p={'x'.join(shown)} {mode}")
