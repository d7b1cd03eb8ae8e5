"""The ``output_padding`` values of a transposed convolution.

:func:`restoring_output_padding` answers: with which ``output_padding`` does
a transposed convolution give back a convolution's input size?
:func:`output_padding_choices` lists every ``output_padding`` PyTorch allows
and the output size each gives.
"""

from __future__ import annotations

from convarith.core.arithmetic import Config, configure

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["restoring_output_padding"]


def restoring_output_padding(input_shape: Any, **params: Any) -> tuple[int, ...]:
    """The ``output_padding`` with which a transposed convolution restores a convolution's input size.

    For a convolution ``(i, k, s, p, d)`` that is ``a = (i + 2p - d(k-1) - 1) mod s``
    (the guide's ``a``), per axis: the transposed convolution with the same
    parameters and this ``output_padding`` maps the convolution's output back
    to ``i``.

    Parameters
    ----------
    input_shape : tuple of int
        The direct convolution's input shape.
    **params
        The direct convolution's parameters.

    Examples
    --------
    >>> restoring_output_padding((6, 5), kernel_size=3, stride=2, padding=1)
    (1, 0)

    """
    return restoring_output_padding_of(configure("conv", input_shape, **params))


def restoring_output_padding_of(config: Config) -> tuple[int, ...]:
    """:func:`restoring_output_padding` of an already checked convolution."""
    return tuple(
        (i + a.pad_lo + a.pad_hi - a.k_eff) % a.stride
        for i, a in zip(config.input_shape, config.axes)
    )


def output_padding_choices(config: Config, axis: int) -> range:
    """Every ``output_padding`` PyTorch allows on ``axis``, as a range; each adds one output cell.

    PyTorch accepts an ``output_padding`` smaller than the stride or the
    dilation (and one that leaves at least one output cell).  The range is
    kept as a range: a stride of 10^8 allows 10^8 values, and nothing lists
    them.  :func:`output_for_padding` gives the size each one gives.

    >>> config = configure("conv_transpose", (3,), kernel_size=3, stride=2, padding=1)
    >>> output_padding_choices(config, 0), output_for_padding(config, 0, 1)
    (range(0, 2), 6)
    """
    a = config.axes[axis]
    base = output_for_padding(config, axis, 0)
    return range(max(0, 1 - base), max(a.stride, a.dilation))


def output_for_padding(config: Config, axis: int, output_padding: int) -> int:
    """The output size on ``axis`` with another ``output_padding`` and the same other parameters."""
    a = config.axes[axis]
    i = config.input_shape[axis]
    base = (i - 1) * a.stride - a.pad_lo - a.pad_hi + a.dilation * (a.kernel - 1) + 1
    return base + output_padding
