"""Shape rules for windowed operations: convolution, pooling, interpolation, padding, concatenation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from convarith.api.torch_trace.shapes import _arg, _configured, _empty
from convarith.core.stack import Layer


def _window(name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> tuple[Layer, int] | None:
    """A functional convolution or pooling as a Layer, with its number of axes."""
    base = name.replace("_with_indices", "")
    x = args[0] if args else kwargs.get("input")
    if not isinstance(x, torch.Tensor) or not base[-2:-1].isdigit():
        return None
    nd = int(base[-2])

    def axes(value: Any) -> Any:
        if isinstance(value, int):
            return (value,) * nd
        return tuple(value) if isinstance(value, (list, tuple)) else value

    c = x.shape[-nd - 1] if x.dim() > nd else None
    if base.startswith("conv_transpose"):
        w = _arg(args, kwargs, 1, "weight")
        groups = _arg(args, kwargs, 6, "groups", 1)
        params = {
            "kernel_size": tuple(w.shape[2:]),
            "stride": axes(_arg(args, kwargs, 3, "stride", 1)),
            "padding": axes(_arg(args, kwargs, 4, "padding", 0)),
            "output_padding": axes(_arg(args, kwargs, 5, "output_padding", 0)),
            "dilation": axes(_arg(args, kwargs, 7, "dilation", 1)),
        }
        return Layer("conv_transpose", params, c, w.shape[1] * groups, groups), nd
    if base.startswith("conv"):
        w = _arg(args, kwargs, 1, "weight")
        groups = _arg(args, kwargs, 6, "groups", 1)
        params = {
            "kernel_size": tuple(w.shape[2:]),
            "stride": axes(_arg(args, kwargs, 3, "stride", 1)),
            "padding": axes(_arg(args, kwargs, 4, "padding", 0)),
            "dilation": axes(_arg(args, kwargs, 5, "dilation", 1)),
        }
        return Layer("conv", params, c, w.shape[0], groups), nd
    if base.startswith("lp_pool"):
        kernel = axes(_arg(args, kwargs, 2, "kernel_size"))
        stride = _arg(args, kwargs, 3, "stride")
        params = {
            "kernel_size": kernel,
            "stride": axes(stride) if stride else kernel,
            "ceil_mode": bool(_arg(args, kwargs, 4, "ceil_mode", False)),
        }
        return Layer("avg_pool", params), nd
    kernel = axes(_arg(args, kwargs, 1, "kernel_size"))
    stride = _arg(args, kwargs, 2, "stride")
    params = {
        "kernel_size": kernel,
        "stride": axes(stride) if stride else kernel,
        "padding": axes(_arg(args, kwargs, 3, "padding", 0)),
    }
    if base.startswith("max_pool"):
        params["dilation"] = axes(_arg(args, kwargs, 4, "dilation", 1))
        params["ceil_mode"] = bool(_arg(args, kwargs, 5, "ceil_mode", False))
        return Layer("max_pool", params), nd
    params["ceil_mode"] = bool(_arg(args, kwargs, 4, "ceil_mode", False))
    params["count_include_pad"] = bool(_arg(args, kwargs, 5, "count_include_pad", True))
    divisor = _arg(args, kwargs, 6, "divisor_override")
    if divisor is not None:
        params["divisor_override"] = divisor
    return Layer("avg_pool", params), nd


def _check_window_channels(layer: Layer, x: torch.Tensor, nd: int, weight: Any) -> None:
    if x.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"expected a {nd + 1}-D (unbatched) or {nd + 2}-D (batched) input, got shape {list(x.shape)}"
        )
    if layer.op == "conv" and layer.in_channels != weight.shape[1] * layer.groups:
        raise RuntimeError(
            f"Given groups={layer.groups}, weight of size {list(weight.shape)}, expected input"
            f"{list(x.shape)} to have {weight.shape[1] * layer.groups} channels, but got "
            f"{layer.in_channels} channels instead"
        )
    if layer.op == "conv_transpose" and layer.in_channels != weight.shape[0]:
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(weight.shape)}, expected input"
            f"{list(x.shape)} to have {weight.shape[0]} channels, but got "
            f"{layer.in_channels} channels instead"
        )


def _fast_window(name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    found = _window(name, args, kwargs)
    if found is None:
        return NotImplemented
    layer, nd = found
    x = args[0] if args else kwargs["input"]
    weight = _arg(args, kwargs, 1, "weight") if layer.op.startswith("conv") else None
    _check_window_channels(layer, x, nd, weight)
    config = _configured(layer, tuple(int(n) for n in x.shape[-nd:]))
    channels = layer.out_channels if layer.out_channels is not None else x.shape[-nd - 1]
    out = _empty((*x.shape[: -nd - 1], channels, *config.output_shape), x.dtype)
    if name.endswith("with_indices") or (
        layer.op == "max_pool" and _arg(args, kwargs, 6, "return_indices", False)
    ):
        return out, _empty(out.shape, torch.int64)
    return out


def _adaptive_sizes(x: torch.Tensor, nd: int, size: Any) -> tuple[int, ...]:
    sizes = (size,) * nd if isinstance(size, int) else tuple(size)
    if len(sizes) == 1 and nd > 1:
        sizes = sizes * nd
    if len(sizes) != nd:
        raise RuntimeError(f"output_size={size!r} must have {nd} values")
    return tuple(int(x.shape[-nd + a]) if s is None else int(s) for a, s in enumerate(sizes))


def _fast_adaptive(name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    x = args[0] if args else kwargs.get("input")
    if not isinstance(x, torch.Tensor) or not name[-2:-1].isdigit():
        return NotImplemented
    nd = int(name[-2])
    if x.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"{name}: expected a {nd + 1}-D or {nd + 2}-D input, got {list(x.shape)}"
        )
    sizes = _adaptive_sizes(x, nd, _arg(args, kwargs, 1, "output_size"))
    if min(sizes) < 1 and x.numel():
        raise RuntimeError(f"{name}: output_size={sizes} must be positive")
    out = _empty((*x.shape[:-nd], *sizes), x.dtype)
    if "max" in name and _arg(args, kwargs, 2, "return_indices", False):
        return out, _empty(out.shape, torch.int64)
    return out


_INTERP_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}


def _interpolation(
    name: str, args: Sequence[Any], kwargs: dict[str, Any]
) -> tuple[str, Any, tuple[int, ...], tuple[float | None, ...]] | None:
    """(mode, align_corners, output sizes, scales the kernel gets) of a resize, or None if unusual."""
    x = args[0] if args else kwargs.get("input")
    if not isinstance(x, torch.Tensor) or not 3 <= x.dim() <= 5:
        return None
    nd = x.dim() - 2
    size = _arg(args, kwargs, 1, "size")
    scale = _arg(args, kwargs, 2, "scale_factor")
    if name == "upsample_nearest":
        mode, align, recompute, antialias = "nearest", None, None, False
    elif name == "upsample_bilinear":
        mode, align, recompute, antialias = "bilinear", True, None, False
    else:
        mode = _arg(args, kwargs, 3, "mode", "nearest")
        align = _arg(args, kwargs, 4, "align_corners")
        recompute = _arg(args, kwargs, 5, "recompute_scale_factor")
        antialias = _arg(args, kwargs, 6, "antialias", False)
    if antialias or (size is None) == (scale is None):
        return None
    if mode in _INTERP_DIMS:
        if _INTERP_DIMS[mode] != nd:
            return None
    elif mode not in ("nearest", "nearest-exact", "area") or align is not None:
        return None
    spatial = tuple(int(n) for n in x.shape[2:])
    if size is not None:
        sizes = tuple(size) if isinstance(size, (list, tuple)) else (size,) * nd
        if len(sizes) != nd or recompute:
            return None
        return mode, align, tuple(int(s) for s in sizes), (None,) * nd
    scales = tuple(scale) if isinstance(scale, (list, tuple)) else (scale,) * nd
    if len(scales) != nd:
        return None
    outs = tuple(int(i * float(s)) for i, s in zip(spatial, scales))
    if mode == "area" or recompute:
        return mode, align, outs, (None,) * nd
    return mode, align, outs, tuple(float(s) for s in scales)


def _fast_interpolate(name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    found = _interpolation(name, args, kwargs)
    if found is None:
        return NotImplemented
    x = args[0] if args else kwargs["input"]
    if min(found[2]) < 1:
        raise ValueError(
            f"Input and output sizes should be greater than 0, but got input (D: {x.shape[2:]}) "
            f"output (D: {found[2]})"
        )
    return _empty((*x.shape[:2], *found[2]), x.dtype)


def _pads(args: Sequence[Any], kwargs: dict[str, Any]) -> tuple[tuple[int, int], ...]:
    """F.pad's pairs, for the last dimension first."""
    pad = tuple(_arg(args, kwargs, 1, "pad"))
    if len(pad) % 2:
        raise RuntimeError(f"Padding length must be divisible by 2, got {len(pad)}")
    return tuple((int(pad[2 * i]), int(pad[2 * i + 1])) for i in range(len(pad) // 2))


def _fast_pad(name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    x = args[0] if args else kwargs.get("input")
    if not isinstance(x, torch.Tensor):
        return NotImplemented
    pairs = _pads(args, kwargs)
    mode = _arg(args, kwargs, 2, "mode", "constant")
    if len(pairs) > x.dim():
        raise RuntimeError(f"Padding length {2 * len(pairs)} is too large for a {x.dim()}-D input")
    shape = list(x.shape)
    for i, (lo, hi) in enumerate(pairs):
        d = x.dim() - 1 - i
        if mode == "reflect" and (lo >= shape[d] or hi >= shape[d]):
            raise RuntimeError(
                f"Padding size should be less than the corresponding input dimension, but got: "
                f"padding ({lo}, {hi}) at dimension {d} of input {list(x.shape)}"
            )
        if mode == "circular" and (lo > shape[d] or hi > shape[d]):
            raise RuntimeError(
                f"Padding value causes wrapping around more than once: ({lo}, {hi}) at dimension {d}"
            )
        shape[d] += lo + hi
        if shape[d] < 0 or (shape[d] == 0 and mode != "constant"):
            raise RuntimeError(
                f"The input size {x.shape[d]}, plus padding {lo} and {hi}, is too small"
            )
    return _empty(shape, x.dtype)


def _fast_cat(name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    tensors = _arg(args, kwargs, 0, "tensors")
    dim = _arg(args, kwargs, 1, "dim", 0)
    if not isinstance(tensors, (list, tuple)) or not tensors or not isinstance(dim, int):
        return NotImplemented
    if not all(isinstance(t, torch.Tensor) for t in tensors):
        return NotImplemented
    shapes = [tuple(t.shape) for t in tensors]
    dtype = tensors[0].dtype
    for t in tensors[1:]:
        dtype = torch.promote_types(dtype, t.dtype)
    if name == "stack":
        if len(set(shapes)) > 1:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {shapes}")
        rank = len(shapes[0]) + 1
        d = dim + rank if dim < 0 else dim
        if not 0 <= d < rank:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-rank}, {rank - 1}], but got {dim})"
            )
        return _empty((*shapes[0][:d], len(tensors), *shapes[0][d:]), dtype)
    rank = len(shapes[0])
    d = dim + rank if dim < 0 else dim
    if not 0 <= d < rank:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-rank}, {rank - 1}], but got {dim})"
        )
    for s in shapes[1:]:
        if len(s) != rank or any(s[i] != shapes[0][i] for i in range(rank) if i != d):
            raise RuntimeError(
                f"Sizes of tensors must match except in dimension {d}; got {shapes[0]} and {s}"
            )
    out = list(shapes[0])
    out[d] = sum(s[d] for s in shapes)
    return _empty(out, dtype)
