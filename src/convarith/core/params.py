"""Parameters of an operation: parsing, per-axis normalisation and validation.

Users write parameters the way PyTorch takes them (an int for every axis, or
one value per axis; ``padding`` also as a string or as ``(low, high)`` pairs).
This module turns them into :class:`AxisParams` records, one per spatial axis,
and refuses what PyTorch refuses with a one-line :class:`ConvArithError`.

Rules that depend on sizes (a kernel larger than the padded input, an output
smaller than one cell) live in :mod:`convarith.core.arithmetic`, next to the
formulas they come from.
"""

from __future__ import annotations

import operator

from convarith.core.errors import ConvArithError
from convarith.core.limits import MAX_SIZE
from convarith.core.record import Record
from convarith.core.text import brief

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

__all__ = [
    "OPS",
    "PADDING_RULES",
    "POOLS",
    "AxisParams",
    "OpParams",
    "axis_names",
    "canonical_op",
    "parse_params",
    "parse_shape",
]

OPS = ("conv", "conv_transpose", "max_pool", "avg_pool")
POOLS = ("max_pool", "avg_pool")
PADDING_RULES = ("valid", "same", "same_tf")

_AXIS_NAMES = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}

_KNOWN = (
    "kernel_size",
    "stride",
    "padding",
    "dilation",
    "output_padding",
    "ceil_mode",
    "count_include_pad",
    "divisor_override",
)


def axis_names(ndim: int) -> tuple[str, ...]:
    """Names of the spatial axes of a ``ndim``-dimensional operation.

    >>> axis_names(2)
    ('height', 'width')
    """
    return _AXIS_NAMES[ndim]


def canonical_op(op: object) -> str:
    """Return ``op`` in its canonical spelling (``conv-transpose`` becomes ``conv_transpose``).

    >>> canonical_op("max-pool")
    'max_pool'
    """
    if isinstance(op, str):
        name = op.strip().lower().replace("-", "_")
        if name in OPS:
            return name
    raise ConvArithError(f"op={brief(op)} must be one of {', '.join(OPS)}")


def is_bool(value: object) -> bool:
    """Whether ``value`` is a bool, Python's or numpy's (never taken as a number)."""
    if type(value) is int:
        return False
    return isinstance(value, bool) or (
        getattr(getattr(value, "dtype", None), "kind", None) == "b"
        and getattr(value, "ndim", 0) == 0
    )


def items(value: object) -> Sequence[Any] | None:
    """The items of a list, a tuple or an array-like (numpy's arrays); None for anything else.

    A sequence of more than 64 items is not read: its length is all a caller
    needs to refuse it (a per-axis value has at most 3), and a message echoes
    it through :func:`~convarith.core.text.brief`.
    """
    if type(value) is int:
        return None
    if isinstance(value, (list, tuple)):
        return tuple(value) if len(value) <= 64 else range(len(value))
    if isinstance(value, (str, bytes, bytearray)) or is_bool(value):
        return None
    kind = type(value)
    if not (hasattr(kind, "__len__") and hasattr(kind, "__getitem__")) or hasattr(kind, "keys"):
        return None
    try:
        count = len(value)  # type: ignore[arg-type]
    except TypeError:  # a 0-d array
        return None
    if count > 64:  # far more than any per-axis value: the caller refuses by the length
        return range(count)
    return tuple(value[n] for n in range(count))  # type: ignore[index]


def as_int(
    name: str, value: object, shown: object = None, what: str = "an int or one int per axis"
) -> int:
    """``value`` as a Python int (any integer type, numpy's too), or a one-line refusal.

    Bools are refused; so is anything beyond PyTorch's 64-bit integers.
    """
    if type(value) is int and value <= MAX_SIZE:
        return value
    shown = value if shown is None else shown
    if is_bool(value):
        raise ConvArithError(f"{name}={_shown(shown)} must be {what}, not a bool")
    try:
        number = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise ConvArithError(f"{name}={_shown(shown)} must be {what}") from None
    if number > MAX_SIZE:
        raise ConvArithError(
            f"{name}={_shown(shown)} must be at most {MAX_SIZE} (PyTorch's 64-bit integers)"
        )
    return number


