"""Read PyTorch modules as convarith layers (torch is imported only here, only when called)."""

from __future__ import annotations

from typing import Any

from convarith.core.errors import ConvArithError
from convarith.core.params import parse_shape
from convarith.core.stack import Layer, StackReport, analyze_stack

__all__ = ["from_torch", "layers_from_torch"]

#: Modules that keep the shape of what goes through them.
_SHAPE_KEEPING = (
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


def _per_axis(value: Any, module: Any) -> tuple[int, ...]:
    """A pooling parameter (PyTorch keeps ints as given) as one value per axis."""
    if isinstance(value, (tuple, list)):
        return tuple(value)
    ndim = int(type(module).__name__[-2])
    return (value,) * ndim


def _label(name: str, kind: str) -> str:
    """A layer's name in reports: its path in the model and its class."""
    return f"{name}: {kind}" if name else kind


def _layer(name: str, module: Any) -> Layer | None:
    """One module as a Layer; None for a module that keeps the shape."""
    import torch.nn as nn

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
    if kind in _SHAPE_KEEPING:
        return None
    raise ConvArithError(
        f"module {name or kind} ({kind}) is not a convolution, transposed convolution, "
        "pooling or shape-keeping layer; convarith cannot follow its shape"
    )


def layers_from_torch(module: Any) -> list[Layer]:
    """The convarith layers of a module or of a (nested) ``nn.Sequential``, in order."""
    import torch.nn as nn

    if not isinstance(module, nn.Module):
        raise ConvArithError(f"module={type(module).__name__} is not a torch.nn.Module")
    if isinstance(module, nn.Sequential):
        # A module used twice runs twice: keep duplicates.
        named = [
            (n, m)
            for n, m in module.named_modules(remove_duplicate=False)
            if not isinstance(m, nn.Sequential)
        ]
    else:
        named = [("", module)]
    layers = [layer for n, m in named if (layer := _layer(n, m)) is not None]
    if not layers:
        raise ConvArithError(
            f"module={type(module).__name__} holds no convolution or pooling layer"
        )
    return layers


def from_torch(module: Any, input_shape: Any) -> StackReport:
    """Shapes, receptive fields and jumps of a PyTorch module on an input.

    Parameters
    ----------
    module : torch.nn.Module
        A ``Conv{1,2,3}d``, ``ConvTranspose{1,2,3}d``, ``MaxPool{1,2,3}d`` or
        ``AvgPool{1,2,3}d``, or an ``nn.Sequential`` (nested ones too) of
        those and of shape-keeping layers (activations, normalisation,
        dropout).
    input_shape : tuple of int
        Spatial sizes, or ``(C, *spatial)``, or ``(N, C, *spatial)`` as a
        tensor would have; channels are checked when given.

    Returns
    -------
    StackReport
        One row per convolution or pooling layer; ``.output_shape`` is the
        spatial output shape.

    Examples
    --------
    >>> import torch.nn as nn                                  # doctest: +SKIP
    >>> from_torch(nn.Conv2d(3, 8, 3, stride=2), (3, 32, 32)).output_shape  # doctest: +SKIP
    (15, 15)

    """
    layers = layers_from_torch(module)
    first = len(layers[0].params["kernel_size"])
    shape = tuple(input_shape) if not isinstance(input_shape, int) else (input_shape,)
    extra = len(shape) - first
    if extra not in (0, 1, 2):
        raise ConvArithError(
            f"input_shape={shape!r} does not fit a {first}-D module: give {first} spatial sizes, "
            "optionally preceded by channels and batch size"
        )
    spatial = parse_shape(shape[extra:])
    channels = shape[extra - 1] if extra else None
    return analyze_stack(spatial, layers, in_channels=channels)
