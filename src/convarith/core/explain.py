"""A configuration explained: the size, its formula with numbers, and what to know.

:func:`describe` gathers the arithmetic, the guide's relationship and the
analyses into one :class:`Description`, which prints as plain text (what
``convarith shape`` shows) and converts to a JSON-ready dict (``--json``).
"""

from __future__ import annotations

from convarith.core.arithmetic import Config, configure
from convarith.core.equivalent import EquivalentConv, equivalent_of
from convarith.core.formulas import CEIL_CONDITION, FORMULAS
from convarith.core.output_padding import (
    output_for_padding,
    output_padding_choices,
    restoring_output_padding_of,
)
from convarith.core.params import axis_names
from convarith.core.record import Record, replace
from convarith.core.relations import Relationship, axis_relationship, ceil_drop, dropped_window
from convarith.core.same_sizes import same_output_sizes_of
from convarith.core.text import number_text, per_axis_text, range_text, shape_text
from convarith.core.unread import UnreadCells, unread_summary

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["OPERATION_NAMES", "Description", "describe"]

#: Each operation as the explanations name it (the explorer labels its choices with these).
OPERATION_NAMES = {
    "conv": "convolution",
    "conv_transpose": "transposed convolution",
    "max_pool": "max pooling",
    "avg_pool": "average pooling",
}


def _formula(config: Config) -> str:
    """PyTorch's size formula for the operation, symmetric or asymmetric padding."""
    symmetric = all(a.pad_lo == a.pad_hi for a in config.axes)
    if config.transposed:
        key = "conv_transpose"
    elif config.ceil_mode:
        key = "ceil"
    elif config.op == "avg_pool":
        key = "avg_pool"
    else:
        key = "conv"
    formula = FORMULAS[key if symmetric else f"{key}_asymmetric"]
    return f"{formula}, {CEIL_CONDITION}" if config.ceil_mode else formula


def _worked(config: Config, axis: int) -> str:
    """The size formula with this axis's numbers put in: ``<expression> = <output size>``."""
    a = config.axes[axis]
    i, o = config.input_shape[axis], config.output_shape[axis]
    if config.transposed:
        pad = f"2*{a.pad_lo}" if a.pad_lo == a.pad_hi else f"{a.pad_lo} - {a.pad_hi}"
        return f"({i} - 1)*{a.stride} - {pad} + {a.dilation}*({a.kernel} - 1) + {a.output_padding} + 1 = {o}"
    pad = f"2*{a.pad_lo}" if a.pad_lo == a.pad_hi else f"{a.pad_lo} + {a.pad_hi}"
    if config.op == "avg_pool":
        core = f"({i} + {pad} - {a.kernel}"
    else:
        core = f"({i} + {pad} - {a.dilation}*({a.kernel} - 1) - 1"
    if config.ceil_mode:
        return f"ceil({core}) / {a.stride}) + 1{ceil_drop(i, a, o)} = {o}"
    return f"floor({core}) / {a.stride}) + 1 = {o}"


