"""Output sizes, exactly as PyTorch computes them.

Everything here is per spatial axis and pure: ints in, ints out.  A
:class:`Config` is an operation applied to an input of a given shape, with
every parameter resolved per axis and every size rule checked; all the other
analyses (relationships, equivalent convolutions, scenes) start from one.
"""

from __future__ import annotations

import operator

from convarith.core.errors import ConvArithError
from convarith.core.limits import MAX_SIZE
from convarith.core.params import (
    POOLS,
    AxisParams,
    axis_names,
    canonical_op,
    parse_params,
    parse_shape,
)
from convarith.core.record import Record
from convarith.core.text import brief, number_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from convarith.core.params import OpParams

__all__ = [
    "Config",
    "configure",
    "conv_output_size",
    "output_shape",
    "pool_output_size",
    "same_tf_padding",
    "transposed_output_size",
]


def conv_output_size(i: int, k: int, s: int = 1, p_lo: int = 0, p_hi: int = 0, d: int = 1) -> int:
    """Convolution output size along one axis, ``floor((i + p_lo + p_hi - k_eff) / s) + 1``.

    The result is less than 1 when the dilated kernel does not fit in the
    padded input (PyTorch refuses that configuration).

    >>> conv_output_size(5, 3, 2, 1, 1)
    3
    """
    i, k, s, p_lo, p_hi, d = _ints(i, k, s, p_lo, p_hi, d)
    return (i + p_lo + p_hi - (d * (k - 1) + 1)) // s + 1


def _ints(*values: int) -> tuple[int, ...]:
    """Python ints (numpy's integers compute without overflow once converted)."""
    return tuple(v if type(v) is int else operator.index(v) for v in values)


def transposed_output_size(
    i: int, k: int, s: int = 1, p_lo: int = 0, p_hi: int = 0, d: int = 1, a: int = 0
) -> int:
    """Transposed convolution output size, ``(i-1)*s - p_lo - p_hi + d*(k-1) + a + 1``.

    >>> transposed_output_size(3, 3, 2, 1, 1)
    5
    """
    i, k, s, p_lo, p_hi, d, a = _ints(i, k, s, p_lo, p_hi, d, a)
    return (i - 1) * s - p_lo - p_hi + d * (k - 1) + a + 1


