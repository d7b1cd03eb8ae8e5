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


def output_padding_choices(config: Config, axis: int) -> tuple[tuple[int, int], ...]:
    """``(output_padding, output size)`` for every ``output_padding`` PyTorch allows on ``axis``.

    PyTorch accepts an ``output_padding`` smaller than the stride or the
    dilation; each gives one more output cell.

    >>> config = configure("conv_transpose", (3,), kernel_size=3, stride=2, padding=1)
    >>> output_padding_choices(config, 0)
    ((0, 5), (1, 6))
    """
    a = config.axes[axis]
    i = config.input_shape[axis]
    base = (i - 1) * a.stride - a.pad_lo - a.pad_hi + a.dilation * (a.kernel - 1) + 1
    return tuple(
        (extra, base + extra) for extra in range(max(a.stride, a.dilation)) if base + extra >= 1
    )
