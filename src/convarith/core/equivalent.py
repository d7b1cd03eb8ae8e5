"""The direct convolution that computes a transposed convolution.

:func:`equivalent_direct_conv` answers: over which stretched, padded input
does a stride-1 convolution with the flipped kernel give the same result as
a transposed convolution?  That is the view the classic animations draw.
"""

from __future__ import annotations

from convarith.core.arithmetic import Config, configure
from convarith.core.errors import ConvArithError
from convarith.core.params import AxisParams
from convarith.core.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["EquivalentAxis", "EquivalentConv", "equivalent_direct_conv"]


class EquivalentAxis(Record):
    """One axis of the direct convolution equivalent to a transposed one.

    The transposed convolution's input (``input_size`` cells) is stretched by
    inserting ``inserted_zeros`` (``s - 1``) zeros between neighbouring cells,
    to ``stretched_size = (i' - 1)s + 1`` cells; ``pad_lo`` zeros go before and
    ``pad_hi`` after (``pad_hi`` includes ``output_padding``).  A negative
    padding means that many stretched cells are cropped instead (the
    transposed convolution's ``padding`` exceeds ``d(k-1)``).  The result is
    convolved with stride 1, the same dilation, and the kernel flipped.
    """

    input_size: int
    inserted_zeros: int
    stretched_size: int
    pad_lo: int
    pad_hi: int
    kernel: int
    dilation: int
    output_size: int

    @property
    def padded_size(self) -> int:
        """Size of the stretched, padded (or cropped) input the kernel slides over."""
        return self.stretched_size + self.pad_lo + self.pad_hi

    @property
    def cropped(self) -> bool:
        """Whether padding exceeds ``d(k-1)`` on a side, so the stretched input is cut."""
        return min(self.pad_lo, self.pad_hi) < 0


class EquivalentConv(Record):
    """The direct convolution that computes a transposed convolution, per axis.

    Always stride 1 with the kernel flipped along every spatial axis.
    """

    axes: tuple[EquivalentAxis, ...]

    @property
    def stride(self) -> tuple[int, ...]:
        """Stride per axis: always 1."""
        return (1,) * len(self.axes)

    @property
    def padding(self) -> tuple[tuple[int, int], ...]:
        """``(low, high)`` zeros per axis around the stretched input (negative: cropped)."""
        return tuple((a.pad_lo, a.pad_hi) for a in self.axes)

    @property
    def stretched_shape(self) -> tuple[int, ...]:
        """Shape of the input after inserting zeros between cells."""
        return tuple(a.stretched_size for a in self.axes)

    @property
    def padded_shape(self) -> tuple[int, ...]:
        """Shape the flipped kernel slides over."""
        return tuple(a.padded_size for a in self.axes)

    @property
    def output_shape(self) -> tuple[int, ...]:
        """Output shape (equal to the transposed convolution's)."""
        return tuple(a.output_size for a in self.axes)


def equivalent_axis(i: int, a: AxisParams) -> EquivalentAxis:
    """The equivalent direct convolution of one transposed-convolution axis."""
    reach = a.dilation * (a.kernel - 1)
    stretched = (i - 1) * a.stride + 1
    lo = reach - a.pad_lo
    hi = reach - a.pad_hi + a.output_padding
    return EquivalentAxis(
        input_size=i,
        inserted_zeros=a.stride - 1,
        stretched_size=stretched,
        pad_lo=lo,
        pad_hi=hi,
        kernel=a.kernel,
        dilation=a.dilation,
        output_size=stretched + lo + hi - reach,
    )


def equivalent_direct_conv(input_shape: Any, **params: Any) -> EquivalentConv:
    """The stride-1 direct convolution that computes a transposed convolution.

    Parameters
    ----------
    input_shape : tuple of int
        The transposed convolution's spatial input shape.
    **params
        The transposed convolution's parameters (``kernel_size``, ``stride``,
        ``padding``, ``dilation``, ``output_padding``).

    Returns
    -------
    EquivalentConv

    Examples
    --------
    >>> eq = equivalent_direct_conv((3, 3), kernel_size=3, stride=2, padding=1,
    ...                             output_padding=1)
    >>> eq.stretched_shape, eq.padding, eq.output_shape
    ((5, 5), ((1, 2), (1, 2)), (6, 6))

    """
    config = configure("conv_transpose", input_shape, **params)
    return equivalent_of(config)


def equivalent_of(config: Config) -> EquivalentConv:
    """:func:`equivalent_direct_conv` of an already checked transposed configuration."""
    if not config.transposed:
        raise ConvArithError(
            f"op={config.op!r}: only conv_transpose has an equivalent direct convolution"
        )
    return EquivalentConv(
        tuple(equivalent_axis(i, a) for i, a in zip(config.input_shape, config.axes))
    )
