"""A stack of layers: shapes, receptive fields and jumps after each layer.

:func:`analyze_stack` runs a sequence of operations over an input shape the
way a network does, checking each layer as PyTorch would (sizes, and channels
and ``groups`` when given), and reports after every layer its output shape,
its receptive field (how many input cells, per axis, can influence one output
cell) and its jump (the distance in input cells between neighbouring output
cells: the product of strides, a fraction after transposed convolutions).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from convarith.core.arithmetic import Config, configure
from convarith.core.errors import ConvArithError
from convarith.core.params import AxisParams, canonical_op, parse_shape
from convarith.core.record import Record
from convarith.core.text import per_axis_text, shape_text

__all__ = ["Layer", "LayerReport", "StackReport", "analyze_stack"]


class Layer(Record):
    """One operation of a stack.

    ``params`` are the operation's PyTorch parameters (``kernel_size``,
    ``stride``, ...).  ``in_channels``/``out_channels``/``groups`` apply to
    convolutions and are checked as PyTorch checks them when given; pooling
    keeps the channel count.

    Examples
    --------
    >>> Layer("conv", {"kernel_size": 3, "padding": 1}, out_channels=64).op
    'conv'

    """

    op: str
    params: Mapping[str, Any] = MappingProxyType({})
    in_channels: int | None = None
    out_channels: int | None = None
    groups: int = 1
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "op", canonical_op(self.op))


class LayerReport(Record):
    """A layer of a stack after it ran: shapes, receptive field and jump."""

    index: int
    name: str
    config: Config
    in_channels: int | None
    out_channels: int | None
    groups: int
    receptive_field: tuple[int, ...]
    jump: tuple[Fraction, ...]

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Spatial input shape of this layer."""
        return self.config.input_shape

    @property
    def output_shape(self) -> tuple[int, ...]:
        """Spatial output shape of this layer."""
        return self.config.output_shape


class StackReport(Record):
    """The result of :func:`analyze_stack`: one :class:`LayerReport` per layer."""

    input_shape: tuple[int, ...]
    in_channels: int | None
    layers: tuple[LayerReport, ...]

    @property
    def output_shape(self) -> tuple[int, ...]:
        """Spatial shape after the last layer."""
        return self.layers[-1].output_shape if self.layers else self.input_shape

    @property
    def out_channels(self) -> int | None:
        """Channels after the last layer, when known."""
        return self.layers[-1].out_channels if self.layers else self.in_channels

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "input": list(self.input_shape),
            "in_channels": self.in_channels,
            "output": list(self.output_shape),
            "out_channels": self.out_channels,
            "layers": [
                {
                    "index": r.index,
                    "name": r.name,
                    "op": r.config.op,
                    "params": _jsonable(r.config.params()),
                    "input": list(r.input_shape),
                    "output": list(r.output_shape),
                    "in_channels": r.in_channels,
                    "out_channels": r.out_channels,
                    "groups": r.groups,
                    "receptive_field": list(r.receptive_field),
                    "jump": [str(j) for j in r.jump],
                }
                for r in self.layers
            ],
        }

    def table(self) -> str:
        """The stack as a table, like a model summary."""
        head = ("#", "layer", "parameters", "output", "receptive field", "jump")
        rows = [("", "input", "", _with_channels(self.in_channels, self.input_shape), "1", "1")]
        for r in self.layers:
            rows.append(
                (
                    str(r.index),
                    r.name or r.config.op,
                    _short_params(r),
                    _with_channels(r.out_channels, r.output_shape),
                    shape_text(r.receptive_field),
                    per_axis_text(r.jump),
                )
            )
        widths = [max(len(row[n]) for row in (head, *rows)) for n in range(len(head))]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(head, widths)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return value


def _with_channels(channels: int | None, shape: tuple[int, ...]) -> str:
    return shape_text(shape if channels is None else (channels, *shape))


def _short_params(r: LayerReport) -> str:
    c = r.config

    pads = tuple(
        a.padding if isinstance(a.padding, int) else f"{a.pad_lo}:{a.pad_hi}" for a in c.axes
    )
    parts = [
        f"k={per_axis_text(c.kernel_size)}",
        f"s={per_axis_text(c.stride)}",
        f"p={per_axis_text(pads)}",
    ]
    if any(d > 1 for d in c.dilation):
        parts.append(f"d={per_axis_text(c.dilation)}")
    if any(a > 0 for a in c.output_padding):
        parts.append(f"op={per_axis_text(c.output_padding)}")
    if c.ceil_mode:
        parts.append("ceil")
    if r.groups > 1:
        parts.append(f"g={r.groups}")
    return " ".join(parts)


def _back(interval: tuple[int, int], a: AxisParams) -> tuple[int, int]:
    """Input cells (unclipped hull) that output cells ``interval`` of a convolution or pooling read.

    Exact for stacks without transposed layers: the hull's two ends are cells
    some window really reads, and the next layer back reads its own ends from them.
    """
    lo, hi = interval
    return lo * a.stride - a.pad_lo, hi * a.stride - a.pad_lo + a.k_eff - 1


def _back_cells(cells: set[int], a: AxisParams, transposed: bool) -> set[int]:
    """The exact input cells (unclipped) that output ``cells`` of one layer depend on."""
    if not transposed:
        return {u * a.stride - a.pad_lo + t * a.dilation for u in cells for t in range(a.kernel)}
    # Output u of a transposed convolution reads input q where q*s = u + p - t*d.
    found = set()
    for u in cells:
        for t in range(a.kernel):
            q, rest = divmod(u + a.pad_lo - t * a.dilation, a.stride)
            if rest == 0:
                found.add(q)
    return found


