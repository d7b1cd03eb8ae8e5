"""Shape rules for elementwise, linear, reduction and reshuffling operations, and the table of all rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from convarith.api.torch_trace.shapes import (
    _BINARY,
    _BOOLEAN,
    _UNARY,
    _arg,
    _base,
    _broadcast,
    _check_norm,
    _empty,
    _inplace,
    _shape,
)
from convarith.api.torch_trace.window_rules import (
    _fast_adaptive,
    _fast_cat,
    _fast_interpolate,
    _fast_pad,
    _fast_window,
)


def _fast_unary(name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    x = args[0] if args else kwargs.get("input")
    if not isinstance(x, torch.Tensor):
        return NotImplemented
    base = _base(name)
    if base in ("batch_norm", "group_norm", "layer_norm", "rms_norm", "prelu"):
        _check_norm(base, args, kwargs)
    if _inplace(name, args, kwargs):
        return x
    dtype = kwargs.get("dtype") or x.dtype
    return _empty(x.shape, dtype)


def _fast_binary(name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    base = _base(name)
    operands = list(args[:3]) if base in ("where", "lerp", "addcmul", "addcdiv") else list(args[:2])
    if len(operands) < 2 or not any(isinstance(a, torch.Tensor) for a in operands):
        return NotImplemented
    if base == "masked_fill":
        operands = operands[:2]
    shape = _broadcast([_shape(a) for a in operands])
    x = args[0]
    if _inplace(name, args, kwargs):
        if not isinstance(x, torch.Tensor) or tuple(x.shape) != shape:
            raise RuntimeError(
                f"output with shape {list(_shape(x))} doesn't match the broadcast shape {list(shape)}"
            )
        return x
    try:
        if base in _BOOLEAN:
            dtype = torch.bool
        elif base == "where":
            dtype = torch.result_type(operands[1], operands[2])
        elif base == "masked_fill":
            dtype = x.dtype
        else:
            dtype = torch.result_type(operands[0], operands[1])
    except (RuntimeError, TypeError):
        return NotImplemented
    return _empty(shape, dtype)


def _fast_linear(name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    x = args[0] if args else kwargs.get("input")
    w = _arg(args, kwargs, 1, "weight")
    if not isinstance(x, torch.Tensor) or not isinstance(w, torch.Tensor) or w.dim() not in (1, 2):
        return NotImplemented
    n_in = w.shape[-1]
    if x.dim() == 0 or x.shape[-1] != n_in:
        rows = 1
        for n in x.shape[:-1]:
            rows *= n
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x.shape[-1] if x.dim() else 1} and "
            f"{n_in}x{w.shape[0] if w.dim() == 2 else 1})"
        )
    tail = (w.shape[0],) if w.dim() == 2 else ()
    return _empty((*x.shape[:-1], *tail), x.dtype)


#: Reductions: where their ``dim`` is among the positional arguments.
_REDUCE_DIM = {
    "mean": 1,
    "sum": 1,
    "nansum": 1,
    "amax": 1,
    "amin": 1,
    "max": 1,
    "min": 1,
    "median": 1,
    "nanmedian": 1,
    "mode": 1,
    "argmax": 1,
    "argmin": 1,
    "logsumexp": 1,
    "prod": 1,
    "std": 1,
    "var": 1,
    "norm": 2,
    "any": 1,
    "all": 1,
    "count_nonzero": 1,
}
_WITH_INDICES = frozenset({"max", "min", "median", "nanmedian", "mode"})


def _reduced(
    name: str, args: Sequence[Any], kwargs: dict[str, Any]
) -> tuple[frozenset[int], bool] | None:
    """(reduced dims, keepdim) of a reduction; None for what the tracer does not read."""
    x = args[0] if args else kwargs.get("input")
    if not isinstance(x, torch.Tensor):
        return None
    dim = _arg(args, kwargs, _REDUCE_DIM[name], "dim")
    if dim is None and "axis" in kwargs:
        dim = kwargs["axis"]
    if isinstance(dim, (torch.Tensor, str)):
        return None
    keep = kwargs.get("keepdim")
    if keep is None:
        position = _REDUCE_DIM[name] + (2 if name in ("std", "var") else 1)
        keep = (
            args[position] if len(args) > position and isinstance(args[position], bool) else False
        )
    rank = x.dim()
    if dim is None or (
        isinstance(dim, (tuple, list)) and not dim and name in ("amax", "amin", "sum", "mean")
    ):
        return frozenset(range(rank)), bool(keep)
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    if any(not -max(rank, 1) <= d < max(rank, 1) for d in dims):
        raise IndexError(f"Dimension out of range (got {dim} for a {rank}-D tensor)")
    return frozenset(d % max(rank, 1) for d in dims), bool(keep)


def _fast_reduce(name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    if name in ("max", "min") and len(args) > 1 and isinstance(args[1], torch.Tensor):
        return _fast_binary(name, args, kwargs)
    if name in ("norm", "std", "var", "count_nonzero", "mode", "prod"):
        return NotImplemented
    found = _reduced(name, args, kwargs)
    if found is None:
        return NotImplemented
    dims, keep = found
    x = args[0] if args else kwargs["input"]
    no_dim = _arg(args, kwargs, _REDUCE_DIM[name], "dim") is None and "axis" not in kwargs
    shape = (
        [1 if i in dims else n for i, n in enumerate(x.shape)]
        if keep
        else [n for i, n in enumerate(x.shape) if i not in dims]
    )
    if name in ("any", "all"):
        dtype = torch.bool
    elif name in ("argmax", "argmin"):
        dtype = torch.int64
    else:
        dtype = kwargs.get("dtype") or x.dtype
    out = _empty(shape, dtype)
    if name in _WITH_INDICES and not no_dim:
        kind = getattr(torch.return_types, name)
        return kind((out, _empty(shape, torch.int64)))
    return out


def _fast_pixel(name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    x = args[0] if args else kwargs.get("input")
    r = _arg(args, kwargs, 1, "upscale_factor" if name == "pixel_shuffle" else "downscale_factor")
    if not isinstance(x, torch.Tensor) or not isinstance(r, int) or x.dim() < 3 or r < 1:
        return NotImplemented
    *lead, c, h, w = x.shape
    if name == "pixel_shuffle":
        if c % (r * r):
            raise RuntimeError(
                f"pixel_shuffle expects its input's channel dimension to be divisible by the square "
                f"of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}"
            )
        return _empty((*lead, c // (r * r), h * r, w * r), x.dtype)
    if h % r or w % r:
        raise RuntimeError(
            f"pixel_unshuffle expects height and width to be divisible by downscale_factor={r}, "
            f"got {h}x{w}"
        )
    return _empty((*lead, c * r * r, h // r, w // r), x.dtype)


def _fast_repeat(name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    x = args[0]
    sizes = args[1:] if len(args) > 2 or isinstance(args[1], int) else tuple(args[1])
    if not all(isinstance(s, int) for s in sizes) or len(sizes) < x.dim():
        return NotImplemented
    shape = (1,) * (len(sizes) - x.dim()) + tuple(x.shape)
    return _empty(tuple(n * s for n, s in zip(shape, sizes)), x.dtype)


_FAST: dict[str, Any] = {}
for _name in _UNARY:
    _FAST[_name] = _FAST[_name + "_"] = _fast_unary
for _name in _BINARY:
    _FAST[_name] = _FAST[_name + "_"] = _fast_binary
for _n in (1, 2, 3):
    for _name in (
        f"conv{_n}d",
        f"conv_transpose{_n}d",
        f"max_pool{_n}d",
        f"max_pool{_n}d_with_indices",
        f"avg_pool{_n}d",
        f"lp_pool{_n}d",
    ):
        _FAST[_name] = _fast_window
    _FAST[f"adaptive_avg_pool{_n}d"] = _FAST[f"adaptive_max_pool{_n}d"] = _fast_adaptive
for _name in ("interpolate", "upsample", "upsample_nearest", "upsample_bilinear"):
    _FAST[_name] = _fast_interpolate
for _name in ("cat", "concat", "concatenate", "stack"):
    _FAST[_name] = _fast_cat
for _name in _REDUCE_DIM:
    _FAST[_name] = _fast_reduce
_FAST.update(
    {
        "pad": _fast_pad,
        "linear": _fast_linear,
        "pixel_shuffle": _fast_pixel,
        "pixel_unshuffle": _fast_pixel,
        "repeat": _fast_repeat,
    }
)
