"""A configuration explained: the size, its formula with numbers, and what to know.

:func:`describe` gathers the arithmetic, the guide's relationship and the
analyses into one :class:`Description`, which prints as plain text (what
``convarith shape`` shows) and converts to a JSON-ready dict (``--json``).
"""

from __future__ import annotations

from convarith.core.arithmetic import Config, configure
from convarith.core.equivalent import EquivalentConv, equivalent_of
from convarith.core.limits import MAX_SCAN_CELLS
from convarith.core.output_padding import output_padding_choices, restoring_output_padding_of
from convarith.core.params import axis_names
from convarith.core.record import Record, replace
from convarith.core.relations import Relationship, axis_relationship, ceil_drop
from convarith.core.same_sizes import same_output_sizes_of
from convarith.core.text import per_axis_text, shape_text
from convarith.core.unread import unread_cells_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["Description", "describe"]

_NAMES = {
    "conv": "convolution",
    "conv_transpose": "transposed convolution",
    "max_pool": "max pooling",
    "avg_pool": "average pooling",
}


def _formula(config: Config) -> str:
    symmetric = all(a.pad_lo == a.pad_hi for a in config.axes)
    pad = "2p" if symmetric else "p_lo + p_hi"
    if config.transposed:
        return f"o = (i - 1)s - {pad} + d(k - 1) + output_padding + 1"
    if config.ceil_mode:
        return f"o = ceil((i + {pad} - d(k - 1) - 1) / s) + 1, less 1 if the last window would start past i + p"
    if config.op == "avg_pool":
        return f"o = floor((i + {pad} - k) / s) + 1"
    return f"o = floor((i + {pad} - d(k - 1) - 1) / s) + 1"


def _worked(config: Config, axis: int) -> str:
    a = config.axes[axis]
    i, o = config.input_shape[axis], config.output_shape[axis]
    pad = f"2*{a.pad_lo}" if a.pad_lo == a.pad_hi else f"{a.pad_lo} + {a.pad_hi}"
    if config.transposed:
        return f"({i} - 1)*{a.stride} - {pad} + {a.dilation}*({a.kernel} - 1) + {a.output_padding} + 1 = {o}"
    if config.op == "avg_pool":
        core = f"({i} + {pad} - {a.kernel}"
    else:
        core = f"({i} + {pad} - {a.dilation}*({a.kernel} - 1) - 1"
    if config.ceil_mode:
        return f"ceil({core}) / {a.stride}) + 1 = {ceil_drop(i, a, o)}"
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
    unread : tuple of tuple of int
        Per axis, the input cells no window reads.
    output_padding_choices : tuple
        For a transposed convolution, per axis, ``(output_padding, size)`` pairs.
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
    unread: tuple[tuple[int, ...], ...]
    output_padding_choices: tuple[tuple[tuple[int, int], ...], ...] = ()
    restoring_output_padding: tuple[int, ...] | None = None
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (what ``convarith shape --json`` prints)."""
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
                    "same_output_input_sizes": [
                        self.same_output_sizes[n].start,
                        self.same_output_sizes[n].stop - 1,
                    ],
                    "unread_input_cells": list(self.unread[n]),
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
                [{"output_padding": a, "output": size} for a, size in choices]
                for choices in self.output_padding_choices
            ]
        if self.restoring_output_padding is not None:
            result["restoring_output_padding"] = list(self.restoring_output_padding)
        return result

    def text(self) -> str:
        """The plain-text explanation (what ``convarith shape`` prints)."""
        c = self.config
        names = axis_names(c.ndim)
        lines = [
            f"{_NAMES[c.op]}: input {shape_text(c.input_shape)} -> output {shape_text(c.output_shape)}",
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
            lines.extend(f"  - {note}" for note in self.notes)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()


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
        parts.append(f"output_padding {per_axis_text(c.output_padding)}")
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


def _unread_body(c: Config, n: int, cells: tuple[int, ...]) -> str | None:
    if not cells:
        return None
    i = c.input_shape[n]
    if c.transposed:
        return f"input cells {_ranges(cells)} contribute nothing: the padding crops all their products."
    what = "cell" if c.ndim == 1 else ("column" if axis_names(c.ndim)[n] == "width" else "row")
    count = len(cells)
    if cells == tuple(range(i - count, i)):
        if count == 1:
            return f"input {what} {cells[0]} (the last) is never read: no window reaches it."
        return f"the last {count} input {what}s ({_ranges(cells)}) are never read: no window reaches them."
    return f"{count} of {i} input {what}s are never read ({_ranges(cells)}): the windows skip them."


def _notes(d: Description) -> tuple[str, ...]:
    c = d.config
    notes: list[str] = []
    notes += _merged(
        c,
        [
            f"input sizes {r.start}..{r.stop - 1} all give {c.output_shape[n]}: "
            f"the formula rounds the division {'up' if c.ceil_mode else 'down'}."
            if len(r) > 1
            else None
            for n, r in enumerate(d.same_output_sizes)
        ],
    )
    notes += _merged(c, [_unread_body(c, n, cells) for n, cells in enumerate(d.unread)])
    if d.equivalent is not None:
        notes.append(_equivalent_note(d.equivalent))
        notes += _merged(
            c,
            [
                f"output_padding may be 0..{len(ch) - 1}: "
                + ", ".join(f"{a} gives {size}" for a, size in ch)
                + "."
                if len(ch) > 1
                else None
                for ch in d.output_padding_choices
            ],
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


def _equivalent_note(eq: EquivalentConv) -> str:
    zeros = per_axis_text([a.inserted_zeros for a in eq.axes], " x ")
    pads = []
    for a in eq.axes:
        pads.append(
            f"{a.pad_lo} before and {a.pad_hi} after"
            if a.pad_lo != a.pad_hi
            else f"{a.pad_lo} each side"
        )
    text = (
        f"Equivalent direct convolution: insert {zeros} zero{'' if zeros == '1' else 's'} between input cells "
        f"(stretched to {shape_text(eq.stretched_shape)}), pad with zeros {per_axis_text(pads, ' x ')}, "
        f"then convolve with stride 1 and the kernel flipped -> {shape_text(eq.output_shape)}."
    )
    if any(a.cropped for a in eq.axes):
        text += " Negative padding means the stretched input is cropped by that many cells."
    return text


def _ranges(cells: tuple[int, ...]) -> str:
    """Write sorted indices compactly: ``0, 3..5``."""
    parts: list[str] = []
    start = prev = cells[0]
    for x in (*cells[1:], None):
        if x is not None and x == prev + 1:
            prev = x
            continue
        parts.append(str(start) if start == prev else f"{start}..{prev}")
        if x is not None:
            start = prev = x
    return ", ".join(parts)


def describe(op: str, input_shape: Any, **params: Any) -> Description:
    """Explain a configuration: its output size, formula, relationship and caveats.

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
        unread=tuple(
            () if i > MAX_SCAN_CELLS else unread_cells_of(config)[n]
            for n, i in enumerate(config.input_shape)
        )
        if max(config.input_shape) > MAX_SCAN_CELLS
        else unread_cells_of(config),
        output_padding_choices=tuple(output_padding_choices(config, n) for n in range(config.ndim))
        if config.transposed
        else (),
        restoring_output_padding=restoring_output_padding_of(config)
        if config.op == "conv"
        else None,
    )
    return replace(base, notes=_notes(base))
