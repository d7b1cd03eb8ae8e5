"""Input sizes that give the same output size.

:func:`same_output_sizes` answers: which other input sizes would this
operation map to the same output?  The floor in the size formula maps ``s``
consecutive input sizes (for a stride ``s``) to one output size.
"""

from __future__ import annotations

from convarith.core.arithmetic import Config, configure
from convarith.core.errors import ConvArithError
from convarith.core.limits import MAX_SIZE

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["same_output_sizes"]


def _output_or_none(config: Config, axis: int, size: int) -> int | None:
    """Output size along ``axis`` for another input size, or None where PyTorch refuses it."""
    shape = list(config.input_shape)
    shape[axis] = size
    try:
        return configure(config.op, tuple(shape), **_keep_rule(config)).output_shape[axis]
    except ConvArithError:
        return None


def _keep_rule(config: Config) -> dict[str, Any]:
    """Parameters of ``config`` with a size-dependent padding rule kept as a rule."""
    params = config.params()
    if config.padding_rule == "same_tf":
        params["padding"] = "same_tf"
    return params


def same_output_sizes(op: str, input_shape: Any, **params: Any) -> tuple[range, ...]:
    """Per axis, every input size that gives the same output size as ``input_shape``.

    The floor in the size formula maps ``s`` consecutive input sizes (for a
    stride ``s``) to one output size; a transposed convolution maps each input
    size to its own output size.

    Examples
    --------
    >>> same_output_sizes("conv", (7,), kernel_size=3, stride=2)
    (range(7, 9),)

    """
    return same_output_sizes_of(configure(op, input_shape, **params))


def same_output_sizes_of(config: Config) -> tuple[range, ...]:
    """:func:`same_output_sizes` of an already checked configuration.

    The output size never shrinks as the input grows, so both ends of the
    range are found by bisection: a handful of size computations even for
    huge inputs or strides.
    """
    ranges = []
    for axis, (i, o) in enumerate(zip(config.input_shape, config.output_shape)):

        def reaches(size: int, axis: int = axis, o: int = o) -> bool:
            out = _output_or_none(config, axis, size)
            return out is not None and out >= o

        def exceeds(size: int, axis: int = axis, o: int = o) -> bool:
            out = _output_or_none(config, axis, size)
            return out is not None and out > o

        low, high = 1, i  # smallest size that reaches o lies in [low, high]
        while low < high:
            mid = (low + high) // 2
            low, high = (low, mid) if reaches(mid) else (mid + 1, high)
        first = low
        step = 1
        while i + step <= MAX_SIZE and not exceeds(i + step):
            step *= 2
        # The first size past o lies in (low, high]; sizes stop at PyTorch's 64-bit limit.
        low, high = i + step // 2, min(i + step, MAX_SIZE + 1)
        while high - low > 1:
            mid = (low + high) // 2
            low, high = (low, mid) if exceeds(mid) else (mid, high)
        ranges.append(range(first, high))
    return tuple(ranges)
