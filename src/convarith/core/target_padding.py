"""The padding that gives a wanted output size.

:func:`padding_for_output` answers: how much padding makes this operation
produce that output shape?  The smallest one, symmetric where possible.
"""

from __future__ import annotations

from convarith.core.arithmetic import configure, pool_output_size
from convarith.core.errors import ConvArithError
from convarith.core.params import (
    AxisParams,
    OpParams,
    as_int,
    axis_names,
    canonical_op,
    items,
    parse_params,
    parse_shape,
)
from convarith.core.text import brief

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["padding_for_output"]


def _axis_padding(
    op: OpParams, i: int, a: AxisParams, target: int, where: str
) -> int | tuple[int, int]:
    """Smallest padding (symmetric if possible) that gives ``target`` along one axis."""
    if op.op == "conv_transpose":
        total = (i - 1) * a.stride + a.dilation * (a.kernel - 1) + a.output_padding + 1 - target
        if total < 0:
            raise ConvArithError(
                f"output size {target}{where} is out of reach: padding=0 gives "
                f"{target + total}, and padding only crops (try output_padding or a larger stride)"
            )
        return total // 2 if total % 2 == 0 else (total // 2, total - total // 2)
    if op.op in ("max_pool", "avg_pool"):

        def out(p: int) -> int:
            return pool_output_size(i, a.kernel, a.stride, p, a.dilation, op.ceil_mode)

        # More padding never gives fewer windows: bisect for the first that reaches the target.
        low, high = 0, a.kernel // 2 + 1
        while low < high:
            mid = (low + high) // 2
            low, high = (low, mid) if out(mid) >= target else (mid + 1, high)
        if low <= a.kernel // 2 and out(low) == target:
            return low
        raise ConvArithError(
            f"output size {target}{where} is out of reach for {op.op}: padding 0..{a.kernel // 2} "
            f"(at most half the kernel) gives {max(out(0), 0)}..{out(a.kernel // 2)}"
        )
    # Convolution: i + total must land in [(o-1)s + k_eff, (o-1)s + k_eff + s - 1].
    least = (target - 1) * a.stride + a.k_eff - i
    first, last = max(0, least), least + a.stride - 1
    if first > last:
        raise ConvArithError(
            f"output size {target}{where} is out of reach: even padding=0 gives "
            f"{(i - a.k_eff) // a.stride + 1} (padding can only grow the output)"
        )
    even = first + first % 2
    if even <= last:
        return even // 2
    return (first // 2, first - first // 2)


def padding_for_output(
    op: str, input_shape: Any, output_shape: Any, **params: Any
) -> tuple[Any, ...]:
    """The smallest padding that makes ``op`` produce ``output_shape``.

    Symmetric padding (an int) where one exists, else a ``(low, high)`` pair
    with the extra zero at the end, as PyTorch's ``same`` does.  The other
    parameters are as for :func:`convarith.output_shape` (``padding`` itself
    is ignored); the input may be smaller than the kernel.

    Raises
    ------
    ConvArithError
        When no padding reaches the target (padding only grows a convolution's
        output and only shrinks a transposed convolution's).

    Examples
    --------
    >>> padding_for_output("conv", (32, 32), (16, 16), kernel_size=3, stride=2)
    (1, 1)
    >>> padding_for_output("conv", (6,), (6,), kernel_size=4)
    ((1, 2),)
    >>> padding_for_output("conv", (2,), (2,), kernel_size=3)
    (1,)
    """
    name = canonical_op(op)
    shape = parse_shape(input_shape)
    parsed = parse_params(name, len(shape), {**params, "padding": 0})
    given = items(output_shape)
    targets = tuple(given) if given is not None else (output_shape,)
    rule = f"output_shape={brief(output_shape)} must hold {len(shape)} sizes of at least 1"
    if len(targets) != len(shape):
        raise ConvArithError(rule)
    targets = tuple(
        as_int("output_shape", t, output_shape, f"{len(shape)} int sizes") for t in targets
    )
    if min(targets) < 1:
        raise ConvArithError(rule)
    padding = tuple(
        _axis_padding(
            parsed, i, a, t, "" if len(shape) == 1 else f" on the {axis_names(len(shape))[n]} axis"
        )
        for n, (i, a, t) in enumerate(zip(shape, parsed.axes, targets))
    )
    # Rules beyond the size formula (avg_pool3d's) may still refuse the result.
    try:
        configure(name, shape, **{**params, "padding": padding})
    except ConvArithError as error:
        raise ConvArithError(f"output_shape={brief(targets)} is out of reach: {error}") from None
    return padding