def pool_output_size(
    i: int, k: int, s: int, p: int = 0, d: int = 1, ceil_mode: bool = False
) -> int:
    """Pooling output size along one axis, with PyTorch's ``ceil_mode`` rule.

    With ``ceil_mode`` the division rounds up, except that the last window must
    start inside the input or its left padding.

    >>> pool_output_size(5, 2, 2), pool_output_size(5, 2, 2, ceil_mode=True)
    (2, 3)
    """
    i, k, s, p, d = _ints(i, k, s, p, d)
    k_eff = d * (k - 1) + 1
    o = (i + 2 * p - k_eff + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (o - 1) * s >= i + p:
        o -= 1
    return o


def same_tf_padding(i: int, k: int, s: int, d: int = 1) -> tuple[int, int]:
    """TensorFlow's ``SAME`` padding ``(low, high)``: output ``ceil(i / s)``, extra zero at the end.

    >>> same_tf_padding(5, 3, 2), same_tf_padding(6, 3, 2)
    ((1, 1), (0, 1))
    """
    i, k, s, d = _ints(i, k, s, d)
    o = -(-i // s)
    need = max(0, (o - 1) * s + d * (k - 1) + 1 - i)
    return need // 2, need - need // 2


class Config(Record):
    """An operation applied to an input shape: parameters resolved per axis, sizes checked.

    Build one with :func:`configure`.  ``axes[n]`` holds axis ``n``'s kernel,
    stride, padding (``pad_lo``/``pad_hi``), dilation and output padding.
    """

    op: str
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    axes: tuple[AxisParams, ...]
    ceil_mode: bool = False
    padding_rule: str | None = None
    count_include_pad: bool = True
    divisor_override: int | None = None

    @property
    def ndim(self) -> int:
        """Number of spatial axes."""
        return len(self.axes)

    @property
    def transposed(self) -> bool:
        """Whether this is a transposed convolution."""
        return self.op == "conv_transpose"

    @property
    def pooling(self) -> bool:
        """Whether this is max or average pooling."""
        return self.op in POOLS

    @property
    def kernel_size(self) -> tuple[int, ...]:
        """Kernel size per axis."""
        return tuple(a.kernel for a in self.axes)

    @property
    def stride(self) -> tuple[int, ...]:
        """Stride per axis."""
        return tuple(a.stride for a in self.axes)

    @property
    def dilation(self) -> tuple[int, ...]:
        """Dilation per axis."""
        return tuple(a.dilation for a in self.axes)

    @property
    def output_padding(self) -> tuple[int, ...]:
        """Output padding per axis (0 except for transposed convolutions)."""
        return tuple(a.output_padding for a in self.axes)

    @property
    def padding(self) -> tuple[tuple[int, int], ...]:
        """``(low, high)`` padding per axis, after resolving ``same``/``valid``/``same_tf``."""
        return tuple((a.pad_lo, a.pad_hi) for a in self.axes)

    def json_params(self) -> dict[str, Any]:
        """The resolved parameters as JSON-ready lists (per axis; padding as ``[low, high]``)."""
        return {
            "kernel_size": list(self.kernel_size),
            "stride": list(self.stride),
            "padding": [list(p) for p in self.padding],
            "dilation": list(self.dilation),
            "output_padding": list(self.output_padding),
            "ceil_mode": self.ceil_mode,
        }

    def params(self) -> dict[str, Any]:
        """Keyword parameters that rebuild this configuration with :func:`configure`."""
        result: dict[str, Any] = {
            "kernel_size": self.kernel_size,
            "stride": self.stride,
            "padding": tuple(a.padding for a in self.axes),
        }
        if self.op != "avg_pool":
            result["dilation"] = self.dilation
        if self.transposed:
            result["output_padding"] = self.output_padding
        if self.pooling:
            result["ceil_mode"] = self.ceil_mode
        if self.op == "avg_pool":
            result["count_include_pad"] = self.count_include_pad
            if self.divisor_override is not None:
                result["divisor_override"] = self.divisor_override
        return result

    def rule_params(self) -> dict[str, Any]:
        """:meth:`params` with a size-dependent padding rule (``same_tf``) kept as the rule."""
        result = self.params()
        if self.padding_rule == "same_tf":
            result["padding"] = "same_tf"
        return result

    def resized(self, input_shape: Any) -> Config:
        """The same operation and parameters on another input shape (checked again)."""
        return configure(self.op, input_shape, **self.rule_params())


def _where(ndim: int, axis: int) -> str:
    return "" if ndim == 1 else f" on the {axis_names(ndim)[axis]} axis"


def _axis_output(op: OpParams, i: int, a: AxisParams, where: str) -> int:
    """One axis's output size, or a ConvArithError that says which rule failed."""
    if op.op == "conv":
        o = conv_output_size(i, a.kernel, a.stride, a.pad_lo, a.pad_hi, a.dilation)
        if o < 1:
            raise ConvArithError(_too_big(a, i, where))
        return o
    if op.op == "conv_transpose":
        o = transposed_output_size(
            i, a.kernel, a.stride, a.pad_lo, a.pad_hi, a.dilation, a.output_padding
        )
        if o < 1:
            raise ConvArithError(
                f"padding={a.padding}{where} crops the transposed convolution's output to "
                f"({i}-1)*{a.stride} - {a.pad_lo + a.pad_hi} + {a.dilation}*({a.kernel}-1) + "
                f"{a.output_padding} + 1 = {o} cells; it must leave at least 1"
            )
        return o
    o = pool_output_size(i, a.kernel, a.stride, a.pad_lo, a.dilation, op.ceil_mode)
    if o < 1:
        raise ConvArithError(_too_big(a, i, where))
    return o


def _checked_size(o: int, i: int, where: str) -> int:
    """``o``, or a refusal when it is beyond PyTorch's 64-bit sizes."""
    if o > MAX_SIZE:
        raise ConvArithError(
            f"input size {i}{where} gives an output of {number_text(o)} cells, more than "
            f"{MAX_SIZE} (PyTorch's 64-bit sizes)"
        )
    return o


def _too_big(a: AxisParams, i: int, where: str) -> str:
    spans = f"kernel_size={a.kernel}"
    if a.dilation > 1:
        spans += f" with dilation={a.dilation}"
    return (
        f"{spans}{where} spans {a.k_eff} cells, more than the padded input of "
        f"{i + a.pad_lo + a.pad_hi} (input {i} + padding {a.pad_lo}+{a.pad_hi})"
    )


def parsed_kernel(axes: tuple[AxisParams, ...]) -> int | tuple[int, ...]:
    """The kernel size as a user would write it: one int when every axis agrees."""
    sizes = tuple(a.kernel for a in axes)
    return sizes[0] if len(set(sizes)) == 1 else sizes


def configure(op: str, input_shape: Any, **params: Any) -> Config:
    """Check an operation on an input shape and resolve its parameters per axis.

    Parameters
    ----------
    op : {"conv", "conv_transpose", "max_pool", "avg_pool"}
        The operation (hyphens are accepted too: ``"conv-transpose"``).
    input_shape : tuple of int
        Spatial input sizes; their number (1, 2 or 3) is the dimensionality.
    **params
        PyTorch's parameters: ``kernel_size`` (required), ``stride``,
        ``padding`` (int, per-axis ints, ``(low, high)`` pairs, ``"valid"``,
        ``"same"`` or ``"same_tf"``), ``dilation``, ``output_padding``,
        ``ceil_mode``; for ``avg_pool`` also ``count_include_pad`` and
        ``divisor_override``.

    Returns
    -------
    Config

    Raises
    ------
    ConvArithError
        Wherever PyTorch refuses the configuration.

    Examples
    --------
    >>> c = configure("conv", (6, 5), kernel_size=3, stride=2, padding="same_tf")
    >>> c.output_shape, c.padding
    ((3, 3), ((0, 1), (1, 1)))

    """
    name = canonical_op(op)
    shape = parse_shape(input_shape)
    parsed = parse_params(name, len(shape), params)
    axes = parsed.axes
    if parsed.padding_rule == "same_tf":
        axes = tuple(
            AxisParams(
                a.kernel,
                a.stride,
                *same_tf_padding(i, a.kernel, a.stride, a.dilation),
                a.dilation,
                a.output_padding,
            )
            for i, a in zip(shape, axes)
        )
    output = tuple(
        _checked_size(_axis_output(parsed, i, a, _where(len(shape), n)), i, _where(len(shape), n))
        for n, (i, a) in enumerate(zip(shape, axes))
    )
    if name == "avg_pool" and len(shape) == 3 and any(i < a.kernel for i, a in zip(shape, axes)):
        raise ConvArithError(
            f"input_shape={brief(shape)} is smaller than kernel_size={parsed_kernel(axes)!r} on some axis: "
            "PyTorch's avg_pool3d refuses that, whatever the padding"
        )
    return Config(
        op=name,
        input_shape=shape,
        output_shape=output,
        axes=axes,
        ceil_mode=parsed.ceil_mode,
        padding_rule=parsed.padding_rule,
        count_include_pad=parsed.count_include_pad,
        divisor_override=parsed.divisor_override,
    )


def output_shape(op: str, input_shape: Any, **params: Any) -> tuple[int, ...]:
    """Spatial output shape of ``op`` on ``input_shape``, exactly as PyTorch computes it.

    Parameters
    ----------
    op : {"conv", "conv_transpose", "max_pool", "avg_pool"}
        The operation.
    input_shape : tuple of int
        Spatial input sizes (1, 2 or 3 of them).
    **params
        ``kernel_size, stride, padding, dilation, output_padding, ceil_mode``
        with PyTorch's names, meanings and defaults (pooling's stride defaults
        to its kernel size); see :func:`configure`.

    Returns
    -------
    tuple of int

    Raises
    ------
    ConvArithError
        With a one-line message wherever PyTorch refuses the configuration.

    Examples
    --------
    >>> output_shape("conv", (32, 32), kernel_size=3, stride=2, padding=1)
    (16, 16)
    >>> output_shape("conv_transpose", (16, 16), kernel_size=3, stride=2, padding=1,
    ...              output_padding=1)
    (32, 32)
    >>> output_shape("max_pool", (5,), kernel_size=2, ceil_mode=True)
    (3,)

    """
    return configure(op, input_shape, **params).output_shape
