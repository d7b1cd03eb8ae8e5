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
request is checked by :func:`check_target` before any frame is drawn or any
folder made, and every file is written atomically: an interrupted render
leaves nothing behind.  A folder's frames are one set
(:class:`~convarith.files.atomic.FrameSet`): a render replaces the previous
render's ``NAME_*.png`` as a whole, leaves them as they were when it fails,
and touches no other file; a folder it had to make is removed again when it
fails.

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

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

from convarith.core.limits import check_scale
from convarith.figure.primitives import Figure
from convarith.files.atomic import FrameSet, atomic_output, making_folder
from convarith.files.names import check_file_name, frame_file_names
from convarith.files.places import check_file_place, check_folder_place, is_folder
from convarith.formats.registry import Format, check_figure, file_format, frame_format, require

__all__ = ["Progress", "check_target", "is_folder_target", "save_figure", "write_outputs"]

Mode = Literal["P", "RGB"]
#: ``progress(done, total)``: frames written so far, of how many.
Progress = Callable[[int, int], None]


def is_folder_target(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names a folder of frames (ends with a separator or is a folder)."""
    text = os.fspath(path)
    return text.endswith(("/", os.sep)) or is_folder(text)


def check_target(
    path: str | os.PathLike[str], frame_format_name: str = "png", *, parameter: str = "path"
) -> Format:
    """Check an output path before any work, and return the format it names.

    A path ending in a separator, or naming an existing folder (whatever its
    extension), is a folder of frames, created if missing; any other path is
    a file whose extension names the format and whose folder must exist.
    ``parameter`` is what the caller calls the path, for the messages:
    ``path``, or a command line's ``-o/--output``.

    Raises
    ------
    ConvArithError
        For an unknown extension or frame format, a place that cannot be
        written, or a format whose optional dependency is missing.
    """
    folder_format = frame_format(frame_format_name)
    if is_folder_target(path):
        check_folder_place(path, parameter)
        return folder_format
    fmt = file_format(path, parameter=parameter)
    check_file_place(path, parameter)
    require(fmt)
    return fmt


def save_figure(
    figure: Figure,
    path: str | os.PathLike[str],
    *,
    scale: float = 1.0,
    name: str = "frame",
    frame_format: str = "png",
    progress: Progress | None = None,
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
    progress : callable, optional
        Called as ``progress(done, total)`` as frames are written.

    Returns
    -------
    list of Path
        The files written.
    """
    check_scale(scale)
    check_file_name(name)
    fmt = check_target(path, frame_format)
    return write_outputs(figure, [(fmt, Path(path))], scale=scale, name=name, progress=progress)


def write_outputs(
    figure: Figure,
    outputs: Sequence[tuple[Format, Path]],
    *,
    scale: float = 1.0,
    name: str = "frame",
    progress: Progress | None = None,
) -> list[Path]:
    """Write ``figure`` in several formats, drawing each kind of raster frame once.

    The targets must have been checked (:func:`check_target`, or the checks
    of a front end that chose them).  Raster folders share the frames of a
    stream of the same colour mode: the gallery's GIF and PNG frames are
    rasterized once.  Folders are made when missing, and removed again if
    the writing fails; every output is whole or not there.

    Returns
    -------
    list of Path
        Every file written, in the order of ``outputs``.
    """
    scale = check_scale(scale)
    for fmt, _ in outputs:
        check_figure(fmt, figure)  # before any frame is drawn or any folder made
    written: dict[int, list[Path]] = {}
    by_mode: dict[Mode, list[int]] = {}
    counter = _Counter(progress, figure.frame_count * _passes(outputs))
    with contextlib.ExitStack() as cleanup:
        for fmt, target in outputs:
            if fmt.layout == "folder":
                cleanup.enter_context(making_folder(target))
        for position, (fmt, target) in enumerate(outputs):
            if fmt.mode is None:
                written[position] = _write_vector(figure, fmt, target, scale, name, counter)
            else:
                by_mode.setdefault(fmt.mode, []).append(position)
        for mode, positions in by_mode.items():
            chosen = {p: outputs[p] for p in positions}
            written.update(_write_raster(figure, mode, chosen, scale, name, counter, cleanup))
    return [path for position in range(len(outputs)) for path in written[position]]


def _passes(outputs: Sequence[tuple[Format, Path]]) -> int:
    """How many times the frames are gone through: each vector output, each raster stream."""
    passes = sum(1 for fmt, _ in outputs if fmt.mode is None)
    for mode in {fmt.mode for fmt, _ in outputs if fmt.mode is not None}:
        streams = sum(1 for fmt, _ in outputs if fmt.mode == mode and fmt.layout != "folder")
        passes += max(streams, 1)
    return passes


class _Counter:
    """Counts frames written, for a progress callback."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def advance(self, frames: int = 1) -> None:
        self.done += frames
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)

    def count(self, frames: Iterable[Any]) -> Iterator[Any]:
        for frame in frames:
            yield frame
            self.advance()


def _write_vector(
    figure: Figure, fmt: Format, target: Path, scale: float, name: str, counter: _Counter
) -> list[Path]:
    render = fmt.load()
    if fmt.layout == "file":
        _write_document(target, render(figure, scale=scale))
        counter.advance(figure.frame_count)
        return [target]
    names = frame_file_names(name, figure.frame_count, fmt.extension)
    with FrameSet(target, name, fmt.extension) as frames:
        for index, file in enumerate(names):
            _write_bytes(frames.path / file, render(figure, index, scale=scale))
            counter.advance()
    return [target / file for file in names]


def _write_bytes(path: Path, content: str | bytes) -> None:
    Path(path).write_bytes(content.encode() if isinstance(content, str) else content)


def _write_document(path: Path, content: str | bytes) -> None:
    with atomic_output(path) as temporary:
        _write_bytes(temporary, content)


def _write_raster(
    figure: Figure,
    mode: Mode,
    outputs: dict[int, tuple[Format, Path]],
    scale: float,
    name: str,
    counter: _Counter,
    cleanup: contextlib.ExitStack,
) -> dict[int, list[Path]]:
    """Rasterize once for the outputs of one colour mode: folders tee the frames, a stream ends them."""
    from convarith.backends.raster import render_frames

    count = figure.frame_count
    written: dict[int, list[Path]] = {}
    frames: Iterable[Any] = render_frames(figure, scale=scale, mode=mode)
    streams = []
    for position, (fmt, target) in outputs.items():
        if fmt.layout == "folder":
            teed = fmt.load()(frames, target, name, count=count, ext=fmt.extension)
            # Closed on any failure: an unfinished set of frames is discarded at once.
            cleanup.callback(teed.close)
            frames = teed
            written[position] = [target / n for n in frame_file_names(name, count, fmt.extension)]
        else:
            streams.append((position, fmt, target))
    frames = counter.count(frames)
    if not streams:
        for _ in frames:  # the folders' writers write as the frames pass
            pass
    for number, (position, fmt, target) in enumerate(streams):
        if number:  # a second stream of the same mode draws its own frames
            frames = counter.count(render_frames(figure, scale=scale, mode=mode))
        fmt.load()(frames, figure.durations, target, loop=figure.loop)
        written[position] = [target]
    return written
