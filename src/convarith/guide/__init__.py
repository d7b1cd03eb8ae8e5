"""The convolution arithmetic guide, generated from the library, as PDF or HTML.

>>> from convarith.guide import guide_kind
>>> guide_kind("notes/guide.pdf")
'pdf'
"""

from __future__ import annotations

import os
from pathlib import Path

from convarith.core.errors import ConvArithError
from convarith.core.record import Record

__all__ = ["Written", "build_guide", "guide_kind", "write_guide"]

#: Extensions the guide can be written as.
KINDS = ("pdf", "html")


class Written(Record):
    """What :func:`write_guide` wrote: the format and the file's size in bytes."""

    kind: str
    size: int


def guide_kind(path: str | os.PathLike[str], parameter: str = "path") -> str:
    """The format a path asks for, from its extension.

    Raises
    ------
    ConvArithError
        When the extension is neither ``.pdf`` nor ``.html``.

    Examples
    --------
    >>> guide_kind("guide.HTML")
    'html'
    >>> guide_kind("guide.docx")
    Traceback (most recent call last):
    ...
    convarith.core.errors.ConvArithError: --output 'guide.docx': the guide is written as .pdf or .html, not .docx

    """
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix == "htm":
        suffix = "html"
    if suffix not in KINDS:
        label = "--output" if parameter == "path" else parameter
        found = f".{suffix}" if suffix else "a file without an extension"
        raise ConvArithError(
            f"{label} {os.fspath(path)!r}: the guide is written as .pdf or .html, not {found}"
        )
    return suffix


def build_guide(kind: str) -> bytes:
    """The whole guide as ``kind`` (``"pdf"`` or ``"html"``): the file's bytes.

    The same convarith version always gives the same bytes.

    Examples
    --------
    >>> build_guide("html")[:15]
    b'<!DOCTYPE html>'

    """
    if kind not in KINDS:
        raise ConvArithError(f"kind={kind!r} must be one of {', '.join(KINDS)}")
    from convarith.guide.document import compile_guide

    content = compile_guide(kind)
    if kind == "html":
        from convarith.guide.web import finish_html

        content = finish_html(content)
    return content


def write_guide(path: str | os.PathLike[str], *, parameter: str = "path") -> Written:
    """Write the guide to ``path``; its extension (``.pdf`` or ``.html``) picks the format.

    The file is written whole or not at all: a failure or an interruption
    leaves what was there before.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "guide.pdf"
    >>> write_guide(target).kind, target.read_bytes()[:5]
    ('pdf', b'%PDF-')

    """
    from convarith.files.atomic import atomic_output
    from convarith.files.places import check_file_place

    kind = guide_kind(path, parameter)
    check_file_place(path, parameter)
    content = build_guide(kind)
    with atomic_output(path, parameter) as temporary:
        temporary.write_bytes(content)
    return Written(kind, len(content))
