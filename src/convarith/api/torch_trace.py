"""Run a PyTorch module on the meta device and record its data flow for :mod:`convarith.core.graph`.

:func:`trace` works on a copy of the module that shares no memory with it:
the parameters and buffers are replaced by meta tensors, which hold no data.
The copy is in eval mode and has none of the module's forward hooks, so
nothing the user registered runs.  It then calls the copy on a meta input,
the way model-summary tools do.  Forward hooks record every module that runs,
and a :class:`~torch.overrides.TorchFunctionMode` records every operation
between modules (``+``, ``torch.cat``, ``F.interpolate``, ``x.flatten(1)``...).
Every tensor is followed by identity, so each record knows which records it
read.

Leaf modules convarith knows as a whole are recorded as one node each, with
their own parameters: convolutions, transposed convolutions, pooling, and the
shape-keeping layers (activations, normalisation, dropout).  Operations inside
other modules, including a module's own ``forward``, are recorded one by one
and named after the module that runs them.  A leaf module that ran exactly one
operation is named by its class.

For the operations it knows, the tracer computes the output shape itself
with convarith's arithmetic, without calling PyTorch's meta kernels.  Their
first call costs seconds of imports.  Any other operation runs on the meta
device as PyTorch defines it.  Its shape is then right, and its receptive
field is unknown (``rule="opaque"``), unless none of its inputs keeps spatial
axes.

What cannot be traced: a ``forward`` that reads tensor values (``.item()``,
``if x.sum() > 0``, boolean masks). There is no data on the meta device, so
:func:`trace` refuses with one line naming the module.

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

import copy
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

import torch
from torch import nn
from torch.nn.parameter import UninitializedTensorMixin  # type: ignore[attr-defined]
from torch.overrides import TorchFunctionMode

from convarith.core.arithmetic import configure
from convarith.core.errors import ConvArithError
from convarith.core.graph import AxisMap, GraphNode
from convarith.core.record import Record, replace
from convarith.core.stack import Layer
from convarith.core.text import shape_text

__all__ = ["SHAPE_KEEPING", "Traced", "layer_of", "meta_copy", "module_ndim", "trace"]

#: Modules that keep the shape of what goes through them, recorded as one node.
#: Their statistics over positions (instance, group and layer norm) are not
#: counted in receptive fields, as receptive-field analyses usually do.
SHAPE_KEEPING = (
    "Identity",
    "ReLU",
    "ReLU6",
    "LeakyReLU",
    "PReLU",
    "ELU",
    "SELU",
    "CELU",
    "GELU",
    "SiLU",
    "Mish",
    "Sigmoid",
    "Tanh",
    "Hardtanh",
    "Hardswish",
    "Hardsigmoid",
    "Softplus",
    "Softsign",
    "Tanhshrink",
    "Threshold",
    "Dropout",
    "Dropout1d",
    "Dropout2d",
    "Dropout3d",
    "AlphaDropout",
    "BatchNorm1d",
    "BatchNorm2d",
    "BatchNorm3d",
    "InstanceNorm1d",
    "InstanceNorm2d",
    "InstanceNorm3d",
    "GroupNorm",
    "LocalResponseNorm",
    "SyncBatchNorm",
)

_POOLS = (
    nn.MaxPool1d,
    nn.MaxPool2d,
    nn.MaxPool3d,
    nn.AvgPool1d,
    nn.AvgPool2d,
    nn.AvgPool3d,
)


def _per_axis(value: Any, module: Any) -> tuple[int, ...]:
    """A pooling parameter (PyTorch keeps ints as given) as one value per axis."""
    if isinstance(value, (tuple, list)):
        return tuple(value)
    ndim = int(type(module).__name__[-2])
    return (value,) * ndim


def _label(name: str, kind: str) -> str:
    """A layer's name in reports: its path in the model and its class."""
    return f"{name}: {kind}" if name else kind


def _torch_forward(module: Any, *methods: str) -> bool:
    """Whether the module runs PyTorch's own code for these methods (not a subclass's)."""
    return all(
        getattr(getattr(type(module), m, None), "__module__", "").startswith("torch.nn.")
        for m in methods
    )


