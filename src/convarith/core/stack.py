"""A stack of layers: shapes, receptive fields and jumps after each layer.

:func:`analyze_stack` runs a sequence of operations over an input shape the
way a network does, checking each layer as PyTorch would (sizes, and channels
and ``groups`` when given), and reports after every layer its output shape,
its receptive field (how many input cells, per axis, can influence one output
cell) and its jump (the distance in input cells between neighbouring output
cells: the product of strides, a fraction after transposed convolutions).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from math import gcd
from types import MappingProxyType
from typing import Any

from convarith.core.arithmetic import Config, configure
from convarith.core.errors import ConvArithError
from convarith.core.limits import MAX_FIELD_STEPS
from convarith.core.params import AxisParams, as_int, canonical_op, is_bool, parse_shape
from convarith.core.record import Record
from convarith.core.text import brief, number_text, per_axis_text, shape_text

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
    """A layer of a stack after it ran: shapes, receptive field and jump.

    ``receptive_field`` holds None on an axis whose field was not worked out:
    through transposed layers whose phases exceed
    :data:`~convarith.core.limits.MAX_FIELD_STEPS` (never for real networks).
    """

    index: int
    name: str
    config: Config
    in_channels: int | None
    out_channels: int | None
    groups: int
    receptive_field: tuple[int | None, ...]
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
        """A JSON-ready dict (numbers beyond 30 digits as text, like ``1.0907e+2408``)."""
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
                    "receptive_field": [_json_number(n) for n in r.receptive_field],
                    "jump": [number_text(j) for j in r.jump],
                }
                for r in self.layers
            ],
        }

    def table(self) -> str:
        """The stack as a table, like a model summary, in the command line's spelling.

        The layer column shows the operation as ``convarith stack`` takes it
        (``conv-transpose``), after the layer's name when it has one; the
        parameters use the layer keys (``k s p d a g ceil``).
        """
        head = ("#", "layer", "parameters", "output", "receptive field", "jump")
        rows = [("", "input", "", _with_channels(self.in_channels, self.input_shape), "1", "1")]
        for r in self.layers:
            op = r.config.op.replace("_", "-")
            rows.append(
                (
                    str(r.index),
                    f"{r.name} ({op})" if r.name else op,
                    _short_params(r),
                    _with_channels(r.out_channels, r.output_shape),
                    "x".join("?" if n is None else number_text(n) for n in r.receptive_field),
                    per_axis_text(r.jump),
                )
            )
        widths = [max(len(row[n]) for row in (head, *rows)) for n in range(len(head))]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(head, widths)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
        if any(n is None for r in self.layers for n in r.receptive_field):
            lines.append(
                f"? receptive field not worked out: more than {MAX_FIELD_STEPS} phases "
                "through the transposed layers"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()


def _json_number(n: int | None) -> int | str | None:
    if n is None or -(10**30) < n < 10**30:
        return n
    return number_text(n)


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
        parts.append(f"a={per_axis_text(c.output_padding)}")
    if c.ceil_mode:
        parts.append("ceil")
    if r.groups > 1:
        parts.append(f"g={r.groups}")
    return " ".join(parts)


class _Field:
    """The receptive field along one axis, carried from layer to layer in linear time.

    Which input cells an output cell ``u`` depends on repeats with a period:
    shifting ``u`` by ``period`` shifts them by ``period * jump`` (an int,
    ``shift``).  For each phase (``u mod period``) that depends on any input
    cell, :attr:`phases` keeps the hull ``(lo, hi)`` of the input cells output
    ``u = phase`` depends on; phases that depend on nothing (every tap on an
    inserted zero) are absent.

    A layer maps each phase through its taps.  Taps ``T`` apart land in the
    same phase (``T`` divides the period), so only the first and last tap of
    each such class matter: the work is ``phases * min(kernel, T)``, whatever
    the stride, padding or dilation.  Without transposed layers there is one
    phase and this is the classic ``r += (k_eff - 1) * jump``.
    """

    def __init__(self) -> None:
        self.period = 1
        self.shift = 1
        self.phases: dict[int, tuple[int, int]] | None = {0: (0, 0)}
        self.steps = 0

    def add(self, a: AxisParams, transposed: bool, size: int) -> int | None:
        """Carry the field through one layer; return its width there (None when given up)."""
        if self.phases is None:
            return None
        k, s, d, p = a.kernel, a.stride, a.dilation, a.pad_lo
        period, shift = self.period, self.shift
        if transposed:
            new_period = s * period
            every = new_period // gcd(d, new_period)
        else:
            common = gcd(s, period)
            new_period = period // common
            every = period // gcd(d, period)
            inverse = pow(s // common, -1, new_period) if new_period > 1 else 0
        classes = min(k, every)
        self.steps += len(self.phases) * classes
        if self.steps > MAX_FIELD_STEPS:
            self.phases = None
            return None
        found: dict[int, tuple[int, int]] = {}
        for c, (lo, hi) in self.phases.items():
            for t0 in range(classes):
                t1 = t0 + (k - 1 - t0) // every * every  # the class's last tap
                if transposed:
                    # Output u reads input y = (u + p - t*d) / s when that divides.
                    u = (s * c - p + t0 * d) % new_period
                    first, last = (u + p - t1 * d) // s, (u + p - t0 * d) // s
                else:
                    # Output u reads input y = u*s - p + t*d; y must fall in phase c.
                    rest = c + p - t0 * d
                    if rest % common:
                        continue
                    u = rest // common * inverse % new_period if new_period > 1 else 0
                    first, last = s * u - p + t0 * d, s * u - p + t1 * d
                low = lo + (first - c) // period * shift
                high = hi + (last - c) // period * shift
                seen = found.get(u)
                found[u] = (low, high) if seen is None else (min(seen[0], low), max(seen[1], high))
        self.period = new_period
        if not transposed:
            self.shift = s // common * shift
        self.phases = found
        # Only phases some output cell has count (the output may be shorter than the period).
        widths = [hi - lo + 1 for u, (lo, hi) in found.items() if size >= new_period or u < size]
        return max(widths, default=0)


def _receptive_fields(configs: Sequence[Config]) -> list[tuple[int | None, ...]]:
    """Receptive field per axis after each layer: the widest hull of cells one output cell depends on."""
    fields = [_Field() for _ in range(configs[0].ndim)]
    return [
        tuple(
            field.add(a, config.transposed, size)
            for field, a, size in zip(fields, config.axes, config.output_shape)
        )
        for config in configs
    ]


def _layer(spec: Layer | Mapping[str, Any]) -> Layer:
    if isinstance(spec, Layer):
        return spec
    if not isinstance(spec, Mapping) or "op" not in spec:
        raise ConvArithError(f"layer {brief(spec)} must be a Layer or a dict with an 'op'")
    extra = {k: spec[k] for k in ("in_channels", "out_channels", "groups", "name") if k in spec}
    params = {k: v for k, v in spec.items() if k not in (*extra, "op")}
    return Layer(spec["op"], params, **extra)


def _label(index: int, layer: Layer) -> str:
    """``layer 3 (conv)``, or ``layer 3 (enc1, conv)`` for a named layer."""
    name = brief(layer.name)[1:-1] if isinstance(layer.name, str) else brief(layer.name)
    return f"layer {index} ({name}, {layer.op})" if layer.name else f"layer {index} ({layer.op})"


def _count(label: str, name: str, value: object) -> int:
    """A channel or group count: a positive int (numpy's too), or a one-line refusal."""
    if is_bool(value):
        raise ConvArithError(f"{label}{name}={brief(value)} must be a positive int")
    try:
        number = as_int(name, value, value, "a positive int")
    except ConvArithError as error:
        raise ConvArithError(f"{label}{error}") from None
    if number < 1:
        raise ConvArithError(f"{label}{name}={brief(value)} must be a positive int")
    return number


def _channels(index: int, layer: Layer, incoming: int | None) -> tuple[int | None, int | None]:
    """Check channels as PyTorch does; return (in, out) channels of the layer."""
    if (
        layer.op not in ("conv", "conv_transpose")
        and layer.in_channels is None
        and layer.out_channels is None
        and layer.groups == 1
    ):
        return incoming, incoming
    label = f"{_label(index, layer)}: "
    if layer.op not in ("conv", "conv_transpose"):
        if layer.in_channels is not None or layer.out_channels is not None or layer.groups != 1:
            raise ConvArithError(
                f"{label}{layer.op} keeps the channel count and takes no channels or groups"
            )
        return incoming, incoming
    g = _count(label, "groups", layer.groups)
    c_in = (
        incoming if layer.in_channels is None else _count(label, "in_channels", layer.in_channels)
    )
    c_out = (
        None if layer.out_channels is None else _count(label, "out_channels", layer.out_channels)
    )
    if layer.in_channels is not None and incoming is not None and c_in != incoming:
        raise ConvArithError(f"{label}in_channels={c_in} but {incoming} channels come in")
    if c_in is not None and c_in % g:
        what = f"{c_in} incoming channels" if layer.in_channels is None else f"in_channels={c_in}"
        raise ConvArithError(f"{label}{what} must be divisible by groups={g}")
    if c_out is not None and c_out % g:
        raise ConvArithError(f"{label}out_channels={c_out} must be divisible by groups={g}")
    return c_in, c_out


def _groups(layer: Layer) -> int:
    return operator.index(layer.groups)


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
    if in_channels is not None:
        in_channels = _count("", "in_channels", in_channels)
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
                f"{_label(index, layer)} on {shape_text(current)}: {error}"
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
            LayerReport(index, layer.name, config, c_in, c_out, _groups(layer), rf, j)
            for (index, layer, config, c_in, c_out, j), rf in zip(reports_data, fields)
        ),
    )
