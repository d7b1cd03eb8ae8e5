"""The fifteen relationships of the original guide, and which one a configuration falls under.

Dumoulin & Visin number fifteen relationships between input and output sizes;
all are special cases of PyTorch's formulas.  :func:`relationship` names, per
axis, the most specific one that holds, with its formula and the formula with
the configuration's numbers put in; configurations outside the guide (dilated
transposed convolutions, asymmetric padding, pooling with padding or
``ceil_mode``) get PyTorch's general formula instead.
"""

from __future__ import annotations

from convarith.core.arithmetic import Config, configure
from convarith.core.formulas import CEIL_CONDITION, FORMULAS, RELATIONSHIPS
from convarith.core.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from convarith.core.params import AxisParams

__all__ = ["RELATIONSHIPS", "Relationship", "ceil_drop", "dropped_window", "relationship"]


class Relationship(Record):
    """The relationship one axis of a configuration falls under.

    ``number`` is the guide's relationship number, or ``None`` for a
    configuration the guide does not cover (then ``setting`` says why and
    ``formula`` is PyTorch's general one).  ``also`` lists the other numbered
    relationships that hold as well (relationship 1 is also a case of 2, 5 and 6).
    ``worked`` is the formula with the numbers put in, ending in the output size.
    """

    number: int | None
    setting: str
    formula: str
    worked: str
    also: tuple[int, ...] = ()

    def __str__(self) -> str:
        head = f"relationship {self.number}" if self.number else "beyond the guide"
        return f"{head} ({self.setting}): {self.formula}"


