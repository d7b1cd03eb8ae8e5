"""A numbered relationship of the guide as a subsection: setting, formula, worked example, figure.

The numbers of the example are the figure's, and the worked formula is the
one :func:`convarith.relationship` writes for it, so the text, the formula
and the animation always agree.
"""

from __future__ import annotations

import re

from convarith.core.errors import ConvArithError
from convarith.core.formulas import RELATIONSHIPS
from convarith.guide.markup import figure, formula, heading, worked

TYPE_CHECKING = False
if TYPE_CHECKING:
    from convarith.guide.figures import GuideFigure

__all__ = ["bindings", "relationship_section"]

_NAME = re.compile(r"[A-Za-z]+(?:_[A-Za-z]+)?'?")
_WORDS = frozenset({"floor", "ceil", "max", "min", "mod"})


def bindings(formula_text: str, fig: GuideFigure) -> dict[str, int]:
    """The values of ``fig`` (first axis) for every name on the right of ``formula_text``.

    Examples
    --------
    >>> from convarith.guide.figures import GuideFigure
    >>> f = GuideFigure("x", "conv", (5, 5), {"kernel_size": 3, "stride": 2, "padding": 1})
    >>> bindings("o = floor((i + 2p - k) / s) + 1", f)
    {'i': 5, 'p': 1, 'k': 3, 's': 2}

    """
    from convarith.core.arithmetic import configure

    config = configure(fig.op, fig.input_shape, **fig.params)
    a = config.axes[0]
    known = {
        "i": config.input_shape[0],
        "k": a.kernel,
        "s": a.stride,
        "p": a.pad_lo,
        "p_lo": a.pad_lo,
        "p_hi": a.pad_hi,
        "d": a.dilation,
        "a": a.output_padding,
    }
    right = formula_text.split("=", 1)[1]
    values: dict[str, int] = {}
    for name in _NAME.findall(right):
        if name in _WORDS:
            continue
        base = name.rstrip("'")
        if base not in known:
            raise ConvArithError(f"formula {formula_text!r}: no value for {name!r}")
        values[name] = known[base]
    return values


def relationship_section(number: int, fig: GuideFigure, before: str, after: str = "") -> str:
    """Relationship ``number`` as a subsection, shown on ``fig``.

    ``before`` is the prose that introduces the setting, ``after`` what
    follows the figure.

    Examples
    --------
    >>> from convarith.guide.figures import GuideFigure
    >>> f = GuideFigure("no_padding_no_strides", "conv", (4, 4), {"kernel_size": 3})
    >>> text = relationship_section(1, f, "Nothing added.")
    >>> "<relationship-1>" in text and '#worked("relationship-1"' in text
    True

    """
    from convarith.core.relations import relationship

    setting, formula_text = RELATIONSHIPS[number]
    found = relationship(fig.op, fig.input_shape, **fig.params)[0]
    if found.number != number:
        raise ConvArithError(
            f"figure {fig.name} falls under relationship {found.number}, not {number}"
        )
    title = setting[0].upper() + setting[1:]
    return (
        heading(2, title, f"relationship-{number}")
        + before.strip()
        + "\n\n"
        + formula(number)
        + worked(f"relationship-{number}", bindings(formula_text, fig), found.worked)
        + figure(fig)
        + (after.strip() + "\n" if after else "")
    )