def _receptive_fields(configs: Sequence[Config]) -> list[tuple[int, ...]]:
    """Receptive field per axis after each layer: the widest hull of cells one output cell depends on."""
    ndim = configs[0].ndim
    result: list[tuple[int, ...]] = []
    for depth, config in enumerate(configs):
        stack = configs[: depth + 1]
        sizes = []
        for axis in range(ndim):
            strides = [c.axes[axis].stride for c in stack if c.transposed]
            if not strides:
                interval = (0, 0)
                for layer in reversed(stack):
                    interval = _back(interval, layer.axes[axis])
                sizes.append(interval[1] - interval[0] + 1)
                continue
            # Which input cells an output depends on repeats with a period that
            # divides the product of the transposed strides.
            period = 1
            for s in strides:
                period *= s
            widest = 0
            for u in range(min(config.output_shape[axis], period)):
                cells = {u}
                for layer in reversed(stack):
                    cells = _back_cells(cells, layer.axes[axis], layer.transposed)
                if cells:
                    widest = max(widest, max(cells) - min(cells) + 1)
            sizes.append(widest)
        result.append(tuple(sizes))
    return result


def _layer(spec: Layer | Mapping[str, Any]) -> Layer:
    if isinstance(spec, Layer):
        return spec
    if not isinstance(spec, Mapping) or "op" not in spec:
        raise ConvArithError(f"layer {spec!r} must be a Layer or a dict with an 'op'")
    extra = {k: spec[k] for k in ("in_channels", "out_channels", "groups", "name") if k in spec}
    params = {k: v for k, v in spec.items() if k not in (*extra, "op")}
    return Layer(spec["op"], params, **extra)


def _channels(index: int, layer: Layer, incoming: int | None) -> tuple[int | None, int | None]:
    """Check channels as PyTorch does; return (in, out) channels of the layer."""
    label = f"layer {index} ({layer.name or layer.op})"
    if layer.op not in ("conv", "conv_transpose"):
        if layer.in_channels is not None or layer.out_channels is not None or layer.groups != 1:
            raise ConvArithError(
                f"{label}: {layer.op} keeps the channel count and takes no channels or groups"
            )
        return incoming, incoming
    g = layer.groups
    if isinstance(g, bool) or not isinstance(g, int) or g < 1:
        raise ConvArithError(f"{label}: groups={g!r} must be a positive int")
    c_in = layer.in_channels if layer.in_channels is not None else incoming
    if layer.in_channels is not None and incoming is not None and layer.in_channels != incoming:
        raise ConvArithError(
            f"{label}: in_channels={layer.in_channels} but {incoming} channels come in"
        )
    for name, value in (("in_channels", c_in), ("out_channels", layer.out_channels)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConvArithError(f"{label}: {name}={value!r} must be a positive int")
        if value % g:
            raise ConvArithError(f"{label}: {name}={value} must be divisible by groups={g}")
    return c_in, layer.out_channels


def analyze_stack(
    input_shape: Any, layers: Iterable[Layer | Mapping[str, Any]], in_channels: int | None = None
) -> StackReport:
    """Run a stack of layers over an input: shapes, receptive fields, jumps.

    Parameters
    ----------
    input_shape : tuple of int
        Spatial input sizes (1, 2 or 3 of them).
    layers : iterable of Layer or dict
        The operations in order; a dict holds ``op`` and the layer's
        parameters (and optionally ``in_channels``, ``out_channels``,
        ``groups``, ``name``).
    in_channels : int, optional
        Channels of the input, to check and carry the channel counts.

    Returns
    -------
    StackReport

    Raises
    ------
    ConvArithError
        At the first layer PyTorch would refuse, naming it.

    Examples
    --------
    >>> report = analyze_stack((224, 224), [
    ...     {"op": "conv", "kernel_size": 7, "stride": 2, "padding": 3, "out_channels": 64},
    ...     {"op": "max_pool", "kernel_size": 3, "stride": 2, "padding": 1},
    ... ], in_channels=3)
    >>> report.output_shape, report.out_channels
    ((56, 56), 64)
    >>> [r.receptive_field for r in report.layers], [str(r.jump[0]) for r in report.layers]
    ([(7, 7), (11, 11)], ['2', '4'])

    """
    shape = parse_shape(input_shape)
    if in_channels is not None and (
        isinstance(in_channels, bool) or not isinstance(in_channels, int) or in_channels < 1
    ):
        raise ConvArithError(f"in_channels={in_channels!r} must be a positive int")
    configs: list[Config] = []
    reports_data = []
    channels = in_channels
    jump = tuple(Fraction(1) for _ in shape)
    current = shape
    for index, spec in enumerate(layers, start=1):
        layer = _layer(spec)
        try:
            config = configure(layer.op, current, **dict(layer.params))
        except ConvArithError as error:
            raise ConvArithError(
                f"layer {index} ({layer.name or layer.op}) on {shape_text(current)}: {error}"
            ) from None
        c_in, c_out = _channels(index, layer, channels)
        jump = tuple(
            j / a.stride if config.transposed else j * a.stride for j, a in zip(jump, config.axes)
        )
        configs.append(config)
        reports_data.append((index, layer, config, c_in, c_out, jump))
        channels = c_out
        current = config.output_shape
    fields = _receptive_fields(configs) if configs else []
    return StackReport(
        input_shape=shape,
        in_channels=in_channels,
        layers=tuple(
            LayerReport(index, layer.name, config, c_in, c_out, layer.groups, rf, j)
            for (index, layer, config, c_in, c_out, j), rf in zip(reports_data, fields)
        ),
    )
