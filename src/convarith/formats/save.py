"""Write a figure to a file, or a folder of frames, in the format the path names.

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

Formats are chosen in :mod:`convarith.formats.registry`; everything about a
request is checked by :func:`check_target` before any frame is drawn, and
every file is written atomically: an interrupted render leaves nothing behind.

>>> import tempfile, pathlib
>>> from convarith.figure.primitives import Figure, StaticLayer
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> figure = Figure(20, 10, (StaticLayer(()),), (500, 500))
>>> [p.name for p in save_figure(figure, folder / "a.svg")]
['a.svg']
>>> [p.name for p in save_figure(figure, f"{folder}/frames/", name="a", frame_format="pdf")]
['a_00.pdf', 'a_01.pdf']
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from convarith.core.limits import check_scale
from convarith.figure.primitives import Figure
from convarith.files.atomic import atomic_output
from convarith.files.names import check_file_name, frame_file_names
from convarith.files.places import check_file_place, check_folder_place
from convarith.formats.registry import Format, file_format, frame_format, require

__all__ = ["check_target", "is_folder_target", "save_figure", "write_outputs"]

Mode = Literal["P", "RGB"]


def is_folder_target(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names a folder of frames (ends with a separator or is a folder)."""
    text = os.fspath(path)
    return text.endswith(("/", os.sep)) or Path(text).is_dir()


def check_target(path: str | os.PathLike[str], frame_format_name: str = "png") -> Format:
    """Check an output path before any work, and return the format it names.

    A path ending in a separator, or naming an existing folder (whatever its
    extension), is a folder of frames, created if missing; any other path is
    a file whose extension names the format and whose folder must exist.

    Raises
    ------
    ConvArithError
        For an unknown extension or frame format, a place that cannot be
        written, or a format whose optional dependency is missing.
    """
    folder_format = frame_format(frame_format_name)
    if is_folder_target(path):
        check_folder_place(path)
        return folder_format
    fmt = file_format(path)
    check_file_place(path)
    require(fmt)
    return fmt


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
        Size multiplier, 0.1 to 20 (raster pixels per canvas unit; vector
        sizes scale too).
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
    check_file_name(name)
    fmt = check_target(path, frame_format)
    return write_outputs(figure, [(fmt, Path(path))], scale=scale, name=name)


def write_outputs(
    figure: Figure,
    outputs: Sequence[tuple[Format, Path]],
    *,
    scale: float = 1.0,
    name: str = "frame",
) -> list[Path]:
    """Write ``figure`` in several formats, drawing each kind of raster frame once.

    The targets must have been checked (:func:`check_target`, or the checks
    of a front end that chose them).  Raster folders share the frames of a
    stream of the same colour mode: the gallery's GIF and PNG frames are
    rasterized once.

    Returns
    -------
    list of Path
        Every file written, in the order of ``outputs``.
    """
    scale = check_scale(scale)
    written: dict[int, list[Path]] = {}
    by_mode: dict[Mode, list[int]] = {}
    for position, (fmt, target) in enumerate(outputs):
        if fmt.mode is None:
            written[position] = _write_vector(figure, fmt, target, scale, name)
        else:
            by_mode.setdefault(fmt.mode, []).append(position)
    for mode, positions in by_mode.items():
        chosen = {p: outputs[p] for p in positions}
        written.update(_write_raster(figure, mode, chosen, scale, name))
    return [path for position in range(len(outputs)) for path in written[position]]


def _write_vector(figure: Figure, fmt: Format, target: Path, scale: float, name: str) -> list[Path]:
    render = fmt.load()
    if fmt.layout == "file":
        _write_document(target, render(figure, scale=scale))
        return [target]
    target.mkdir(parents=True, exist_ok=True)
    files = [target / n for n in frame_file_names(name, figure.frame_count, fmt.extension)]
    for index, file in enumerate(files):
        _write_document(file, render(figure, index, scale=scale))
    return files


def _write_document(path: Path, content: str | bytes) -> None:
    data = content.encode() if isinstance(content, str) else content
    with atomic_output(path) as temporary:
        Path(temporary).write_bytes(data)


def _write_raster(
    figure: Figure, mode: Mode, outputs: dict[int, tuple[Format, Path]], scale: float, name: str
) -> dict[int, list[Path]]:
    """Rasterize once for the outputs of one colour mode: folders tee the frames, a stream ends them."""
    from convarith.backends.raster import render_frames

    written: dict[int, list[Path]] = {}
    frames: Iterable[object] = render_frames(figure, scale=scale, mode=mode)
    streams = []
    for position, (fmt, target) in outputs.items():
        if fmt.layout == "folder":
            target.mkdir(parents=True, exist_ok=True)
            frames = fmt.load()(frames, target, name, ext=fmt.extension)
            names = frame_file_names(name, figure.frame_count, fmt.extension)
            written[position] = [target / n for n in names]
        else:
            streams.append((position, fmt, target))
    if not streams:
        for _ in frames:  # the folders' writers write as the frames pass
            pass
    for position, fmt, target in streams:
        fmt.load()(frames, figure.durations, target, loop=figure.loop)
        written[position] = [target]
        # A second stream of the same mode draws its own frames.
        frames = render_frames(figure, scale=scale, mode=mode)
    return written