def _as_int(name: str, value: object, shown: object) -> int:
    return as_int(name, value, shown)


def parse_shape(input_shape: object) -> tuple[int, ...]:
    """Validate the spatial input sizes (1, 2 or 3 of them, each at least 1).

    Any sequence of integers is taken (a numpy array too).

    >>> parse_shape([32, 32])
    (32, 32)
    """
    values = items(input_shape)
    if values is None:
        raise ConvArithError(
            f"input_shape={brief(input_shape)} must be a tuple of 1, 2 or 3 spatial sizes"
        )
    if not 1 <= len(values) <= 3:
        raise ConvArithError(
            f"input_shape={brief(input_shape)} must hold 1, 2 or 3 spatial sizes, not {len(values)}"
        )
    sizes = tuple(
        as_int("input_shape", v, input_shape, "a tuple of 1, 2 or 3 int sizes") for v in values
    )
    if min(sizes) < 1:
        raise ConvArithError(f"input_shape={brief(sizes)} must hold sizes of at least 1")
    return sizes


def _per_axis(name: str, value: object, ndim: int, broadcast: bool = True) -> tuple[int, ...]:
    values = items(value)
    if values is not None:
        if broadcast and len(values) == 1:
            return (_as_int(name, values[0], value),) * ndim  # PyTorch expands a one-element list
        if len(values) != ndim:
            raise ConvArithError(
                f"{name}={brief(tuple(value) if isinstance(value, list) else value)} has "
                f"{len(values)} values; the input has {ndim} {'axes' if ndim > 1 else 'axis'}"
            )
        return tuple(_as_int(name, v, value) for v in values)
    return (_as_int(name, value, value),) * ndim


class AxisParams(Record):
    """The parameters of one operation along one spatial axis, fully resolved.

    ``pad_lo``/``pad_hi`` are the zeros before and after the input (top/left
    and bottom/right).  For a transposed convolution they are the cells cut
    from the start and the end of the full result.
    """

    kernel: int
    stride: int
    pad_lo: int
    pad_hi: int
    dilation: int
    output_padding: int

    @property
    def k_eff(self) -> int:
        """The dilated kernel's extent, ``d*(k-1) + 1``."""
        return self.dilation * (self.kernel - 1) + 1

    @property
    def padding(self) -> int | tuple[int, int]:
        """The padding as PyTorch writes it (an int), or ``(low, high)`` when the sides differ."""
        return self.pad_lo if self.pad_lo == self.pad_hi else (self.pad_lo, self.pad_hi)


class OpParams(Record):
    """An operation with its per-axis parameters, before sizes are checked.

    ``padding_rule`` keeps a string padding (``"same"``, ``"valid"``,
    ``"same_tf"``); ``same_tf`` is resolved per input size by the arithmetic.
    """

    op: str
    axes: tuple[AxisParams, ...]
    ceil_mode: bool = False
    padding_rule: str | None = None
    count_include_pad: bool = True
    divisor_override: int | None = None

    @property
    def ndim(self) -> int:
        """Number of spatial axes."""
        return len(self.axes)


def _check_known(op: str, params: Mapping[str, Any]) -> None:
    for name in params:
        if name not in _KNOWN:
            raise ConvArithError(
                f"unknown parameter {brief(name)[1:-1]}={brief(params[name])}; "
                f"{op} takes {', '.join(_allowed(op))}"
            )


def _allowed(op: str) -> tuple[str, ...]:
    common = ("kernel_size", "stride", "padding")
    if op == "conv":
        return (*common, "dilation")
    if op == "conv_transpose":
        return (*common, "dilation", "output_padding")
    if op == "max_pool":
        return (*common, "dilation", "ceil_mode")
    return (*common, "ceil_mode", "count_include_pad", "divisor_override")


