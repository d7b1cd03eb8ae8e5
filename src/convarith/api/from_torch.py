"""Read PyTorch modules as convarith layers (torch is imported only here, only when called).

:func:`from_torch` follows any ``nn.Module``: it calls a copy of the model on the
meta device and records every leaf module and operation that runs, and which
ones it read (:mod:`convarith.api.torch_trace`). Then it computes every row's
receptive field and jump (:mod:`convarith.core.graph`).  A model whose data
flows through one chain of convolutions, pooling and shape-keeping layers gives
the same :class:`~convarith.core.stack.StackReport` as ``convarith stack``.
"""

from __future__ import annotations

from typing import Any

from convarith.core.errors import ConvArithError
from convarith.core.params import parse_shape
from convarith.core.stack import Layer, StackReport, analyze_stack
from convarith.core.text import shape_text

__all__ = ["from_torch", "layers_from_torch"]


def layers_from_torch(module: Any) -> list[Layer]:
    """The convarith layers of a module or of a (nested) ``nn.Sequential``, in order.

    This reads modules without running them, so it knows only convolutions,
    pooling and shape-keeping layers; :func:`from_torch` follows any module.

    Examples
    --------
    >>> import torch.nn as nn
    >>> [l.name for l in layers_from_torch(nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(),
    ...                                                  nn.MaxPool2d(2)))]
    ['0: Conv2d', '2: MaxPool2d']

    """
    import torch.nn as nn

    from convarith.api.torch_trace import SHAPE_KEEPING, layer_of

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
    layers = []
    for name, m in named:
        layer = layer_of(name, m)
        if layer is not None:
            layers.append(layer)
        elif type(m).__name__ not in SHAPE_KEEPING:
            kind = type(m).__name__
            raise ConvArithError(
                f"module {name or kind} ({kind}) is not a convolution, transposed convolution, "
                "pooling or shape-keeping layer; use from_torch, which runs the model, to follow it"
            )
    if not layers:
        raise ConvArithError(
            f"module={type(module).__name__} holds no convolution or pooling layer"
        )
    return layers


def _first_channels(model: Any) -> int:
    """The input channels the model's first convolution (in registration order) expects, else 1."""
    import torch.nn as nn

    for m in model.modules():
        if isinstance(m, nn.modules.conv._ConvNd):
            return int(m.in_channels)
    return 1


def _input(model: Any, input_shape: Any) -> tuple[tuple[int, ...], int | None, int, str]:
    """The traced input's whole shape, the channels given (or None), spatial axes, and a guess note."""
    from convarith.api.torch_trace import module_ndim

    shape = (input_shape,) if isinstance(input_shape, int) else input_shape
    if isinstance(shape, (str, bytes)) or not isinstance(shape, (tuple, list)):
        raise ConvArithError(
            f"input_shape={input_shape!r} must be spatial sizes, optionally preceded by channels "
            "and batch size"
        )
    shape = tuple(shape)
    ndim = module_ndim(model)
    if ndim is None:
        if not 3 <= len(shape) <= 5:
            raise ConvArithError(
                f"input_shape={shape!r}: module={type(model).__name__} holds no convolution or "
                "pooling module to tell how many spatial axes it has; give (N, C, *spatial)"
            )
        ndim = len(shape) - 2
    extra = len(shape) - ndim
    if extra not in (0, 1, 2):
        raise ConvArithError(
            f"input_shape={shape!r} does not fit a {ndim}-D module: give {ndim} spatial sizes, "
            "optionally preceded by channels and batch size"
        )
    spatial = parse_shape(shape[extra:])
    lead = shape[:extra]
    for name, value in zip(("batch size", "channels")[2 - extra :], lead):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConvArithError(f"input_shape={shape!r}: {name}={value!r} must be a positive int")
    channels = lead[-1] if extra else None
    batch = lead[0] if extra == 2 else 1
    guess = ""
    if channels is None:
        guessed = _first_channels(model)
        guess = (
            f" (input_shape gave no channels; convarith tried {guessed}, the first "
            "convolution's in_channels)"
        )
    size = (batch, channels if channels is not None else guessed, *spatial)
    return size, channels, ndim, guess


