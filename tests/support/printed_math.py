"""The guide's Typst mathematics read back and evaluated, written here from the notation alone.

Nothing of convarith's formula code is used: the tokenizer and the
recursive-descent parser below read the math exactly as the guide's source
holds it (``floor((i + 2p - k) / s) + 1``, ``p_"lo"``, ``(i' - 1)s``,
``2 dot 1``) and evaluate it with exact fractions.

Grammar (juxtaposition is a product; ``/`` and ``mod`` bind like a product)::

    equation := sum ("=" sum)*
    sum      := ["-"] product (("+" | "-") product)*
    product  := unary (("dot" | "/" | "mod") unary | <juxtaposed> atom)*
    unary    := "-" unary | atom
    atom     := NUMBER | NAME | FUNCTION "(" sum ("," sum)* ")" | "(" sum ")"

A juxtaposed factor must start with a name, a function or "(": ``2p`` and
``(k - 1)(d - 1)`` are products, two numbers side by side are refused (they
would read as one number).  Names are one letter with an optional prime and
an optional subscript (one letter, or quoted letters): ``i'``, ``i_s``,
``p_"lo"``; the value of a name is looked up as its text without quotes
(``p_lo``).  A division outside ``floor``/``ceil`` must be exact.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

FUNCTIONS = ("floor", "ceil", "max", "min")

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<number>\d+)
    | (?P<word>floor|ceil|max|min|mod|dot)(?![A-Za-z_'"])
    | (?P<name>[A-Za-z](?:_(?:"[A-Za-z]+"|[A-Za-z]))?'?)(?![A-Za-z"])
    | (?P<op>[-+/(),=])
    )""",
    re.VERBOSE,
)


class MathError(ValueError):
    """The text is outside the notation, or cannot be evaluated (unbound name, inexact division)."""


@dataclass(frozen=True)
class Token:
    kind: str  # "number", "word", "name", "op", "end"
    text: str


def tokens(text: str) -> list[Token]:
    """The tokens of ``text``; anything outside the notation raises :class:`MathError`."""
    out: list[Token] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise MathError(f"{text!r}: cannot read {text[position:]!r}")
        kind = match.lastgroup
        assert kind is not None
        out.append(Token(kind, match.group(kind)))
        position = match.end()
    out.append(Token("end", ""))
    return out


def name_key(typst_name: str) -> str:
    """A Typst name as the key of its value: ``p_"lo"`` -> ``p_lo``."""
    return typst_name.replace('"', "")


# An expression is a nested tuple:
# ("num", n) | ("var", name) | ("neg", x) | (op, a, b) for op in add sub mul div mod
# | ("call", function, (args...)).
Node = tuple


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.items = tokens(text)
        self.at = 0

    def peek(self) -> Token:
        return self.items[self.at]

    def take(self, kind: str | None = None, text: str | None = None) -> Token:
        token = self.peek()
        if (kind is not None and token.kind != kind) or (text is not None and token.text != text):
            wanted = text or kind
            raise MathError(
                f"{self.text!r}: expected {wanted!r}, found {token.text or 'the end'!r}"
            )
        self.at += 1
        return token

    def equation(self) -> list[Node]:
        sides = [self.sum()]
        while self.peek().text == "=":
            self.take()
            sides.append(self.sum())
        self.take("end")
        return sides

    def sum(self) -> Node:
        if self.peek().text == "-":
            self.take()
            node: Node = ("neg", self.product())
        else:
            node = self.product()
        while self.peek().kind == "op" and self.peek().text in "+-":
            op = "add" if self.take().text == "+" else "sub"
            node = (op, node, self.product())
        return node

    def product(self) -> Node:
        node = self.unary()
        while True:
            token = self.peek()
            if token.kind == "word" and token.text in ("dot", "mod"):
                self.take()
                node = ("mul" if token.text == "dot" else "mod", node, self.unary())
            elif token.kind == "op" and token.text == "/":
                self.take()
                node = ("div", node, self.unary())
            elif (
                token.kind == "name"
                or token.text == "("
                or (token.kind == "word" and token.text in FUNCTIONS)
            ):
                node = ("mul", node, self.atom())
            elif token.kind == "number":
                raise MathError(f"{self.text!r}: number {token.text} right after a factor")
            else:
                return node

    def unary(self) -> Node:
        if self.peek().text == "-":
            self.take()
            return ("neg", self.unary())
        return self.atom()

    def atom(self) -> Node:
        token = self.peek()
        if token.kind == "number":
            self.take()
            return ("num", int(token.text))
        if token.kind == "name":
            self.take()
            return ("var", name_key(token.text))
        if token.kind == "word" and token.text in FUNCTIONS:
            self.take()
            self.take("op", "(")
            args = [self.sum()]
            while self.peek().text == ",":
                self.take()
                args.append(self.sum())
            self.take("op", ")")
            wanted = 1 if token.text in ("floor", "ceil") else 2
            if len(args) != wanted:
                raise MathError(f"{self.text!r}: {token.text} takes {wanted} argument(s)")
            return ("call", token.text, tuple(args))
        if token.text == "(":
            self.take()
            node = self.sum()
            self.take("op", ")")
            return node
        raise MathError(f"{self.text!r}: unexpected {token.text or 'end'!r}")


