"""What a configuration implies beyond its output size.

- :func:`equivalent_direct_conv`: the stride-1 convolution over a stretched,
  padded input that computes a transposed convolution (the view the classic
  animations draw).
- :func:`same_output_sizes` and :func:`unread_cells`: the floor in the size
  formula means several input sizes give the same output, and some input rows
  or columns are never read by any window.
- :func:`padding_for_output`: the padding that yields a target output size.
- :func:`restoring_output_padding`: the ``output_padding`` with which a
  transposed convolution gives back a convolution's input size.
"""

from __future__ import annotations

from convarith.core.arithmetic import Config, configure, pool_output_size
from convarith.core.errors import ConvArithError
from convarith.core.limits import MAX_SCAN_CELLS
from convarith.core.params import (
    AxisParams,
    OpParams,
    axis_names,
    canonical_op,
    parse_params,
    parse_shape,
)
from convarith.core.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


__all__ = [
    "EquivalentAxis",
    "EquivalentConv",
    "equivalent_direct_conv",
    "padding_for_output",
    "restoring_output_padding",
    "same_output_sizes",
    "unread_cells",
]


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
        while not exceeds(i + step):
            step *= 2
        low, high = i + step // 2, i + step  # the first size past o lies in (low, high]
        while high - low > 1:
            mid = (low + high) // 2
            low, high = (low, mid) if exceeds(mid) else (mid, high)
        ranges.append(range(first, high))
    return tuple(ranges)


def read_positions(config: Config, axis: int) -> bytearray:
    """Per input cell along ``axis``: 1 if some window (or scatter) uses it, else 0.

    Each kernel tap reads an arithmetic progression of cells (every stride-th
    one), marked with one slice assignment, so the cost is ``k`` slices.
    """
    i = config.input_shape[axis]
    if i > MAX_SCAN_CELLS:
        raise ConvArithError(
            f"input size {i} is too large to scan for unread cells (limit {MAX_SCAN_CELLS})"
        )
    o = config.output_shape[axis]
    a = config.axes[axis]
    used = bytearray(i)
    for t in range(a.kernel):
        if config.transposed:
            # Input q lands on output q*s - p + t*d; it is used when that is inside [0, o).
            lo = -((t * a.dilation - a.pad_lo) // a.stride)  # ceil((p - t*d) / s)
            hi = (o - 1 + a.pad_lo - t * a.dilation) // a.stride
            lo, hi = max(lo, 0), min(hi, i - 1)
            if lo <= hi:
                used[lo : hi + 1] = b"\x01" * (hi - lo + 1)
            continue
        first = t * a.dilation - a.pad_lo  # the cell this tap reads for output 0
        r0 = -(first // a.stride) if first < 0 else 0  # first output whose tap lands at >= 0
        r1 = min(o - 1, (i - 1 - first) // a.stride)
        if r0 <= r1:
            start, stop = first + r0 * a.stride, first + r1 * a.stride + 1
            used[start : stop : a.stride] = b"\x01" * (r1 - r0 + 1)
    return used


def unread_cells(op: str, input_shape: Any, **params: Any) -> tuple[tuple[int, ...], ...]:
    """Per axis, the indices of input cells that no window reads.

    Cells at the end are left out when the last window stops short of the
    input (the floor in the size formula); strides larger than the dilated
    kernel and dilation leave gaps too.  For a transposed convolution, the
    input cells whose every product is cropped away by the padding.

    Examples
    --------
    >>> unread_cells("conv", (6, 7), kernel_size=3, stride=2)
    ((5,), ())

    """
    return unread_cells_of(configure(op, input_shape, **params))


def unread_cells_of(config: Config) -> tuple[tuple[int, ...], ...]:
    """:func:`unread_cells` of an already checked configuration."""
    return tuple(
        tuple(n for n, used in enumerate(read_positions(config, axis)) if not used)
        for axis in range(config.ndim)
    )


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
        for p in range(a.kernel // 2 + 1):
            if pool_output_size(i, a.kernel, a.stride, p, a.dilation, op.ceil_mode) == target:
                return p
        ends = [
            pool_output_size(i, a.kernel, a.stride, p, a.dilation, op.ceil_mode)
            for p in (0, a.kernel // 2)
        ]
        raise ConvArithError(
            f"output size {target}{where} is out of reach for {op.op}: padding 0..{a.kernel // 2} "
            f"(at most half the kernel) gives {max(ends[0], 0)}..{ends[1]}"
        )
    # Convolution: i + total must land in [(o-1)s + k_eff, (o-1)s + k_eff + s - 1].
    least = (target - 1) * a.stride + a.k_eff - i
    choices = [t for t in range(max(0, least), least + a.stride) if t >= 0]
    if not choices:
        raise ConvArithError(
            f"output size {target}{where} is out of reach: even padding=0 gives "
            f"{(i - a.k_eff) // a.stride + 1} (padding can only grow the output)"
        )
    even = [t for t in choices if t % 2 == 0]
    if even:
        return even[0] // 2
    return (choices[0] // 2, choices[0] - choices[0] // 2)


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
    targets = tuple(output_shape) if isinstance(output_shape, (tuple, list)) else (output_shape,)
    if len(targets) != len(shape) or any(
        isinstance(t, bool) or not isinstance(t, int) or t < 1 for t in targets
    ):
        raise ConvArithError(f"output_shape={targets!r} must hold {len(shape)} sizes of at least 1")
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
        raise ConvArithError(f"output_shape={targets!r} is out of reach: {error}") from None
    return padding


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
    """``(output_padding, output size)`` for every ``output_padding`` PyTorch allows on ``axis``."""
    a = config.axes[axis]
    i = config.input_shape[axis]
    base = (i - 1) * a.stride - a.pad_lo - a.pad_hi + a.dilation * (a.kernel - 1) + 1
    return tuple(
        (extra, base + extra) for extra in range(max(a.stride, a.dilation)) if base + extra >= 1
    )