def _chain(traced: Any) -> list[Layer] | None:
    """The layers, when the data flows through one chain of convolutions, pooling and shape-keeping modules."""
    from convarith.api.torch_trace import SHAPE_KEEPING

    layers = []
    for index, node in enumerate(traced.nodes, start=1):
        if node.inputs != (index - 1,):
            return None
        if node.rule == "layer" and node.layer is not None:
            layers.append(node.layer)
        elif node.rule != "map" or node.kind not in SHAPE_KEEPING:
            return None
    if traced.output_nodes != (len(traced.nodes),):
        return None
    return layers


def from_torch(module: Any, input_shape: Any, *, graph: bool = False) -> StackReport:
    """Shapes, receptive fields and jumps of every layer of a PyTorch model on an input.

    The model runs once, as a copy on the meta device (no memory, no
    arithmetic; the model itself is not modified or moved, and the copy is in
    eval mode).  Forward hooks and a torch-function mode record every leaf module
    and operation, and which ones feed which, so residual sums, concatenations
    and any custom ``forward`` are followed.  Where branches join, the
    receptive field is the union over the paths.  Adaptive pooling and
    resizing (``Upsample``, ``F.interpolate``) read their exact windows.  After
    ``Flatten``, a ``Linear`` layer or a reduction over the spatial axes, every
    element may depend on the whole input, marked ``(all)`` in the table.

    Parameters
    ----------
    module : torch.nn.Module
        Any model.
    input_shape : tuple of int
        Spatial sizes, or ``(C, *spatial)``, or ``(N, C, *spatial)`` as a
        tensor would have.  The number of spatial axes is that of the model's
        first convolution or pooling module. Without channels, the first
        convolution's ``in_channels`` are used.
    graph : bool
        Return the :class:`~convarith.core.graph.ModelReport`, with every row,
        even for one chain of layers.

    Returns
    -------
    StackReport
        For one chain of convolutions, pooling and shape-keeping layers, the
        same report as :func:`~convarith.core.stack.analyze_stack`. Otherwise a
        :class:`~convarith.core.graph.ModelReport`, which is also a
        ``StackReport``. Its ``layers`` are the convolution and pooling layers,
        and its ``nodes`` are every row of its table, with ``fields(row)`` giving
        each output cell's field.

    Raises
    ------
    ConvArithError
        One line: the module is not a ``torch.nn.Module``; the input shape
        does not fit; the model refuses the input (naming the module where it
        failed); the model cannot run without data (its ``forward`` reads
        tensor values); or no convolution or pooling layer runs.

    Examples
    --------
    >>> import torch.nn as nn
    >>> from_torch(nn.Conv2d(3, 8, 3, stride=2), (3, 32, 32)).output_shape
    (15, 15)
    >>> model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
    ...                       nn.Linear(8, 2))
    >>> print(from_torch(model, (3, 16, 16)))
    #  layer                 from  parameters   output   receptive field  jump
    -  --------------------  ----  -----------  -------  ---------------  ----
       input                                    3x16x16  1                1
    1  0: Conv2d                   k=3 s=1 p=0  8x14x14  3x3              1
    2  1: AdaptiveAvgPool2d        out=1x1      8x1x1    16x16            14
    3  2: Flatten                               8        16x16 (all)      -
    4  3: Linear                   8->2         2        16x16 (all)      -

    """
    import torch.nn as nn

    from convarith.api.torch_trace import trace
    from convarith.core.graph import analyze_graph

    if not isinstance(module, nn.Module):
        raise ConvArithError(f"module={type(module).__name__} is not a torch.nn.Module")
    size, channels, ndim, guess = _input(module, input_shape)
    traced = trace(module, size, ndim, guess)
    if not any(node.rule == "layer" for node in traced.nodes):
        raise ConvArithError(
            f"module={type(module).__name__} runs no convolution or pooling layer on input "
            f"{shape_text(size)}: convarith reports the receptive fields of those"
        )
    spatial = size[2:]
    layers = None if graph else _chain(traced)
    if layers is not None:
        return analyze_stack(spatial, layers, in_channels=channels)
    return analyze_graph(
        spatial,
        traced.nodes,
        in_channels=channels,
        input_size=size,
        outputs=traced.outputs,
        notes=traced.notes,
    )
