"""The format registry: every way convarith writes something, one entry each.

An entry is keyed by what is written (its *subject*: an ``animation`` today;
the guide's document next) and by its extension, and says how it is written:

``file``
    one file made whole by a vector backend (``.svg``, ``.pdf``, ``.tex``);
``stream``
    raster frames streamed one at a time through an encoder (``.gif``,
    ``.webp``, ``.apng``, ``.png``, ``.mp4``);
``folder``
    one file per frame in a folder (``NAME_00.png`` ..., or ``.svg``, ``.pdf``).

It also names the function that writes it (imported only when used), the
raster colour mode a stream or raster folder needs, and the optional
dependency with the extra that provides it.  :mod:`convarith.formats.save`,
the command line and the gallery all choose formats here: adding a format is
one entry.  Entries are frozen records, not dataclasses, because the command
line reads them to build its help and must start fast.

>>> file_format("out.GIF").name
'gif'
>>> [f.extension for f in FORMATS if f.layout == "folder"]
['.png', '.svg', '.pdf']
>>> frame_format("svg").describe()
'.svg frames: a folder of SVG files, one per frame'
"""

from __future__ import annotations

import os
from importlib import import_module
from typing import Any, Literal

from convarith.core.errors import ConvArithError
from convarith.core.record import Record
from convarith.files.names import shown

__all__ = [
    "FORMATS",
    "Format",
    "check_figure",
    "file_extensions",
    "file_format",
    "frame_format",
    "frame_format_names",
    "require",
]

Layout = Literal["file", "stream", "folder"]


class Format(Record):
    """One way of writing a subject to a path.

    Attributes
    ----------
    name : str
        Short name (``gif``, ``svg``); for folders, the frame files' format.
    subject : str
        What is written: ``animation``.
    extension : str
        The file's extension, or each frame file's in a folder.
    layout : {"file", "stream", "folder"}
        How it is written (see the module's documentation).
    summary : str
        What the file is, for help texts.
    writer : str
        ``module:function`` that writes it.  For ``file``, and a vector
        ``folder``: ``(figure, [index,] *, scale) -> str | bytes``; for
        ``stream``: an encoder ``(frames, durations, path, *, loop)``; for a
        raster ``folder``: a frame-file writer ``(frames, folder, stem, *, ext)``.
    mode : {"P", "RGB"} or None
        The raster frames a stream or raster folder takes; None for vector.
    requires : str or None
        The optional module it needs.
    extra : str or None
        The extra of ``pip install 'convarith[EXTRA]'`` that brings it.
    check : str or None
        ``module:function`` that raises :class:`ConvArithError` with the
        install hint when the dependency is not usable.
    figure_check : str or None
        ``module:function`` that refuses a figure the format cannot hold
        (MP4: a transparent background), called before any frame is drawn.
    """

    name: str
    subject: str
    extension: str
    layout: Layout
    summary: str
    writer: str
    mode: Literal["P", "RGB"] | None = None
    requires: str | None = None
    extra: str | None = None
    check: str | None = None
    figure_check: str | None = None

    def load(self) -> Any:
        """The writing function, imported now."""
        return _load(self.writer)

    def describe(self) -> str:
        """One line for help texts: extension, summary and what it needs."""
        where = f"{self.extension} frames" if self.layout == "folder" else self.extension
        needs = f" (needs convarith[{self.extra}])" if self.extra else ""
        return f"{where}: {self.summary}{needs}"


def _load(reference: str) -> Any:
    module, _, function = reference.partition(":")
    return getattr(import_module(module), function)


_ANIMATION = "animation"