def _conv_numbers(a: AxisParams) -> list[int]:
    """All numbered relationships a direct convolution axis satisfies, most specific first."""
    p, k, s = a.pad_lo, a.kernel, a.stride
    if a.dilation > 1:
        return [15]
    unpadded = [5] if p == 0 else []
    if s == 1:
        found = [
            n for n, ok in ((1, p == 0), (3, k % 2 == 1 and p == k // 2), (4, p == k - 1)) if ok
        ]
        return [*found, 2, *unpadded, 6]
    return [*unpadded, 6]


def _transposed_numbers(a: AxisParams) -> list[int]:
    p, k, s, out_pad = a.pad_lo, a.kernel, a.stride, a.output_padding
    if out_pad > 0:
        return [14]
    unpadded = [12] if p == 0 else []
    if s == 1:
        found = [
            n for n, ok in ((8, p == 0), (10, k % 2 == 1 and p == k // 2), (11, p == k - 1)) if ok
        ]
        return [*found, 9, *unpadded, 13, 14]
    return [*unpadded, 13, 14]


def _worked(number: int, i: int, o: int, a: AxisParams) -> str:
    """The guide's formula with this axis's numbers put in."""
    p, k, s, d, out_pad = a.pad_lo, a.kernel, a.stride, a.dilation, a.output_padding
    text = {
        1: f"{i} - {k} + 1",
        2: f"{i} - {k} + 2*{p} + 1",
        3: f"{i}",
        4: f"{i} + {k} - 1",
        5: f"floor(({i} - {k}) / {s}) + 1",
        6: f"floor(({i} + 2*{p} - {k}) / {s}) + 1",
        7: f"floor(({i} - {k}) / {s}) + 1",
        8: f"{i} + {k} - 1",
        9: f"{i} + {k} - 1 - 2*{p}",
        10: f"{i}",
        11: f"{i} - {k} + 1",
        12: f"{s}*({i} - 1) + {k}",
        13: f"{s}*({i} - 1) + {k} - 2*{p}",
        14: f"{s}*({i} - 1) + {out_pad} + {k} - 2*{p}",
        15: f"floor(({i} + 2*{p} - {k} - ({k} - 1)*({d} - 1)) / {s}) + 1",
    }[number]
    return f"{text} = {o}"


def ceil_drop(i: int, a: AxisParams, o: int) -> str:
    """What a ceil-mode formula subtracts: ``" - 1"`` when PyTorch drops its last window, else ``""``.

    With ``ceil_mode`` the division rounds up, but a last window that would
    start at or past ``i + p`` (in the right padding or beyond) is dropped.
    """
    rounded = (i + 2 * a.pad_lo - a.k_eff + a.stride - 1) // a.stride + 1
    return " - 1" if rounded != o else ""


def dropped_window(i: int, a: AxisParams, o: int) -> str | None:
    """Why a ceil-mode output is one less than its formula rounds to, or None when it is not."""
    if not ceil_drop(i, a, o):
        return None
    start = o * a.stride
    return (
        f"the last window ceil_mode would add starts at {start}, at or past i + p = "
        f"{i + a.pad_lo}, so PyTorch drops it (the '- 1')"
    )


def _general(config: Config, i: int, o: int, a: AxisParams) -> Relationship:
    """PyTorch's formula for a configuration no numbered relationship covers."""
    lo, hi, k, s, d = a.pad_lo, a.pad_hi, a.kernel, a.stride, a.dilation
    if config.transposed:
        why = "asymmetric cropping" if lo != hi else "dilated transposed convolution"
        formula = FORMULAS["conv_transpose_asymmetric"]
        worked = f"({i} - 1)*{s} - {lo} - {hi} + {d}*({k} - 1) + {a.output_padding} + 1 = {o}"
    elif config.pooling:
        bits = [
            b
            for b, on in (("padding", lo > 0), ("dilation", d > 1), ("ceil_mode", config.ceil_mode))
            if on
        ]
        why = "pooling with " + " and ".join(bits)
        if config.ceil_mode:
            formula = f"{FORMULAS['ceil']}, {CEIL_CONDITION}"
            worked = f"ceil(({i} + 2*{lo} - {d}*({k} - 1) - 1) / {s}) + 1{ceil_drop(i, a, o)} = {o}"
            dropped = dropped_window(i, a, o)
            if dropped:
                why += f"; {dropped}"
        else:
            formula = FORMULAS["conv"]
            worked = f"floor(({i} + 2*{lo} - {d}*({k} - 1) - 1) / {s}) + 1 = {o}"
    else:
        why = "asymmetric padding"
        formula = FORMULAS["conv_asymmetric"]
        worked = f"floor(({i} + {lo} + {hi} - {d}*({k} - 1) - 1) / {s}) + 1 = {o}"
    return Relationship(None, why, formula, worked)


def axis_relationship(config: Config, axis: int) -> Relationship:
    """The relationship that axis ``axis`` of ``config`` falls under."""
    a = config.axes[axis]
    i, o = config.input_shape[axis], config.output_shape[axis]
    if a.pad_lo != a.pad_hi or (config.transposed and a.dilation > 1):
        return _general(config, i, o, a)
    if config.pooling:
        if a.pad_lo == 0 and a.dilation == 1 and not config.ceil_mode:
            numbers = [7, 5, 6] if a.stride > 1 else [7, 1, 2, 5, 6]
        else:
            return _general(config, i, o, a)
    elif config.transposed:
        numbers = _transposed_numbers(a)
    else:
        numbers = _conv_numbers(a)
    first = numbers[0]
    setting, formula = RELATIONSHIPS[first]
    return Relationship(first, setting, formula, _worked(first, i, o, a), tuple(numbers[1:]))


def relationship(op: str, input_shape: Any, **params: Any) -> tuple[Relationship, ...]:
    """The original guide's relationship that each axis of a configuration falls under.

    Parameters
    ----------
    op, input_shape, **params
        As for :func:`convarith.output_shape`.

    Returns
    -------
    tuple of Relationship
        One per spatial axis.

    Examples
    --------
    >>> r, = relationship("conv", (5,), kernel_size=3, stride=2, padding=1)
    >>> r.number, r.formula, r.worked
    (6, 'o = floor((i + 2p - k) / s) + 1', 'floor((5 + 2*1 - 3) / 2) + 1 = 3')
    >>> relationship("conv_transpose", (2,), kernel_size=3, stride=2, padding=1,
    ...              output_padding=1)[0].number
    14

    """
    config = configure(op, input_shape, **params)
    return tuple(axis_relationship(config, n) for n in range(config.ndim))
