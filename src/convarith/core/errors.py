"""The one exception that convarith raises for bad input."""

from __future__ import annotations

__all__ = ["ConvArithError"]


class ConvArithError(ValueError):
    """A configuration, file or request that convarith refuses.

    The message is one line that names the parameter, its value and the rule
    it breaks, for example
    ``output_padding=2 must be smaller than stride=2 or dilation=1``.
    It is a :class:`ValueError`, so code that already catches those keeps working.

    Examples
    --------
    >>> import convarith
    >>> try:
    ...     convarith.output_shape("conv", (5,), kernel_size=0)
    ... except convarith.ConvArithError as error:
    ...     print(error)
    kernel_size=0 must be at least 1

    """
