"""Shapes, per-axis values, numbers and echoed input written as text.

One place decides how ``(32, 16)`` reads (``32x16``), so that messages,
explanations, tables and figure labels all agree; figures pass ``"×"``.
It also keeps text small whatever the numbers: :func:`number_text` writes an
integer of more than 30 digits as ``1.0907e+2408``, and :func:`brief` echoes a
value in a message the way ``repr`` would, cut with an ellipsis when it is
long (a 10,000-digit number, a list of a million sizes, a long string).
Nothing here imports the rest of the package.
"""

from __future__ import annotations

import operator

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["brief", "number_text", "per_axis_text", "range_text", "shape_text"]

#: Integers up to this many digits are written in full.
_EXACT_DIGITS = 30
_EXACT_LIMIT = 10**_EXACT_DIGITS
#: Leading digits a shortened integer keeps in a message.
_LEAD_DIGITS = 8
#: Characters of a string, and items of a sequence, a message echoes before the ellipsis.
_STRING_CHARS = 40
_ITEMS = 6
_LOG10_2 = 0.30102999566398120


def _digits(n: int) -> tuple[str, int]:
    """The leading digits of ``n > 0`` and its number of digits, without ``str(n)`` on huge ones.

    Python refuses ``str()`` of an int over 4300 digits, and its cost grows
    with the square of the digits; above 300 digits the leading ones come
    from the top bits (a float's accuracy: enough for a message).
    """
    bits = n.bit_length()
    if bits <= 1000:  # about 300 digits: str() is fast (it is quadratic in the digits)
        text = str(n)
        return text[:_LEAD_DIGITS], len(text)
    import math

    shift = bits - 64
    exponent = math.log10(n >> shift) + shift * _LOG10_2
    count = int(exponent) + 1
    lead = str(int(10 ** (exponent - int(exponent) + _LEAD_DIGITS - 1)))[:_LEAD_DIGITS]
    if bits <= 200_000:  # the float may round across a power of ten: settle it exactly
        if n >= 10**count:
            return "1" + "0" * (_LEAD_DIGITS - 1), count + 1
        if n < 10 ** (count - 1):
            return "9" * _LEAD_DIGITS, count - 1
    return lead, count


def number_text(value: object) -> str:
    """A number as text: in full up to 30 digits, else as ``1.0907e+2408``; fractions as ``p/q``.

    >>> number_text(12), number_text(2**100), number_text(-(10**40))
    ('12', '1.2676e+30', '-1.0000e+40')
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        if -_EXACT_LIMIT < value < _EXACT_LIMIT:
            return str(value)
        lead, count = _digits(abs(value))
        sign = "-" if value < 0 else ""
        return f"{sign}{lead[0]}.{lead[1:5]:0<4}e+{count - 1}"
    numerator = getattr(value, "numerator", None)
    denominator = getattr(value, "denominator", None)
    if isinstance(numerator, int) and isinstance(denominator, int) and not isinstance(value, float):
        if denominator == 1:
            return number_text(numerator)
        return f"{number_text(numerator)}/{number_text(denominator)}"
    return str(value)


def shape_text(shape: Sequence[object], sep: str = "x") -> str:
    """Every size of ``shape`` joined by ``sep``: ``32x16``, or ``5`` for one axis.

    >>> shape_text((32, 16)), shape_text((5,)), shape_text((4, 5, 6), "×")
    ('32x16', '5', '4×5×6')
    """
    return sep.join(number_text(n) for n in shape)


def per_axis_text(values: Sequence[object], sep: str = "x") -> str:
    """One value when every axis agrees, else the values joined: ``3`` or ``3x2``.

    >>> per_axis_text((3, 3)), per_axis_text((3, 2)), per_axis_text((3, 2), "×")
    ('3', '3x2', '3×2')
    """
    return number_text(values[0]) if len(set(values)) == 1 else shape_text(values, sep)


def range_text(first: int, last: int) -> str:
    """An inclusive range of integers: ``4`` or ``0..9999999``.

    >>> range_text(3, 3), range_text(0, 9999999)
    ('3', '0..9999999')
    """
    if first == last:
        return number_text(first)
    return f"{number_text(first)}..{number_text(last)}"


def _int_brief(n: int) -> str:
    if -(10**20) < n < 10**20:
        return str(n)
    lead, count = _digits(abs(n))
    return f"{'-' if n < 0 else ''}{lead}…({count} digits)"


def _is_sequence(value: object) -> bool:
    """A list, tuple, range or an array-like (``len`` and indexing), not a string or a mapping."""
    if isinstance(value, (list, tuple, range)):
        return True
    if isinstance(value, (str, bytes, bytearray, dict)):
        return False
    kind = type(value)
    if not (hasattr(kind, "__len__") and hasattr(kind, "__getitem__")):
        return False
    if hasattr(kind, "keys"):
        return False
    try:
        len(value)  # type: ignore[arg-type]
    except TypeError:  # a 0-d array has __len__ but no length
        return False
    return True


def brief(value: object, _depth: int = 0) -> str:
    """``value`` written as ``repr`` writes it, shortened with an ellipsis when it is long.

    Integers of other types (numpy's) are written as Python's; sequences
    show their first items and their length; strings their first 40 characters.

    >>> brief(10**10000)
    '10000000…(10001 digits)'
    >>> brief(list(range(1000)))
    '[0, 1, 2, 3, 4, 5, … 1000 items]'
    >>> brief("conv" * 30)
    "'convconvconvconvconvconvconvconvconvconv…'"
    >>> brief((3, (1, 2)))
    '(3, (1, 2))'
    """
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return _int_brief(value)
    if isinstance(value, (str, bytes, bytearray)):
        if len(value) <= _STRING_CHARS:
            return repr(value)
        shown = repr(value[:_STRING_CHARS])
        return f"{shown[:-1]}…{shown[-1]}"
    if isinstance(value, float):
        return repr(float(value))  # numpy's float64 too, written as Python's
    kind = type(value)
    if getattr(getattr(value, "dtype", None), "kind", None) == "b" and not _is_sequence(value):
        return repr(bool(value))  # a numpy bool
    if hasattr(kind, "__index__") and not _is_sequence(value):
        try:
            return _int_brief(operator.index(value))  # type: ignore[arg-type]
        except TypeError:
            pass
    if hasattr(kind, "__float__") and not _is_sequence(value):
        try:
            return repr(float(value))  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            pass
    if _is_sequence(value) and _depth < 3:
        count = len(value)  # type: ignore[arg-type]
        parts = [brief(value[n], _depth + 1) for n in range(min(count, _ITEMS))]  # type: ignore[index]
        if count > _ITEMS:
            parts.append(f"… {count} items")
        opening, closing = ("[", "]") if isinstance(value, list) else ("(", ")")
        if count == 1 and opening == "(":
            return f"({parts[0]},)"
        return f"{opening}{', '.join(parts)}{closing}"
    text = repr(value) if not _is_sequence(value) else f"<{_count_text(value)}>"
    if len(text) > 2 * _STRING_CHARS:
        text = text[: 2 * _STRING_CHARS] + "…"
    return text


def _count_text(value: object) -> str:
    """``len(value)`` items, for a value too deep to echo."""
    try:
        return f"{len(value)} items"  # type: ignore[arg-type]
    except TypeError:
        return "a value"