def layer_of(name: str, module: Any) -> Layer | None:
    """A convolution, transposed convolution or pooling module as a Layer; None for others.

    Examples
    --------
    >>> import torch.nn as nn
    >>> layer_of("stem", nn.MaxPool2d(3, 2, 1)).params["kernel_size"]
    (3, 3)

    """
    kind = type(module).__name__
    if isinstance(module, nn.modules.conv._ConvTransposeNd):
        return Layer(
            "conv_transpose",
            {
                "kernel_size": tuple(module.kernel_size),
                "stride": tuple(module.stride),
                "padding": tuple(module.padding),
                "dilation": tuple(module.dilation),
                "output_padding": tuple(module.output_padding),
            },
            in_channels=module.in_channels,
            out_channels=module.out_channels,
            groups=module.groups,
            name=_label(name, kind),
        )
    if isinstance(module, nn.modules.conv._ConvNd):
        padding = module.padding if isinstance(module.padding, str) else tuple(module.padding)
        return Layer(
            "conv",
            {
                "kernel_size": tuple(module.kernel_size),
                "stride": tuple(module.stride),
                "padding": padding,
                "dilation": tuple(module.dilation),
            },
            in_channels=module.in_channels,
            out_channels=module.out_channels,
            groups=module.groups,
            name=_label(name, kind),
        )
    if isinstance(module, (nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d)):
        return Layer(
            "max_pool",
            {
                "kernel_size": _per_axis(module.kernel_size, module),
                "stride": _per_axis(module.stride, module),
                "padding": _per_axis(module.padding, module),
                "dilation": _per_axis(module.dilation, module),
                "ceil_mode": module.ceil_mode,
            },
            name=_label(name, kind),
        )
    if isinstance(module, (nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d)):
        params: dict[str, Any] = {
            "kernel_size": _per_axis(module.kernel_size, module),
            "stride": _per_axis(module.stride, module),
            "padding": _per_axis(module.padding, module),
            "ceil_mode": module.ceil_mode,
            "count_include_pad": module.count_include_pad,
        }
        if getattr(module, "divisor_override", None) is not None:
            params["divisor_override"] = module.divisor_override
        return Layer("avg_pool", params, name=_label(name, kind))
    return None


def module_ndim(model: Any) -> int | None:
    """Spatial axes of the first convolution or pooling module (in registration order), if any.

    Examples
    --------
    >>> import torch.nn as nn
    >>> module_ndim(nn.Sequential(nn.ReLU(), nn.Conv3d(1, 1, 3))), module_ndim(nn.ReLU())
    (3, None)

    """
    for module in model.modules():
        if isinstance(module, nn.modules.conv._ConvNd):
            return len(module.kernel_size)
        kind = type(module).__name__
        if (
            isinstance(
                module,
                (
                    *_POOLS,
                    nn.modules.pooling._AdaptiveAvgPoolNd,
                    nn.modules.pooling._AdaptiveMaxPoolNd,
                ),
            )
            and kind[-2:-1].isdigit()
        ):
            return int(kind[-2])
    return None


def _atomic(module: Any) -> str | None:
    """How a module is recorded as one node: "layer", "keep", or None (recorded op by op)."""
    if isinstance(module, nn.modules.conv._ConvNd):
        methods = ("forward", "_conv_forward") if hasattr(module, "_conv_forward") else ("forward",)
        return "layer" if _torch_forward(module, *methods) else None
    if isinstance(module, _POOLS):
        return "layer" if _torch_forward(module, "forward") else None
    if type(module).__name__ in SHAPE_KEEPING and _torch_forward(module, "forward"):
        return "keep"
    return None


# --- copying onto the meta device --------------------------------------------


def _meta(t: torch.Tensor) -> torch.Tensor:
    """A meta tensor like ``t``: same shape and dtype, no data (``empty_like`` would cost an import)."""
    return torch.empty(tuple(t.shape), dtype=t.dtype, device="meta")


def meta_copy(model: nn.Module) -> nn.Module:
    """A deep copy of ``model`` whose parameters and buffers are meta tensors.

    No tensor data is copied: every parameter and buffer is mapped to a new
    meta tensor before the copy starts, so the copy costs the same for a
    large model as for a small one.  The model itself is not modified.
    """
    memo: dict[int, Any] = {}
    for module in model.modules():
        for group in (module._parameters, module._buffers):
            for t in group.values():
                if t is None or id(t) in memo:
                    continue
                if isinstance(t, UninitializedTensorMixin):
                    continue  # a lazy module's: it has no shape yet
                meta = _meta(t)
                if isinstance(t, nn.Parameter):
                    meta = nn.Parameter(meta, requires_grad=t.requires_grad)
                memo[id(t)] = meta
        for value in vars(module).values():
            if isinstance(value, torch.Tensor) and id(value) not in memo:
                memo[id(value)] = _meta(value)
    try:
        return copy.deepcopy(model, memo)
    except Exception as error:
        raise ConvArithError(
            f"module={type(model).__name__} cannot be copied to trace it: {_first_line(error)}"
        ) from None


