"""Which modules convarith reads as one layer, and how many spatial axes a model has."""

from __future__ import annotations

from typing import Any

from torch import nn

from convarith.core.stack import Layer

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
