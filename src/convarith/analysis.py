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

from convarith._record import Record
from convarith.arithmetic import Config, configure, pool_output_size
from convarith.errors import ConvArithError
from convarith.params import axis_names

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from convarith.params import AxisParams

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
    """:func:`same_output_sizes` of an already checked configuration."""
    ranges = []
    for axis, (i, o) in enumerate(zip(config.input_shape, config.output_shape)):
        low = i
        while low > 1 and _output_or_none(config, axis, low - 1) == o:
            low -= 1
        high = i
        while _output_or_none(config, axis, high + 1) == o:
            high += 1
        ranges.append(range(low, high + 1))
    return tuple(ranges)


def read_positions(config: Config, axis: int) -> list[bool]:
    """Whether each input cell along ``axis`` is used by some window (or scatter)."""
    i = config.input_shape[axis]
    o = config.output_shape[axis]
    a = config.axes[axis]
    used = [False] * i
    if config.transposed:
        # Input cell q is used when one of its scattered products lands inside the output.
        for q in range(i):
            used[q] = any(
                0 <= q * a.stride - a.pad_lo + t * a.dilation < o for t in range(a.kernel)
            )
        return used
    for r in range(o):
        start = r * a.stride - a.pad_lo
        for t in range(a.kernel):
            position = start + t * a.dilation
            if 0 <= position < i:
                used[position] = True
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


def _axis_padding(config: Config, axis: int, target: int) -> int | tuple[int, int]:
    """Smallest padding (symmetric if possible) that gives ``target`` along one axis."""
    i = config.input_shape[axis]
    a = config.axes[axis]
    where = "" if config.ndim == 1 else f" on the {axis_names(config.ndim)[axis]} axis"
    if config.transposed:
        total = (i - 1) * a.stride + a.dilation * (a.kernel - 1) + a.output_padding + 1 - target
        if total < 0:
            raise ConvArithError(
                f"output size {target}{where} is out of reach: padding=0 gives "
                f"{target + total}, and padding only crops (try output_padding or a larger stride)"
            )
        return total // 2 if total % 2 == 0 else (total // 2, total - total // 2)
    if config.pooling:
        for p in range(a.kernel // 2 + 1):
            if _pool_size(config, i, a, p) == target:
                return p
        best = _pool_size(config, i, a, 0), _pool_size(config, i, a, a.kernel // 2)
        raise ConvArithError(
            f"output size {target}{where} is out of reach for {config.op}: padding 0..{a.kernel // 2} "
            f"(at most half the kernel) gives {best[0]}..{best[1]}"
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
    t = choices[0]
    return (t // 2, t - t // 2)


def _pool_size(config: Config, i: int, a: AxisParams, p: int) -> int:
    return pool_output_size(i, a.kernel, a.stride, p, a.dilation, config.ceil_mode)


def padding_for_output(
    op: str, input_shape: Any, output_shape: Any, **params: Any
) -> tuple[Any, ...]:
    """The smallest padding that makes ``op`` produce ``output_shape``.

    Symmetric padding (an int) where one exists, else a ``(low, high)`` pair
    with the extra zero at the end, as PyTorch's ``same`` does.  The other
    parameters are as for :func:`convarith.output_shape` (``padding`` itself
    is ignored).

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

    """
    params = {**params, "padding": 0}
    config = configure(op, input_shape, **params)
    targets = tuple(output_shape)
    if len(targets) != config.ndim or any(not isinstance(t, int) or t < 1 for t in targets):
        raise ConvArithError(
            f"output_shape={targets!r} must hold {config.ndim} sizes of at least 1"
        )
    return tuple(_axis_padding(config, axis, t) for axis, t in enumerate(targets))


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