def _parse_padding(
    op: str, value: object, ndim: int
) -> tuple[tuple[tuple[int, int], ...], str | None]:
    """Padding as ``(low, high)`` per axis, or a rule name to resolve later."""
    if isinstance(value, str):
        rule = value.strip().lower()
        if rule not in PADDING_RULES:
            raise ConvArithError(
                f"padding={brief(value)} must be an int, per-axis ints or (low, high) pairs, "
                f"or one of {', '.join(repr(r) for r in PADDING_RULES)}"
            )
        if op != "conv":
            raise ConvArithError(
                f"padding={value!r} applies only to conv; PyTorch's {op} takes numbers"
            )
        return (), rule
    pairs: list[tuple[int, int]] = []
    values = items(value)
    if values is not None and len(values) == 1 and ndim > 1:
        values = tuple(values) * ndim  # PyTorch expands a one-element list to every axis
    if values is not None:
        if len(values) != ndim:
            hint = ""
            if ndim == 1 and len(values) == 2 and items(values[0]) is None:
                low, high = brief(values[0]), brief(values[1])
                hint = f"; write (({low}, {high}),) for {low} before and {high} after"
            raise ConvArithError(
                f"padding={brief(tuple(value) if isinstance(value, list) else value)} has "
                f"{len(values)} values; the input has "
                f"{ndim} {'axes' if ndim > 1 else 'axis'}{hint}"
            )
        for item in values:
            pair = items(item)
            if pair is not None:
                if len(pair) != 2:
                    raise ConvArithError(
                        f"padding={_shown(value)}: {brief(item)} must be a (low, high) pair"
                    )
                pairs.append(
                    (_as_int("padding", pair[0], value), _as_int("padding", pair[1], value))
                )
            else:
                size = _as_int("padding", item, value)
                pairs.append((size, size))
    else:
        size = _as_int("padding", value, value)
        pairs = [(size, size)] * ndim
    for lo, hi in pairs:
        if min(lo, hi) < 0:
            raise ConvArithError(f"padding={_shown(value)} must be non-negative")
    if op in POOLS and any(lo != hi for lo, hi in pairs):
        raise ConvArithError(
            f"padding={_shown(value)}: {op} pads both sides alike (PyTorch's rule); give one int per axis"
        )
    return tuple(pairs), None


def _flag(name: str, value: object) -> bool:
    if is_bool(value):
        return bool(value)
    try:
        number = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        number = None
    if number in (0, 1):
        return bool(number)
    raise ConvArithError(f"{name}={brief(value)} must be True or False")