def parse(text: str) -> list[Node]:
    """The sides of an equation (one side for a bare expression)."""
    return _Parser(text).equation()


def parse_expression(text: str) -> Node:
    sides = parse(text)
    if len(sides) != 1:
        raise MathError(f"{text!r}: expected an expression, found an equation")
    return sides[0]


def evaluate(node: Node, env: dict[str, int] | None = None, rounding: bool = False) -> Fraction:
    """The exact value of ``node``; ``rounding``: inside ``floor``/``ceil``."""
    env = env or {}
    kind = node[0]
    if kind == "num":
        return Fraction(node[1])
    if kind == "var":
        if node[1] not in env:
            raise MathError(f"no value for {node[1]!r}")
        return Fraction(env[node[1]])
    if kind == "neg":
        return -evaluate(node[1], env, rounding)
    if kind == "call":
        args = [evaluate(a, env, rounding or node[1] in ("floor", "ceil")) for a in node[2]]
        if node[1] == "floor":
            return Fraction(math.floor(args[0]))
        if node[1] == "ceil":
            return Fraction(math.ceil(args[0]))
        return max(args) if node[1] == "max" else min(args)
    a, b = evaluate(node[1], env, rounding), evaluate(node[2], env, rounding)
    if kind == "add":
        return a + b
    if kind == "sub":
        return a - b
    if kind == "mul":
        return a * b
    if kind == "div":
        if b == 0:
            raise MathError("division by zero")
        if not rounding and (a / b).denominator != 1:
            raise MathError(f"{a} / {b} is not exact outside floor or ceil")
        return a / b
    if kind == "mod":
        if a.denominator != 1 or b.denominator != 1 or b <= 0:
            raise MathError(f"{a} mod {b}: mod needs integers and a positive modulus")
        return Fraction(int(a) % int(b))
    raise MathError(f"unknown node {node!r}")


def integer(node: Node, env: dict[str, int] | None = None) -> int:
    """The value of ``node``, which must be a whole number."""
    value = evaluate(node, env)
    if value.denominator != 1:
        raise MathError(f"value {value} is not a whole number")
    return int(value)


def names(node: Node) -> set[str]:
    """The names an expression uses."""
    if node[0] == "var":
        return {node[1]}
    if node[0] == "num":
        return set()
    if node[0] == "call":
        return set().union(*(names(a) for a in node[2]))
    return set().union(*(names(child) for child in node[1:]))


def substitute(node: Node, env: dict[str, int]) -> Node:
    """``node`` with every name replaced by its number (the formula "with the numbers put in")."""
    if node[0] == "var":
        if node[1] not in env:
            raise MathError(f"no value for {node[1]!r}")
        return ("num", env[node[1]])
    if node[0] == "num":
        return node
    if node[0] == "call":
        return ("call", node[1], tuple(substitute(a, env) for a in node[2]))
    return (node[0], *(substitute(child, env) for child in node[1:]))


@dataclass(frozen=True)
class Formula:
    """A printed formula ``NAME = EXPRESSION``."""

    key: str
    text: str
    lhs: str
    rhs: Node

    @classmethod
    def read(cls, key: str, text: str) -> Formula:
        sides = parse(text)
        if len(sides) != 2 or sides[0][0] != "var":
            raise MathError(f"{key}: {text!r} is not 'name = expression'")
        return cls(key, text, sides[0][1], sides[1])

    @property
    def names(self) -> set[str]:
        return names(self.rhs)

    def value(self, env: dict[str, int]) -> int:
        return integer(self.rhs, env)


# --------------------------------------------------------------------------- the guide's markup

_CALL = {
    "formula": re.compile(r'#formula\("(?P<key>[^"]+)",\s*\$(?P<math>[^$]*)\$\)'),
    "worked": re.compile(
        r'#worked\("(?P<key>[^"]+)",\s*\$(?P<bindings>[^$]*)\$,\s*\$(?P<math>[^$]*)\$\)'
    ),
    "product": re.compile(r'#product\("(?P<key>[^"]+)",\s*\$(?P<math>[^$]*)\$\)'),
}


def calls(source: str, function: str) -> list[re.Match[str]]:
    """Every ``#function(...)`` call of the source; a call the pattern cannot read raises."""
    found = list(_CALL[function].finditer(source))
    written = source.count(f"#{function}(")
    if written != len(found):
        starts = {m.start() for m in found}
        unread = [
            source[m.start() : m.start() + 120]
            for m in re.finditer(re.escape(f"#{function}("), source)
            if m.start() not in starts
        ]
        raise MathError(
            f"{written - len(found)} #{function} call(s) not in the expected form: {unread}"
        )
    return found


def bindings(text: str) -> dict[str, int]:
    """``i = 5, p_"lo" = 1`` -> ``{"i": 5, "p_lo": 1}``."""
    out: dict[str, int] = {}
    for part in text.split(","):
        sides = parse(part)
        if len(sides) != 2 or sides[0][0] != "var" or sides[1][0] != "num":
            raise MathError(f"binding {part.strip()!r} is not 'name = number'")
        if sides[0][1] in out:
            raise MathError(f"{sides[0][1]!r} bound twice in {text!r}")
        out[sides[0][1]] = sides[1][1]
    return out
