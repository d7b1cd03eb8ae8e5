"""Write a figure to a file (or a folder of frames), chosen by the path's extension.

=========================  ===============================================
path                       what is written
=========================  ===============================================
``NAME.gif``               animated GIF (one shared palette)
``NAME.webp``              animated lossless WebP
``NAME.apng``/``.png``     animated PNG (``.png`` with one frame: a still)
``NAME.mp4``               H.264 video (needs ``pip install 'convarith[mp4]'``)
``NAME.svg``               one self-contained animated SVG
``NAME.pdf``               one vector page per frame
``NAME.tex``               TikZ (standalone LaTeX, one page per frame)
``DIR/`` or a folder       ``DIR/NAME_00.png``, ... (or ``.svg`` / ``.pdf``)
=========================  ===============================================

Every file is written atomically: an interrupted render leaves nothing behind.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from convarith.core.errors import ConvArithError
from convarith.core.limits import check_scale
from convarith.figure.primitives import Figure

__all__ = ["FORMATS", "FRAME_FORMATS", "check_target", "save_figure"]

FORMATS = (".gif", ".webp", ".apng", ".png", ".mp4", ".svg", ".pdf", ".tex")
FRAME_FORMATS = ("png", "svg", "pdf")


def is_folder_target(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names a folder of frames (ends with a separator or is a folder)."""
    text = os.fspath(path)
    return text.endswith(("/", os.sep)) or Path(text).is_dir()


def check_target(path: str | os.PathLike[str], frame_format: str = "png") -> str:
    """Check an output path before any work; return its format (``".gif"``..., or ``"folder"``).

    A path ending in a separator, or naming an existing folder (whatever its
    extension), is a folder of frames, created if missing; any other path is
    a file whose extension names the format and whose folder must exist.

    Raises
    ------
    ConvArithError
        For an unknown extension, an unknown frame format, or a place that
        cannot be written (missing or read-only folder).
    """
    if frame_format not in FRAME_FORMATS:
        raise ConvArithError(
            f"frame_format={frame_format!r} must be one of {', '.join(FRAME_FORMATS)}"
        )
    text = os.fspath(path)
    if is_folder_target(text):
        folder = Path(text)
        parent = folder if folder.exists() else folder.parent
        _check_writable(parent if str(parent) else Path("."), text)
        if folder.exists() and not folder.is_dir():
            raise ConvArithError(f"cannot write frames to {text}: it is a file, not a folder")
        return "folder"
    suffix = Path(text).suffix.lower()
    if suffix not in FORMATS:
        shown = suffix or "no extension"
        raise ConvArithError(
            f"output {text!r} has {shown}: use .gif, .webp, .apng, .png, .mp4, .svg, .pdf, .tex, "
            "or a folder ending in / for one file per frame"
        )
    parent = Path(text).parent
    if not parent.is_dir():
        # A file goes into an existing folder (frame folders, by contrast, are created).
        reason = (
            f"{parent} is not a folder"
            if parent.exists()
            else f"the folder {parent} does not exist"
        )
        raise ConvArithError(f"cannot write to {text}: {reason}")
    _check_writable(parent, text)
    if suffix == ".mp4":
        from convarith.encoders.mp4 import require_ffmpeg

        require_ffmpeg()
    return suffix


def _check_writable(folder: Path, shown: str) -> None:
    probe = folder
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        raise ConvArithError(f"cannot write to {shown}: {probe} is not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ConvArithError(f"cannot write to {shown}: {probe} is not writable")


def _write_bytes(path: Path, data: bytes) -> None:
    from convarith.files.atomic import atomic_output

    with atomic_output(path) as temporary:
        Path(temporary).write_bytes(data)


def save_figure(
    figure: Figure,
    path: str | os.PathLike[str],
    *,
    scale: float = 1.0,
    name: str = "frame",
    frame_format: str = "png",
) -> list[Path]:
    """Write ``figure`` to ``path`` in the format its extension names.

    Parameters
    ----------
    figure : Figure
        What to write.
    path : str or path-like
        The output file, or a folder (ending in ``/`` or existing) for one
        file per frame named ``NAME_00.png`` ...
    scale : float
        Size multiplier (raster pixels per canvas unit; vector sizes scale too).
    name : str
        Stem of the frame files in a folder.
    frame_format : {"png", "svg", "pdf"}
        Format of the frame files in a folder.

    Returns
    -------
    list of Path
        The files written.
    """
    check_scale(scale)
    kind = check_target(path, frame_format)
    target = Path(path)
    if kind == "folder":
        target.mkdir(parents=True, exist_ok=True)
        from convarith.files.atomic import frame_file_names

        names = frame_file_names(name, figure.frame_count, "." + frame_format)
        written = [target / n for n in names]
        if frame_format == "png":
            from convarith.backends.raster import render_frames
            from convarith.encoders import write_frame_files

            write_frame_files(
                render_frames(figure, scale=scale, mode="P"), target, name, ext=".png"
            )
        elif frame_format == "svg":
            from convarith.backends.svg import frame_svg

            for index, file in enumerate(written):
                _write_bytes(file, frame_svg(figure, index, scale=scale).encode())
        else:
            from convarith.backends.pdf import pdf_document

            for index, file in enumerate(written):
                _write_bytes(file, pdf_document(figure, [index], scale=scale))
        return written
    if kind == ".svg":
        from convarith.backends.svg import animated_svg

        _write_bytes(target, animated_svg(figure, scale=scale).encode())
    elif kind == ".pdf":
        from convarith.backends.pdf import pdf_document

        _write_bytes(target, pdf_document(figure, scale=scale))
    elif kind == ".tex":
        from convarith.backends.tikz import tikz_document

        _write_bytes(target, tikz_document(figure, scale=scale).encode())
    else:
        _write_raster(figure, target, kind, scale)
    return [target]


def _write_raster(figure: Figure, target: Path, kind: str, scale: float) -> None:
    from convarith import encoders
    from convarith.backends.raster import render_frames

    mode: Literal["P", "RGB"] = "P" if kind == ".gif" else "RGB"
    frames: Iterable[object] = render_frames(figure, scale=scale, mode=mode)
    durations = figure.durations
    if kind == ".gif":
        encoders.write_gif(frames, durations, target, loop=figure.loop)
    elif kind == ".webp":
        encoders.write_webp(frames, durations, target, loop=figure.loop)
    elif kind in (".apng", ".png"):
        encoders.write_apng(frames, durations, target, loop=figure.loop)
    else:
        encoders.write_mp4(frames, durations, target, loop=figure.loop)