def parse_params(op: str, ndim: int, params: Mapping[str, Any]) -> OpParams:
    """Check and normalise PyTorch-style parameters for a ``ndim``-dimensional ``op``.

    Parameters
    ----------
    op : str
        One of ``conv``, ``conv_transpose``, ``max_pool``, ``avg_pool``.
    ndim : int
        Number of spatial axes (1, 2 or 3).
    params : mapping
        ``kernel_size``, ``stride``, ``padding``, ``dilation``,
        ``output_padding``, ``ceil_mode`` (and for ``avg_pool``
        ``count_include_pad``, ``divisor_override``), with PyTorch's names,
        meanings and defaults.

    Returns
    -------
    OpParams

    Raises
    ------
    ConvArithError
        When PyTorch would refuse the parameters.

    Examples
    --------
    >>> p = parse_params("conv", 2, {"kernel_size": 3, "padding": (1, (0, 2))})
    >>> [(a.pad_lo, a.pad_hi) for a in p.axes]
    [(1, 1), (0, 2)]

    """
    op = canonical_op(op)
    _check_known(op, params)
    for name, value in params.items():
        if name not in _allowed(op) and not _is_default(name, value):
            raise ConvArithError(f"{name}={_shown(value)} does not apply to {op}: {_WHY[name]}")
    if "kernel_size" not in params or params["kernel_size"] is None:
        raise ConvArithError(f"kernel_size is required for {op}")
    # A convolution's kernel_size shapes its weight: PyTorch does not expand it.
    kernel = _per_axis("kernel_size", params["kernel_size"], ndim, broadcast=op in POOLS)
    for k in kernel:
        if k < 1:
            raise ConvArithError(f"kernel_size={_shown(params['kernel_size'])} must be at least 1")
    stride_value = params.get("stride")
    if stride_value is None or (op in POOLS and items(stride_value) == ()):
        stride = kernel if op in POOLS else (1,) * ndim
    else:
        stride = _per_axis("stride", stride_value, ndim)
    for s in stride:
        if s < 1:
            raise ConvArithError(f"stride={_shown(stride_value)} must be at least 1")
    dilation_value = params.get("dilation", 1)
    dilation = _per_axis("dilation", 1 if dilation_value is None else dilation_value, ndim)
    for d in dilation:
        if d < 1:
            raise ConvArithError(f"dilation={_shown(dilation_value)} must be at least 1")
    op_value = params.get("output_padding", 0)
    output_padding = _per_axis("output_padding", 0 if op_value is None else op_value, ndim)
    for a, s, d in zip(output_padding, stride, dilation):
        if a < 0:
            raise ConvArithError(f"output_padding={_shown(op_value)} must be non-negative")
        if a >= max(s, d):
            raise ConvArithError(
                f"output_padding={_shown(op_value)} must be smaller than "
                f"stride={_shown(stride)} or dilation={_shown(dilation)}"
            )
    pairs, rule = _parse_padding(op, params.get("padding", 0), ndim)
    if rule == "same" and any(s != 1 for s in stride):
        raise ConvArithError(
            f"padding='same' needs stride=1 (PyTorch's rule), not stride={_shown(stride)}; "
            "padding='same_tf' pads like TensorFlow's SAME for any stride"
        )
    if rule in ("valid", "same"):
        pairs = tuple(_rule_padding(rule, k, d) for k, d in zip(kernel, dilation))
    if op in POOLS:
        for (lo, _), k in zip(pairs, kernel):
            if 2 * lo > k:
                raise ConvArithError(
                    f"padding={_shown(params.get('padding', 0))} must be at most half of "
                    f"kernel_size={_shown(params['kernel_size'])} (PyTorch's pooling rule)"
                )
    divisor = params.get("divisor_override")
    if divisor is not None and ndim == 1:
        raise ConvArithError(
            f"divisor_override={_shown(divisor)} does not apply to 1-D avg_pool: "
            "PyTorch's AvgPool1d has no divisor_override"
        )
    if divisor is not None:
        divisor = _as_int("divisor_override", divisor, divisor)
        if divisor == 0:
            raise ConvArithError("divisor_override=0 must not be zero")
    if rule == "same_tf":
        pairs = tuple((0, 0) for _ in range(ndim))
    axes = tuple(
        AxisParams(k, s, lo, hi, d, a)
        for k, s, (lo, hi), d, a in zip(kernel, stride, pairs, dilation, output_padding)
    )
    return OpParams(
        op=op,
        axes=axes,
        ceil_mode=_flag("ceil_mode", params.get("ceil_mode", False) or False),
        padding_rule=rule,
        count_include_pad=_flag("count_include_pad", params.get("count_include_pad", True)),
        divisor_override=divisor,
    )


_DEFAULTS: dict[str, object] = {
    "dilation": 1,
    "output_padding": 0,
    "ceil_mode": False,
    "count_include_pad": True,
    "divisor_override": None,
}

_WHY = {
    "dilation": "PyTorch's AvgPool has no dilation",
    "output_padding": "only conv_transpose has output_padding",
    "ceil_mode": "only pooling rounds its output size up",
    "count_include_pad": "only avg_pool averages",
    "divisor_override": "only avg_pool averages",
}


def _is_default(name: str, value: object) -> bool:
    """Whether ``value`` is PyTorch's default for ``name`` (harmless to pass to any op)."""
    default = _DEFAULTS.get(name, object())
    if value is None:
        return True
    values = items(value)
    if values is not None:
        return len(values) <= 3 and all(_is_default(name, v) for v in values)
    if isinstance(default, bool) or default is None:
        return is_bool(value) and bool(value) is default
    if is_bool(value):
        return False
    try:
        return operator.index(value) == default  # type: ignore[arg-type]
    except TypeError:
        return False


def _rule_padding(rule: str, kernel: int, dilation: int) -> tuple[int, int]:
    if rule == "valid":
        return (0, 0)
    total = dilation * (kernel - 1)
    return (total // 2, total - total // 2)


def _shown(value: object) -> str:
    """Write a parameter's value briefly: one number when every axis has the same one."""
    if isinstance(value, list):
        value = tuple(value)
    values = items(value)
    if values and len(values) <= 3 and all(items(v) is None for v in values):
        shown = [brief(v) for v in values]
        if len(set(shown)) == 1:
            return shown[0]
    return brief(value)
