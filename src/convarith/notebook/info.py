"""What the widget shows beside the picture, in the core's own words.

:func:`info_of` turns an explorer request into the four parts the page shows
next to its picture: the output size, the formula with the numbers put in,
the guide's relationship, and the library's explanation ("good to know"),
all taken from :func:`convarith.core.explain.describe`.  Axes that agree are
written once, as ``convarith shape`` writes them.
"""

from __future__ import annotations

from typing import Any

from convarith.core.explain import describe
from convarith.core.params import axis_names
from convarith.core.text import shape_text
from convarith.explorer.controls import OPERATIONS, ExplorerRequest

__all__ = ["info_of"]


def _by_axis(ndim: int, entries: list[dict[str, str]]) -> list[dict[str, str]]:
    """One entry labelled with its axis per axis, or a single entry when every axis agrees."""
    if ndim == 1:
        return [{"axis": "", **entries[0]}]
    if len({tuple(e.items()) for e in entries}) == 1:
        return [{"axis": "every axis", **entries[0]}]
    return [{"axis": name, **entry} for name, entry in zip(axis_names(ndim), entries)]


def info_of(request: ExplorerRequest) -> dict[str, Any]:
    """The output size, worked formula, relationship and notes of a request, as JSON-ready text.

    Parameters
    ----------
    request : ExplorerRequest
        A checked request (:func:`convarith.explorer.controls.request_of`).

    Returns
    -------
    dict
        ``operation``, ``input`` and ``output`` (shapes as text), ``formula``
        (PyTorch's size formula), ``worked`` (per axis, the formula with the
        numbers put in), ``relationships`` (per axis, the guide's relationship
        and its worked form) and ``notes`` (the library's explanation).  Each
        per-axis entry holds ``axis`` (``""`` for 1-D, ``"every axis"`` when
        the axes agree) and ``text``.

    Examples
    --------
    >>> from convarith.explorer.controls import request_of
    >>> info = info_of(request_of({"input": "5x5", "stride": "2", "padding": "1"}))
    >>> info["operation"], info["input"], info["output"]
    ('convolution', '5x5', '3x3')
    >>> info["worked"]
    [{'axis': 'every axis', 'text': 'floor((5 + 2*1 - 1*(3 - 1) - 1) / 2) + 1 = 3'}]
    >>> info["relationships"][0]["text"]
    'relationship 6 (zero padding, non-unit strides): o = floor((i + 2p - k) / s) + 1'

    """
    d = describe(request.op, request.input_shape, **request.params)
    c = d.config
    return {
        "operation": OPERATIONS[c.op],
        "input": shape_text(c.input_shape),
        "output": shape_text(c.output_shape),
        "formula": d.formula,
        "worked": _by_axis(c.ndim, [{"text": text} for text in d.worked]),
        "relationships": _by_axis(
            c.ndim, [{"text": str(r), "worked": r.worked} for r in d.relationships]
        ),
        "notes": list(d.notes),
    }
