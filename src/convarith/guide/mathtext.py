"""Formula text (the notation of :mod:`convarith.core.formulas`) as Typst mathematics.

The notation is close to Typst's own: ``floor(...)``, ``ceil(...)``,
``max(...)``, ``mod``, primes and ``/`` (a fraction) mean the same there.
Only three things change: a subscript of more than one letter is quoted
(``p_lo`` -> ``p_"lo"``), ``*`` becomes a centred dot, and the words of the
formula (``floor``, ``ceil``, ``max``, ``mod``) are the only names that may
have more than one letter.  Anything else is refused, so that a formula the
guide cannot typeset faithfully never reaches the page.
"""

from __future__ import annotations

import re

from convarith.core.errors import ConvArithError

__all__ = ["typst_math"]

#: Multi-letter names Typst's mathematics knows: functions and the ``mod`` operator.
WORDS = frozenset({"floor", "ceil", "max", "min", "mod"})

_TOKEN = re.compile(
    r"(?P<name>[A-Za-z]+(?:_[A-Za-z]+)?'?)"
    r"|(?P<number>\d+)"
    r"|(?P<op>[-+*/=(),])"
    r"|(?P<space>\s+)"
)


def typst_math(text: str) -> str:
    r"""``text``, a formula in convarith's plain notation, as Typst mathematics.

    Parameters
    ----------
    text : str
        For example ``"o = floor((i + 2p - k) / s) + 1"``.

    Returns
    -------
    str
        Typst math markup (without the surrounding ``$``).

    Raises
    ------
    ConvArithError
        When ``text`` holds a character or a name outside the notation.

    Examples
    --------
    >>> typst_math("o = floor((i + 2p - k) / s) + 1")
    'o = floor((i + 2p - k) / s) + 1'
    >>> typst_math("o' = (i' - 1)s - p_lo - p_hi + d(k - 1) + a + 1")
    'o\' = (i\' - 1)s - p_"lo" - p_"hi" + d(k - 1) + a + 1'
    >>> typst_math("floor((5 + 2*1 - 3) / 2) + 1 = 3")
    'floor((5 + 2 dot 1 - 3) / 2) + 1 = 3'

    """
    out: list[str] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ConvArithError(
                f"formula {text!r}: character {text[position]!r} at {position} is not in the notation"
            )
        position = match.end()
        token = match.group()
        if match.lastgroup == "name":
            out.append(_name(token, text))
        elif token == "*":
            out.append(" dot ")
        else:
            out.append(token)
    return "".join(out).replace("  dot  ", " dot ").replace(" dot  ", " dot ")


def _name(token: str, text: str) -> str:
    base, _, sub = token.rstrip("'").partition("_")
    prime = "'" if token.endswith("'") else ""
    if len(base) > 1 and base not in WORDS:
        raise ConvArithError(f"formula {text!r}: name {token!r} has more than one letter")
    if not sub:
        return base + prime
    if len(sub) == 1:
        return f"{base}_{sub}{prime}"
    return f'{base}_"{sub}"{prime}'


def put_in(text: str, values: dict[str, int]) -> str:
    """The right-hand side of formula ``text`` with ``values`` put in, products written out.

    Parameters
    ----------
    text : str
        A formula ``name = expression`` in the core's notation.
    values : dict
        A number for every name of the expression.

    Examples
    --------
    >>> put_in("a = (i + 2p - d(k - 1) - 1) mod s", {"i": 6, "p": 1, "d": 1, "k": 3, "s": 2})
    '(6 + 2*1 - 1*(3 - 1) - 1) mod 2'
    >>> put_in("o' = (i' - 1)s - 2p + 1", {"i'": 3, "s": 2, "p": 1})
    '(3 - 1)*2 - 2*1 + 1'

    """
    right = text.split("=", 1)[1].strip()
    out: list[str] = []
    previous = ""  # "value" after a number, a name's value or ")"; "" otherwise
    for match in _TOKEN.finditer(right):
        token, kind = match.group(), match.lastgroup
        if kind == "space":
            out.append(token)
            continue
        word = kind == "name" and token in WORDS
        starts_value = kind == "number" or (kind == "name" and not word) or token == "("
        if previous == "value" and starts_value:
            # A product written by juxtaposition, with or without a space.
            if out and out[-1].isspace():
                out.pop()
            out.append("*")
        if kind == "name" and not word:
            if token not in values:
                raise ConvArithError(f"formula {text!r}: no value for {token!r}")
            out.append(str(values[token]))
            previous = "value"
        else:
            out.append(token)
            previous = "value" if kind == "number" or token == ")" else ""
            if word:
                previous = "function" if token != "mod" else ""
    return "".join(out)