#: Every format, in the order help texts list them.
FORMATS: tuple[Format, ...] = (
    Format(
        "gif",
        _ANIMATION,
        ".gif",
        "stream",
        "animated GIF, one shared palette",
        "convarith.encoders.gif:write_gif",
        mode="P",
    ),
    Format(
        "webp",
        _ANIMATION,
        ".webp",
        "stream",
        "animated lossless WebP",
        "convarith.encoders.webp:write_webp",
        mode="RGB",
    ),
    Format(
        "apng",
        _ANIMATION,
        ".apng",
        "stream",
        "animated PNG",
        "convarith.encoders.apng:write_apng",
        mode="RGB",
    ),
    Format(
        "png",
        _ANIMATION,
        ".png",
        "stream",
        "animated PNG (a still with one frame)",
        "convarith.encoders.apng:write_apng",
        mode="RGB",
    ),
    Format(
        "mp4",
        _ANIMATION,
        ".mp4",
        "stream",
        "H.264 video",
        "convarith.encoders.mp4:write_mp4",
        mode="RGB",
        requires="imageio_ffmpeg",
        extra="mp4",
        check="convarith.encoders.mp4:require_ffmpeg",
        figure_check="convarith.encoders.mp4:check_opaque",
    ),
    Format(
        "svg",
        _ANIMATION,
        ".svg",
        "file",
        "one self-contained animated SVG",
        "convarith.backends.svg:animated_svg",
    ),
    Format(
        "pdf",
        _ANIMATION,
        ".pdf",
        "file",
        "one vector page per frame",
        "convarith.backends.pdf:pdf_document",
    ),
    Format(
        "tex",
        _ANIMATION,
        ".tex",
        "file",
        "TikZ (standalone LaTeX, one page per frame)",
        "convarith.backends.tikz:tikz_document",
    ),
    Format(
        "png",
        _ANIMATION,
        ".png",
        "folder",
        "a folder of PNG files, one per frame",
        "convarith.encoders.frame_files:tee_frame_files",
        mode="P",
    ),
    Format(
        "svg",
        _ANIMATION,
        ".svg",
        "folder",
        "a folder of SVG files, one per frame",
        "convarith.backends.svg:frame_svg",
    ),
    Format(
        "pdf",
        _ANIMATION,
        ".pdf",
        "folder",
        "a folder of PDF files, one per frame",
        "convarith.backends.pdf:pdf_frame",
    ),
)


def file_extensions(subject: str = _ANIMATION) -> tuple[str, ...]:
    """The extensions a single output file of ``subject`` may have.

    >>> file_extensions()
    ('.gif', '.webp', '.apng', '.png', '.mp4', '.svg', '.pdf', '.tex')
    """
    return tuple(f.extension for f in FORMATS if f.subject == subject and f.layout != "folder")


def frame_format_names(subject: str = _ANIMATION) -> tuple[str, ...]:
    """The formats of frame files in a folder.

    >>> frame_format_names()
    ('png', 'svg', 'pdf')
    """
    return tuple(f.name for f in FORMATS if f.subject == subject and f.layout == "folder")


def file_format(
    path: str | os.PathLike[str], subject: str = _ANIMATION, *, parameter: str = "path"
) -> Format:
    """The format of a file, from its extension (case-insensitive).

    ``parameter`` is what the caller calls the path, for the message.

    Raises
    ------
    ConvArithError
        When the extension names no format of ``subject``.
    """
    text = os.fspath(path)
    suffix = os.path.splitext(os.path.basename(text))[1].lower()
    for f in FORMATS:
        if f.subject == subject and f.layout != "folder" and f.extension == suffix:
            return f
    what = (suffix if suffix.isprintable() else repr(suffix)) if suffix else "no extension"
    raise ConvArithError(
        f"{shown(parameter, text)} has {what}: use {', '.join(file_extensions(subject))}, "
        "or a folder ending in / for one file per frame"
    )


def frame_format(name: str, subject: str = _ANIMATION) -> Format:
    """The format of the frame files in a folder: ``png``, ``svg`` or ``pdf``.

    Raises
    ------
    ConvArithError
        For any other name.
    """
    for f in FORMATS:
        if f.subject == subject and f.layout == "folder" and f.name == name:
            return f
    raise ConvArithError(
        f"frame_format={name!r} must be one of {', '.join(frame_format_names(subject))}"
    )


def require(fmt: Format) -> None:
    """Raise, with the install hint, unless ``fmt``'s optional dependency is usable.

    Call it before any work, so that a missing extra costs nothing.

    >>> require(file_format("a.gif"))  # no optional dependency
    """
    if fmt.check is not None:
        _load(fmt.check)()


def check_figure(fmt: Format, figure: Any) -> None:
    """Raise if ``fmt`` cannot hold ``figure`` (MP4 and a transparent background).

    >>> from convarith.figure.primitives import Figure
    >>> check_figure(file_format("a.gif"), Figure(4, 4, (), (100,), background=None))
    """
    if fmt.figure_check is not None:
        _load(fmt.figure_check)(figure)