@lru_cache(maxsize=512)
def _configure(op: str, shape: tuple[int, ...], params: tuple[tuple[str, Any], ...]) -> Any:
    """configure, remembered: a network repeats its layers, and each is checked twice."""
    return configure(op, shape, **dict(params))


def _configured(layer: Layer, shape: tuple[int, ...]) -> Any:
    try:
        return _configure(layer.op, shape, tuple(sorted(layer.params.items())))
    except TypeError:  # a parameter that cannot be a key (a list): no memory
        return configure(layer.op, shape, **dict(layer.params))


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


# --- output shapes of the operations convarith knows --------------------------


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


def _tensors(value: Any, depth: int = 0) -> Iterator[torch.Tensor]:
    """The tensors in a value, through tuples, lists and dicts."""
    if isinstance(value, torch.Tensor):
        yield value
    elif depth < 4 and isinstance(value, (tuple, list)):
        for item in value:
            yield from _tensors(item, depth + 1)
    elif depth < 4 and isinstance(value, dict):
        for item in value.values():
            yield from _tensors(item, depth + 1)


def _to_meta(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value if value.device.type == "meta" else value.to("meta")
    if isinstance(value, (tuple, list)):
        return type(value)(_to_meta(v) for v in value)
    if isinstance(value, dict):
        return {k: _to_meta(v) for k, v in value.items()}
    return value


def _call(func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    """Run an operation on the meta device; tensors made elsewhere (constants) move there first."""
    try:
        return func(*args, **kwargs)
    except (RuntimeError, NotImplementedError, TypeError):
        if not any(t.device.type != "meta" for t in _tensors((args, kwargs))):
            raise
    return func(*_to_meta(args), **_to_meta(kwargs))


def _op_name(func: Any) -> str:
    name = getattr(func, "__name__", "") or ""
    if name == "__get__":
        owner = getattr(func, "__self__", None)
        return "attr:" + str(getattr(owner, "__name__", "?"))
    return name


# --- the record -------------------------------------------------------------

#: Operations that return their input unchanged in layout: no row, the same node.
_ALIAS = frozenset(
    {
        "contiguous",
        "clone",
        "detach",
        "detach_",
        "to",
        "float",
        "double",
        "half",
        "bfloat16",
        "type",
        "type_as",
        "cpu",
        "cuda",
        "requires_grad_",
        "attr:data",
        "positive",
        "__pos__",
    }
)
#: Operations whose output holds no value of their input.
_CONSTANT = frozenset(
    {
        "zeros_like",
        "ones_like",
        "empty_like",
        "full_like",
        "rand_like",
        "randn_like",
        "randint_like",
        "new_zeros",
        "new_ones",
        "new_empty",
        "new_full",
        "new_tensor",
        "zero_",
        "fill_",
        "normal_",
        "uniform_",
        "attr:shape",
    }
)
_RESHAPE = frozenset(
    {
        "view",
        "reshape",
        "flatten",
        "unflatten",
        "view_as",
        "reshape_as",
        "squeeze",
        "unsqueeze",
        "ravel",
    }
)
_PERMUTE = frozenset(
    {
        "permute",
        "transpose",
        "swapaxes",
        "swapdims",
        "movedim",
        "moveaxis",
        "t",
        "attr:mT",
        "attr:T",
    }
)
_SPLIT = frozenset(
    {"chunk", "split", "tensor_split", "split_with_sizes", "narrow", "unbind", "select"}
)
_ALONG = {
    "softmax": 1,
    "log_softmax": 1,
    "softmin": 1,
    "cumsum": 1,
    "cumprod": 1,
    "logcumsumexp": 1,
    "cummax": 1,
    "cummin": 1,
    "sort": 1,
    "argsort": 1,
    "topk": 2,
    "normalize": 2,
}


def _display(name: str) -> str:
    """How an operation is named in the table: ``add_`` and ``__iadd__`` read ``add``."""
    name = name.removeprefix("attr:").strip("_")
    return name[1:] if name in ("iadd", "isub", "imul", "idiv", "radd", "rsub", "rmul") else name


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


class _Tracer(TorchFunctionMode):
    """Hooks and a torch-function mode that turn one forward call into GraphNodes."""

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


def _located(message: str) -> ConvArithError:
    """An error that already names where it happened."""
    error = ConvArithError(message)
    error.located = True  # type: ignore[attr-defined]
    return error


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
