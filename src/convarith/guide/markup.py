"""Small writers of Typst markup for the guide's chapters.

Chapters are Python functions that return Typst markup; prose is written as
markup directly, and everything the library computes (formulas, numbers,
figures) goes through these helpers, so that it is typeset the same way
everywhere and a test can find it in the source: ``#formula(...)``,
``#worked(...)`` and ``#anim(...)`` calls, whose functions the document's
preamble defines.
"""

from __future__ import annotations

from convarith.core.formulas import FORMULAS, RELATIONSHIPS
from convarith.guide.mathtext import typst_math

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from convarith.guide.figures import GuideFigure

__all__ = [
    "Chapter",
    "figure",
    "formula",
    "formula_text",
    "heading",
    "keyed",
    "link",
    "math",
    "string",
    "table",
    "text",
    "worked",
]

#: A chapter's markup and the figures it shows, in order.
Chapter = tuple[str, list["GuideFigure"]]

_SPECIAL = str.maketrans({c: "\\" + c for c in "\\#$*_<>@[]`~=/\"'"})


def text(plain: str) -> str:
    r"""Plain text (a label, a computed note) escaped for Typst markup.

    Examples
    --------
    >>> text("a * b = c_1 <see #2>")
    'a \\* b \\= c\\_1 \\<see \\#2\\>'

    """
    return plain.translate(_SPECIAL)


def string(plain: str) -> str:
    r"""A Typst string literal.

    Examples
    --------
    >>> string('say "hi"')
    '"say \\"hi\\""'

    """
    return '"' + plain.replace("\\", "\\\\").replace('"', '\\"') + '"'


def math(formula_text: str) -> str:
    """Inline mathematics from formula text in the core's notation.

    Examples
    --------
    >>> math("o = i - k + 1")
    '$o = i - k + 1$'

    """
    return f"${typst_math(formula_text)}$"


def formula_text(key: str | int) -> str:
    """The core's text of a formula: a relationship number or a key of ``FORMULAS``.

    Examples
    --------
    >>> formula_text(1), formula_text("jump")
    ('o = i - k + 1', 'j_out = s j_in')

    """
    return RELATIONSHIPS[key][1] if isinstance(key, int) else FORMULAS[key]


def formula(key: str | int) -> str:
    r"""A displayed formula from the core, marked with its key.

    Relationships are keyed by number (shown beside them as the guide's
    number); the other formulas by their key in
    :data:`convarith.core.formulas.FORMULAS`.

    Examples
    --------
    >>> formula(5)
    '#formula("relationship-5", $ o = floor((i - k) / s) + 1 $)\n'

    """
    name = f"relationship-{key}" if isinstance(key, int) else key
    return f"#formula({string(name)}, $ {typst_math(formula_text(key))} $)\n"


def keyed(key: str) -> str:
    """A formula of ``FORMULAS`` inline, marked with its key (for the reference table).

    Examples
    --------
    >>> keyed("jump")
    '#keyed("jump", $j_"out" = s j_"in"$)'

    """
    return f"#keyed({string(key)}, ${typst_math(formula_text(key))}$)"


def worked(key: str, values: Mapping[str, int], worked_text: str) -> str:
    r"""A worked example: the values, then the formula with them put in (from the core).

    ``key`` names the formula the example is of (``relationship-6`` or a key
    of ``FORMULAS``); its left-hand side starts the worked line.

    Examples
    --------
    >>> worked("relationship-1", {"i": 4, "k": 3}, "4 - 3 + 1 = 2")
    '#worked("relationship-1", $i = 4, k = 3$, $ o = 4 - 3 + 1 = 2 $)\n'

    """
    number = key.removeprefix("relationship-")
    source = formula_text(int(number)) if number.isdigit() else formula_text(key)
    lhs = source.split("=", 1)[0].strip()
    bindings = ", ".join(f"{typst_math(name)} = {value}" for name, value in values.items())
    return (
        f"#worked({string(key)}, ${bindings}$, $ {typst_math(lhs)} = {typst_math(worked_text)} $)\n"
    )


def heading(level: int, title: str, label: str | None = None) -> str:
    r"""A numbered heading, with an anchor ``label`` (``#label`` in the HTML).

    Examples
    --------
    >>> heading(2, "Pooling", "pooling")
    '\n== Pooling <pooling>\n\n'

    """
    anchor = f" <{label}>" if label else ""
    return f"\n{'=' * level} {title}{anchor}\n\n"


def link(label: str, body: str) -> str:
    """A link to a labelled place of the guide.

    Examples
    --------
    >>> link("relationship-6", "relationship 6")
    '#link(<relationship-6>)[relationship 6]'

    """
    return f"#link(<{label}>)[{body}]"


def table(head: Iterable[str], rows: Iterable[Iterable[str]], columns: str | None = None) -> str:
    """A table of markup cells, in a box that scrolls sideways on a narrow screen.

    Examples
    --------
    >>> print(table(["a", "b"], [["1", "2"]]))
    #wide(table(columns: 2, table.header([a], [b]),
      [1], [2],
    ))
    <BLANKLINE>

    """
    head = list(head)
    cells = ",\n".join("  " + ", ".join(f"[{c}]" for c in row) for row in rows)
    spec = columns or str(len(head))
    header = ", ".join(f"[{text(h)}]" for h in head)
    return f"#wide(table(columns: {spec}, table.header({header}),\n{cells},\n))\n"


def figure(fig: GuideFigure) -> str:
    r"""The figure ``fig``: its strip of frames (PDF) or its animation (HTML), and its command.

    Examples
    --------
    >>> from convarith.guide.figures import GuideFigure
    >>> figure(GuideFigure("a", "conv", (4, 4), {"kernel_size": 3}))
    '#anim("a")\n'

    """
    return f"#anim({string(fig.name)})\n"