class Description(Record):
    """Everything convarith can say about one configuration.

    Attributes
    ----------
    config : Config
        The checked configuration (``config.output_shape`` is the answer).
    formula : str
        PyTorch's size formula for the operation.
    worked : tuple of str
        Per axis, the formula with the numbers put in.
    relationships : tuple of Relationship
        Per axis, the original guide's relationship.
    equivalent : EquivalentConv or None
        For a transposed convolution, the equivalent direct convolution.
    same_output_sizes : tuple of range
        Per axis, the input sizes that give the same output size.
    unread : tuple of UnreadCells or None
        Per axis, the input cells no window reads (how many, and their first
        runs), or None for an axis too long to scan.
    output_padding_choices : tuple of range
        For a transposed convolution, per axis, every ``output_padding``
        PyTorch allows (each adds one output cell).
    restoring_output_padding : tuple of int or None
        For a convolution, the ``output_padding`` that makes a transposed
        convolution with the same parameters restore the input size.
    notes : tuple of str
        Plain-language remarks.

    """

    config: Config
    formula: str
    worked: tuple[str, ...]
    relationships: tuple[Relationship, ...]
    equivalent: EquivalentConv | None
    same_output_sizes: tuple[range, ...]
    unread: tuple[UnreadCells | None, ...]
    output_padding_choices: tuple[range, ...] = ()
    restoring_output_padding: tuple[int, ...] | None = None
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (what ``convarith shape --json`` prints).

        Ranges are written ``{"min": first, "max": last}``, however many values
        they hold; the unread cells of an axis as their count and their first
        runs (``null`` for an axis too long to scan).
        """
        c = self.config
        names = axis_names(c.ndim)
        result: dict[str, Any] = {
            "op": c.op,
            "input": list(c.input_shape),
            "output": list(c.output_shape),
            "params": c.json_params(),
            "formula": self.formula,
            "axes": [
                {
                    "axis": names[n],
                    "input": c.input_shape[n],
                    "output": c.output_shape[n],
                    "worked": self.worked[n],
                    "relationship": self.relationships[n].number,
                    "relationship_setting": self.relationships[n].setting,
                    "relationship_formula": self.relationships[n].formula,
                    "same_output_input_sizes": _span(self.same_output_sizes[n]),
                    "unread_input_cells": _unread_dict(self.unread[n]),
                }
                for n in range(c.ndim)
            ],
            "notes": list(self.notes),
        }
        if c.padding_rule:
            result["params"]["padding_rule"] = c.padding_rule
        if self.equivalent is not None:
            eq = self.equivalent
            result["equivalent_direct_conv"] = {
                "stretched_input": list(eq.stretched_shape),
                "inserted_zeros": [a.inserted_zeros for a in eq.axes],
                "padding": [list(p) for p in eq.padding],
                "stride": list(eq.stride),
                "dilation": [a.dilation for a in eq.axes],
                "kernel_flipped": True,
                "output": list(eq.output_shape),
            }
            result["output_padding_choices"] = [
                {
                    "output_padding": _span(choices),
                    "output": _span(
                        range(
                            output_for_padding(c, n, choices.start),
                            output_for_padding(c, n, choices.stop),
                        )
                    ),
                }
                for n, choices in enumerate(self.output_padding_choices)
            ]
        if self.restoring_output_padding is not None:
            result["restoring_output_padding"] = list(self.restoring_output_padding)
        return result

    def text(self, cli: bool = False) -> str:
        """The plain-text explanation (what ``convarith shape`` prints).

        ``cli=True`` writes parameters the way the command line takes them
        (``--output-padding 1`` rather than ``output_padding=1``).
        """
        c = self.config
        names = axis_names(c.ndim)
        lines = [
            f"{OPERATION_NAMES[c.op]}: input {shape_text(c.input_shape)} -> output {shape_text(c.output_shape)}",
            "  " + _params_line(c),
            "",
            f"  {self.formula}",
        ]
        uniform = c.ndim > 1 and len(set(self.worked)) == 1
        for n in range(c.ndim if not uniform else 1):
            label = "every axis" if uniform else names[n]
            lines.append(
                f"    {label + ':':<12} {self.worked[n]}" if c.ndim > 1 else f"    {self.worked[n]}"
            )
        lines.append("")
        rel_texts = [str(r) for r in self.relationships]
        if len(set(rel_texts)) == 1:
            lines.append(f"  {_relation_line(self.relationships[0])}")
        else:
            for n, r in enumerate(self.relationships):
                lines.append(f"  {names[n]}: {_relation_line(r)}")
        if self.notes:
            lines.append("")
            lines.append("  Good to know:")
            lines.extend(f"  - {_cli_note(note) if cli else note}" for note in self.notes)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()


def _span(values: range) -> dict[str, int]:
    """A range as JSON: ``{"min": first, "max": last}``."""
    return {"min": values.start, "max": values.stop - 1}


def _unread_dict(unread: UnreadCells | None) -> dict[str, Any] | None:
    if unread is None:
        return None
    runs = list(unread.runs)
    if not unread.complete and unread.last is not None:
        runs.append(unread.last)
    return {
        "count": unread.count,
        "ranges": [{"min": lo, "max": hi} for lo, hi in runs],
        "complete": unread.complete,
    }


#: The library's spelling of parameters in notes -> the command line's.
_CLI_NAMES = (("output_padding=", "--output-padding "), ("output_padding ", "--output-padding "))


def _cli_note(note: str) -> str:
    for library, cli in _CLI_NAMES:
        note = note.replace(library, cli)
    return note


def _relation_line(r: Relationship) -> str:
    if r.number is None:
        return f"beyond the guide's relationships ({r.setting}): {r.formula}"
    return f"relationship {r.number} of the guide ({r.setting}): {r.formula}"


def _params_line(c: Config) -> str:
    pads = tuple(
        a.padding if isinstance(a.padding, int) else f"{a.pad_lo}:{a.pad_hi}" for a in c.axes
    )
    parts = [
        f"kernel {per_axis_text(c.kernel_size)}",
        f"stride {per_axis_text(c.stride)}",
        f"padding {per_axis_text(pads)}",
    ]
    if c.padding_rule:
        parts[-1] += f" ({c.padding_rule!r})"
    if c.op != "avg_pool":
        parts.append(f"dilation {per_axis_text(c.dilation)}")
    if c.transposed:
        parts.append(f"output padding {per_axis_text(c.output_padding)}")
    if c.pooling:
        parts.append(f"ceil_mode {c.ceil_mode}")
    return ", ".join(parts)


def _merged(c: Config, bodies: list[str | None]) -> list[str]:
    """One note for every axis when they agree, else one per axis that has one."""
    present = [b for b in bodies if b is not None]
    if not present:
        return []
    if c.ndim == 1:
        body = present[0]
        return [body if body.startswith("output_padding") else body[0].upper() + body[1:]]
    names = axis_names(c.ndim)
    if len(present) == c.ndim and len(set(present)) == 1:
        body = present[0]
        return [f"On every axis, {body}"]
    return [f"On the {names[n]} axis, {b}" for n, b in enumerate(bodies) if b is not None]


def _runs_text(u: UnreadCells) -> str:
    """The runs of unread cells: ``0, 3..5``, with an ellipsis before the last when there are many."""
    shown = [range_text(lo, hi) for lo, hi in u.runs]
    if not u.complete and u.last is not None:
        shown += ["…", range_text(*u.last)]
    return ", ".join(shown)


def _unread_body(c: Config, n: int, u: UnreadCells | None) -> str | None:
    if u is None or not u.count:
        return None
    i = c.input_shape[n]
    if c.transposed:
        return (
            f"input cells {_runs_text(u)} contribute nothing: the padding crops all their products."
        )
    what = "cell" if c.ndim == 1 else ("column" if axis_names(c.ndim)[n] == "width" else "row")
    if u.at_end:
        if u.count == 1:
            return f"input {what} {u.runs[0][0]} (the last) is never read: no window reaches it."
        return f"the last {u.count} input {what}s ({_runs_text(u)}) are never read: no window reaches them."
    return (
        f"{u.count} of {i} input {what}s are never read ({_runs_text(u)}): the windows skip them."
    )


def _choices_body(c: Config, n: int, choices: range) -> str | None:
    if len(choices) < 2:
        return None
    head = f"output_padding may be {range_text(choices.start, choices.stop - 1)}: "
    if len(choices) <= 4:
        return head + ", ".join(f"{a} gives {output_for_padding(c, n, a)}" for a in choices) + "."
    first, last = (
        output_for_padding(c, n, choices.start),
        output_for_padding(c, n, choices.stop - 1),
    )
    return head + f"outputs {range_text(first, last)}, one cell more for each."


def _notes(d: Description) -> tuple[str, ...]:
    c = d.config
    notes: list[str] = []
    notes += _merged(
        c,
        [
            f"input sizes {range_text(r.start, r.stop - 1)} all give {number_text(c.output_shape[n])}: "
            f"the formula rounds the division {'up' if c.ceil_mode else 'down'}."
            if len(r) > 1
            else None
            for n, r in enumerate(d.same_output_sizes)
        ],
    )
    notes += _merged(c, [_unread_body(c, n, u) for n, u in enumerate(d.unread)])
    if c.ceil_mode:
        notes += _merged(
            c,
            [
                dropped_window(i, a, o) and f"{dropped_window(i, a, o)}."
                for i, a, o in zip(c.input_shape, c.axes, c.output_shape)
            ],
        )
    if d.equivalent is not None:
        notes.append(_equivalent_note(c, d.equivalent))
        notes += _merged(
            c, [_choices_body(c, n, ch) for n, ch in enumerate(d.output_padding_choices)]
        )
    if d.restoring_output_padding is not None and all(lo == hi for lo, hi in c.padding):
        a = d.restoring_output_padding
        shown = per_axis_text(a)
        notes.append(
            f"A transposed convolution with the same parameters and output_padding={shown} maps "
            f"{shape_text(c.output_shape)} back to {shape_text(c.input_shape)}."
        )
    if c.padding_rule == "same_tf":
        notes += _merged(
            c,
            [
                f"TensorFlow's SAME pads {lo} before and {hi} after (any extra zero goes at the end)."
                for lo, hi in c.padding
            ],
        )
    return tuple(notes)


def _pad_words(lo: int, hi: int) -> str:
    return f"{lo} before and {hi} after" if lo != hi else f"{lo} each side"


def _equivalent_note(c: Config, eq: EquivalentConv) -> str:
    names = axis_names(c.ndim)
    zeros = [a.inserted_zeros for a in eq.axes]
    if len(set(zeros)) == 1:
        insert = f"insert {zeros[0]} zero{'' if zeros[0] == 1 else 's'} between input cells"
    else:
        per_axis = ", ".join(f"{names[n]} {z}" for n, z in enumerate(zeros))
        insert = f"insert zeros between input cells ({per_axis})"
    pads = [_pad_words(a.pad_lo, a.pad_hi) for a in eq.axes]
    if len(set(pads)) == 1:
        pad = f"pad with zeros {pads[0]}"
    else:
        pad = "pad with zeros (" + "; ".join(f"{names[n]}: {p}" for n, p in enumerate(pads)) + ")"
    text = (
        f"Equivalent direct convolution: {insert} (stretched to {shape_text(eq.stretched_shape)}), "
        f"{pad}, then convolve with stride 1 and the kernel flipped -> {shape_text(eq.output_shape)}."
    )
    if any(a.cropped for a in eq.axes):
        text += " Negative padding means the stretched input is cropped by that many cells."
    return text


def describe(op: str, input_shape: Any, **params: Any) -> Description:
    """Explain a configuration: its output size, formula, relationship and caveats.

    Every part costs a few steps whatever the sizes: ranges stay ranges, and
    the unread cells of an axis are counted and their first runs kept.

    Parameters
    ----------
    op, input_shape, **params
        As for :func:`convarith.output_shape`.

    Returns
    -------
    Description
        Prints as text; ``.to_dict()`` is JSON-ready.

    Examples
    --------
    >>> d = describe("conv", (6, 6), kernel_size=3, stride=2)
    >>> d.config.output_shape
    (2, 2)
    >>> print(d.notes[0])
    On every axis, input sizes 5..6 all give 2: the formula rounds the division down.

    """
    config = configure(op, input_shape, **params)
    base = Description(
        config=config,
        formula=_formula(config),
        worked=tuple(_worked(config, n) for n in range(config.ndim)),
        relationships=tuple(axis_relationship(config, n) for n in range(config.ndim)),
        equivalent=equivalent_of(config) if config.transposed else None,
        same_output_sizes=same_output_sizes_of(config),
        unread=tuple(unread_summary(config, n) for n in range(config.ndim)),
        output_padding_choices=tuple(output_padding_choices(config, n) for n in range(config.ndim))
        if config.transposed
        else (),
        restoring_output_padding=restoring_output_padding_of(config)
        if config.op == "conv"
        else None,
    )
    return replace(base, notes=_notes(base))
