"""Shared helpers of the per-operation shape rules: arguments, shapes, broadcasting, op tables."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import torch

from convarith.core.arithmetic import configure
from convarith.core.stack import Layer


@lru_cache(maxsize=512)
def _configure(op: str, shape: tuple[int, ...], params: tuple[tuple[str, Any], ...]) -> Any:
    """configure, remembered: a network repeats its layers, and each is checked twice."""
    return configure(op, shape, **dict(params))


def _configured(layer: Layer, shape: tuple[int, ...]) -> Any:
    try:
        return _configure(layer.op, shape, tuple(sorted(layer.params.items())))
    except TypeError:  # a parameter that cannot be a key (a list): no memory
        return configure(layer.op, shape, **dict(layer.params))


def _arg(
    args: Sequence[Any], kwargs: dict[str, Any], index: int, key: str, default: Any = None
) -> Any:
    if key in kwargs:
        return kwargs[key]
    return args[index] if len(args) > index else default


def _empty(shape: Sequence[int], dtype: torch.dtype) -> torch.Tensor:
    return torch.empty(tuple(int(n) for n in shape), dtype=dtype, device="meta")


def _shape(value: Any) -> tuple[int, ...]:
    return tuple(value.shape) if isinstance(value, torch.Tensor) else ()


def _broadcast(shapes: Sequence[tuple[int, ...]]) -> tuple[int, ...]:
    """PyTorch's broadcasting of shapes (``torch.broadcast_shapes`` would cost an import)."""
    rank = max((len(s) for s in shapes), default=0)
    result = [1] * rank
    for s in shapes:
        for i, n in enumerate(s, start=rank - len(s)):
            if n == result[i] or n == 1:
                continue
            if result[i] != 1:
                raise RuntimeError(
                    f"shapes {', '.join(str(list(x)) for x in shapes)} cannot be broadcast together"
                )
            result[i] = n
    return tuple(result)


_INPLACE_ARG = {
    "relu": 1,
    "relu6": 1,
    "silu": 1,
    "hardswish": 1,
    "hardsigmoid": 1,
    "mish": 1,
    "selu": 1,
    "celu": 2,
    "elu": 2,
    "leaky_relu": 2,
    "hardtanh": 3,
    "threshold": 3,
    "rrelu": 4,
    "dropout": 3,
    "alpha_dropout": 3,
    "feature_alpha_dropout": 3,
    "dropout1d": 3,
    "dropout2d": 3,
    "dropout3d": 3,
}

#: Operations that keep the shape of their first argument.
_UNARY = frozenset(
    {
        *_INPLACE_ARG,
        "gelu",
        "sigmoid",
        "tanh",
        "softplus",
        "softsign",
        "tanhshrink",
        "hardshrink",
        "softshrink",
        "logsigmoid",
        "exp",
        "log",
        "log1p",
        "expm1",
        "sqrt",
        "rsqrt",
        "abs",
        "neg",
        "sign",
        "erf",
        "sin",
        "cos",
        "reciprocal",
        "square",
        "clamp",
        "clip",
        "clamp_min",
        "clamp_max",
        "nan_to_num",
        "batch_norm",
        "instance_norm",
        "group_norm",
        "layer_norm",
        "rms_norm",
        "local_response_norm",
        "normalize",
        "softmax",
        "log_softmax",
        "softmin",
        "prelu",
        "cumsum",
        "cumprod",
        "logcumsumexp",
        "flip",
        "roll",
        "zeros_like",
        "ones_like",
        "empty_like",
        "full_like",
        "rand_like",
        "randn_like",
    }
)

#: Element-wise operations of two or more tensors, with broadcasting.
_BINARY = frozenset(
    {
        "add",
        "sub",
        "mul",
        "div",
        "true_divide",
        "floor_divide",
        "remainder",
        "fmod",
        "pow",
        "maximum",
        "minimum",
        "fmax",
        "fmin",
        "atan2",
        "hypot",
        "rsub",
        "xlogy",
        "copysign",
        "lerp",
        "addcmul",
        "addcdiv",
        "where",
        "masked_fill",
        "eq",
        "ne",
        "lt",
        "le",
        "gt",
        "ge",
        "logical_and",
        "logical_or",
        "logical_xor",
        "__radd__",
        "__rsub__",
        "__rmul__",
        "__rtruediv__",
        "__rdiv__",
        "__rfloordiv__",
        "__rmod__",
        "__rpow__",
    }
)
_BOOLEAN = frozenset(
    {"eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor"}
)


def _base(name: str) -> str:
    """``add_`` -> ``add``; dunder names stay as they are."""
    return name[:-1] if name.endswith("_") and not name.endswith("__") else name


def _inplace(name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> bool:
    if name.endswith("_") and not name.endswith("__"):
        return True
    index = _INPLACE_ARG.get(name)
    return bool(index is not None and _arg(args, kwargs, index, "inplace", False))


def _check_norm(name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> None:
    """The channel checks PyTorch makes in normalisation, so that a wrong input is refused alike."""
    x = args[0]
    channels = x.shape[1] if x.dim() > 1 else 1
    if name == "batch_norm":
        for key, index in (("running_mean", 1), ("running_var", 2), ("weight", 3), ("bias", 4)):
            t = _arg(args, kwargs, index, key)
            if isinstance(t, torch.Tensor) and t.numel() != channels:
                raise RuntimeError(f"{key} should contain {channels} elements not {t.numel()}")
    elif name == "group_norm":
        groups = _arg(args, kwargs, 1, "num_groups")
        if isinstance(groups, int) and groups > 0 and channels % groups:
            raise RuntimeError(
                f"Expected number of channels in input to be divisible by num_groups, but got "
                f"input of shape {list(x.shape)} and num_groups={groups}"
            )
    elif name in ("layer_norm", "rms_norm"):
        normalized = tuple(_arg(args, kwargs, 1, "normalized_shape", ()))
        if tuple(x.shape[len(x.shape) - len(normalized) :]) != normalized:
            raise RuntimeError(
                f"Given normalized_shape={list(normalized)}, expected input with shape "
                f"[*, {', '.join(map(str, normalized))}], but got input of size{list(x.shape)}"
            )
    elif name == "prelu":
        weight = _arg(args, kwargs, 1, "weight")
        if isinstance(weight, torch.Tensor) and weight.numel() not in (1, channels):
            raise RuntimeError(
                f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                f"{weight.numel()} and channel size = {channels}."
            )
