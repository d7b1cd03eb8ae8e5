"""How sizes and paddings are spelled as text: ``32x16``, ``1:2x0``, ``same``.

The command line, the explorer's URLs and its notebook controls all read
parameters written this way; this module is the one reader.
"""

from __future__ import annotations

from convarith.core.errors import ConvArithError
from convarith.core.limits import MAX_SIZE
from convarith.core.text import brief

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["parse_padding", "parse_sizes", "per_axis"]


def _int(text: str) -> int:
    """One integer of an option's value; ValueError for anything else.

    A digit string too long for ``int()`` is kept by its length, before
    Python's own limit (4300 digits) is reached: it is refused as too large.
    """
    digits = text.strip().lstrip("+-")
    if not digits.isdigit() or not digits.isascii():
        raise ValueError(text)
    if len(digits) > 19:  # beyond 64 bits: keep the digits' size, not their value
        return (-1 if text.strip().startswith("-") else 1) * (MAX_SIZE + 1)
    return int(text)


def parse_sizes(option: str, text: str) -> tuple[int, ...]:
    """Parse ``32x16`` into ``(32, 16)``, or fail naming the option.

    >>> parse_sizes("--input", "32x16")
    (32, 16)
    """
    try:
        sizes = tuple(_int(part) for part in text.lower().split("x"))
    except ValueError:
        raise ConvArithError(
            f"{option} {brief(text)} must be integers joined by 'x', like 3 or 3x2"
        ) from None
    if len(sizes) > 3:
        raise ConvArithError(
            f"{option} {brief(text)} holds {len(sizes)} sizes; at most 3 (one per axis)"
        )
    if any(abs(n) > MAX_SIZE for n in sizes):
        raise ConvArithError(
            f"{option} {brief(text)} must hold numbers of at most {MAX_SIZE} (PyTorch's 64-bit integers)"
        )
    return sizes


def per_axis(option: str, text: str | None) -> Any:
    """A per-axis value: one number for every axis, a tuple per axis, or None when not given.

    >>> per_axis("--stride", "2"), per_axis("--stride", "2x1"), per_axis("--stride", None)
    (2, (2, 1), None)
    """
    if text is None:
        return None
    values = parse_sizes(option, text)
    return values[0] if len(values) == 1 else values


def parse_padding(text: str | None, option: str = "--padding") -> Any:
    """Parse a padding: ``1``, ``1x2``, ``1:2`` (low:high), ``1:2x0:1``, ``same``, ``valid``, ``same_tf``.

    >>> parse_padding("1:2x0")
    ((1, 2), 0)
    """
    if text is None:
        return 0
    rule = text.strip().lower().replace("-", "_")
    if rule in ("same", "valid", "same_tf"):
        return rule
    parts = text.lower().split("x")
    values: list[Any] = []
    shape = f"{option} {brief(text)} must be like 1, 1x2, 1:2 (low:high), same, valid or same_tf"
    if len(parts) > 3:
        raise ConvArithError(
            f"{option} {brief(text)} holds {len(parts)} values; at most 3 (one per axis)"
        )
    for part in parts:
        try:
            if ":" in part:
                low, _, high = part.partition(":")
                values.append((_int(low), _int(high)))
            else:
                values.append(_int(part))
        except ValueError:
            raise ConvArithError(shape) from None
    if any(abs(n) > MAX_SIZE for v in values for n in (v if isinstance(v, tuple) else (v,))):
        raise ConvArithError(
            f"{option} {brief(text)} must hold numbers of at most {MAX_SIZE} (PyTorch's 64-bit integers)"
        )
    if len(values) == 1 and not isinstance(values[0], tuple):
        return values[0]
    return tuple(values)
