"""Render the gallery as the original's ``make all_animations`` did, on every core.

:func:`build_gallery` writes the animations of :mod:`convarith.gallery.catalogue`
into ``DIR/gif/NAME.gif``, ``DIR/png/NAME_NN.png`` and ``DIR/pdf/NAME_NN.pdf``
through the format registry, spreading the animations over the machine's
cores and skipping those whose files are already up to date (same
parameters, same convarith code, same content; see
:mod:`convarith.gallery.manifest`).

Every place is checked before the first folder is made.  Each animation's
files are written whole (its PNG and PDF frames as one set each, replacing
the previous render's), so a build that is stopped keeps every animation
either as it was or as it is now.  A build that is stopped (Ctrl-C, or
SIGTERM from ``timeout``, a CI runner or a container) stops its worker
processes with SIGTERM, and each of them discards what it had half written
before it exits, quietly; the manifest keeps what was finished.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import time
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from convarith.core.errors import ConvArithError
from convarith.files.atomic import making_folder
from convarith.files.places import check_file_place, check_folder_place, is_folder
from convarith.files.signals import STOPPING, blocked
from convarith.gallery import manifest
from convarith.gallery.catalogue import ALL, GalleryItem

__all__ = ["FORMATS", "GalleryReport", "build_gallery"]

#: The gallery's folders, each holding one format of the registry.
FORMATS = ("gif", "png", "pdf")

_Task = tuple[GalleryItem, str, tuple[str, ...], float]


@dataclass
class GalleryReport:
    """What :func:`build_gallery` did."""

    written: list[str] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def _outputs(item: GalleryItem, root: Path, formats: Sequence[str]) -> list[tuple[Any, Path]]:
    """The registry's format and the target of each gallery folder."""
    from convarith.formats.registry import file_format, frame_format

    outputs = []
    for fmt in formats:
        if fmt == "gif":
            target = root / "gif" / f"{item.name}.gif"
            outputs.append((file_format(target), target))
        else:
            outputs.append((frame_format(fmt), root / fmt))
    return outputs


def _render(task: _Task) -> list[str]:
    """Render one animation into every requested format (runs in a worker process)."""
    from convarith.formats.save import write_outputs

    item, out, formats, scale = task
    root = Path(out)
    animation = item.animation()
    written = write_outputs(
        animation.figure, _outputs(item, root, formats), scale=scale, name=item.name
    )
    return [path.relative_to(root).as_posix() for path in written]


def build_gallery(
    out: str | os.PathLike[str],
    formats: Iterable[str] = FORMATS,
    *,
    items: Sequence[GalleryItem] = ALL,
    jobs: int | None = None,
    force: bool = False,
    scale: float = 1.0,
    progress: Callable[[int, int, str], None] | None = None,
    parameter: str = "out",
) -> GalleryReport:
    """Render the gallery into ``out`` (``gif/``, ``png/``, ``pdf/`` folders).

    Parameters
    ----------
    out : path
        Destination folder (created if missing).
    formats : iterable of {"gif", "png", "pdf"}
        Which outputs to write (all three by default).
    items : sequence of GalleryItem
        The animations: the original's 19 and the explanatory extras by default.
    jobs : int, optional
        Worker processes (default: the number of cores).
    force : bool
        Render even what is up to date.
    scale : float
        Size multiplier.
    progress : callable, optional
        Called as ``progress(done, total, name)`` after each animation.
    parameter : str
        What the caller calls ``out``, for the messages (a command line's ``--out``).

    Returns
    -------
    GalleryReport
    """
    start = time.perf_counter()
    asked = {f.strip().lower() for f in formats if f.strip()}
    for fmt in sorted(asked):
        if fmt not in FORMATS:
            raise ConvArithError(f"format {fmt!r} must be one of {', '.join(FORMATS)}")
    if not asked:
        raise ConvArithError("formats is empty: give some of gif, png, pdf")
    chosen = tuple(f for f in FORMATS if f in asked)
    from convarith.core.limits import check_scale

    check_scale(scale)
    root = Path(out)
    # Everything is checked before the first folder is made: a refused build makes none.
    check_folder_place(root, parameter)
    for fmt in chosen:
        check_folder_place(root / fmt, parameter)
    manifest_path = root / manifest.MANIFEST
    if is_folder(root):
        check_file_place(manifest_path, parameter)
    report = GalleryReport()
    with contextlib.ExitStack() as folders:
        # Folders made here are removed again if the build stops before it wrote anything.
        for fmt in chosen:
            folders.enter_context(making_folder(root / fmt))
        _build(root, chosen, items, jobs, force, scale, progress, manifest_path, report)
    report.seconds = time.perf_counter() - start
    return report


def _build(
    root: Path,
    chosen: tuple[str, ...],
    items: Sequence[GalleryItem],
    jobs: int | None,
    force: bool,
    scale: float,
    progress: Callable[[int, int, str], None] | None,
    manifest_path: Path,
    report: GalleryReport,
) -> None:
    entries = manifest.load(manifest_path)
    code = manifest.code_fingerprint()
    by_item: dict[str, list[str]] = {}
    for item in items:
        for fmt in chosen:
            key = manifest.entry_key(code, item.key(), fmt, scale)
            if force or not manifest.is_current(entries.get(f"{item.name}:{fmt}"), key, root):
                by_item.setdefault(item.name, []).append(fmt)
    tasks: list[_Task] = [
        (item, str(root), tuple(by_item[item.name]), scale)
        for item in items
        if item.name in by_item
    ]
    # Longest first, so that two cores finish together.
    tasks.sort(key=lambda t: -_frame_estimate(t[0]))
    report.up_to_date = [item.name for item in items if item.name not in by_item]
    total = len(tasks)
    try:
        with contextlib.closing(_run(tasks, jobs)) as results:
            for done, (index, files) in enumerate(results, start=1):
                item, _, fmts, _ = tasks[index]
                report.written.append(item.name)
                for fmt in fmts:
                    entries[f"{item.name}:{fmt}"] = {
                        "key": manifest.entry_key(code, item.key(), fmt, scale),
                        "files": {
                            f: manifest.file_digest(root / f)
                            for f in files
                            if f.startswith(f"{fmt}/")
                        },
                    }
                report.files += [root / f for f in files]
                if progress:
                    progress(done, total, item.name)
    except BaseException:
        # Stopped or failed: keep a record of what was finished, if anything was.
        if report.written:
            with contextlib.suppress(Exception):
                manifest.save(manifest_path, entries)
        raise
    manifest.save(manifest_path, entries)


def _frame_estimate(item: GalleryItem) -> int:
    """Roughly how long an animation takes to render, to schedule the longest first."""
    from convarith.core.arithmetic import output_shape

    shape = output_shape(item.op, item.input_shape, **item.params)
    frames = int(shape[0] * (shape[1] if len(shape) > 1 else 1))
    # Explanatory views draw several panels per frame.
    return frames * (1 if item.view in ("arithmetic", "numerical") else 3)


def _import_renderers() -> None:
    """Import what rendering uses (numpy, Pillow, the backends and encoders), read the fonts.

    Called before the workers are forked, so that they share this work
    instead of each doing it again.
    """
    import importlib

    for module in (
        "convarith.api.animation",
        "convarith.formats.save",
        "convarith.backends.raster",
        "convarith.backends.pdf",
        "convarith.encoders.gif",
        "convarith.encoders.frame_files",
        "PIL.PngImagePlugin",
        "PIL.GifImagePlugin",
    ):
        importlib.import_module(module)
    from convarith.figure.fonts.subset import prepare

    prepare()  # the joined faces, for the PDF frames' font subsets


def _render_indexed(job: tuple[int, _Task]) -> tuple[int, list[str]]:
    index, task = job
    with _stoppable():
        return index, _render(task)


#: The signals that stop a worker (SIGINT is left to the parent, which then stops the workers).
_STOPS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


#: The stop a rendering worker was told, if any (see :func:`_stoppable`).
_told: list[int] = []


def _stop_worker(signum: int, frame: FrameType | None) -> None:
    """A worker told to stop: unwind (discarding what it half wrote), then exit quietly."""
    for stop in _STOPS:
        signal.signal(stop, signal.SIG_IGN)  # the clean-up is not itself interrupted
    _told.append(signum)
    raise SystemExit(128 + signum)  # a worker exits on SystemExit without a traceback


@contextlib.contextmanager
def _stoppable() -> Generator[None, None, None]:
    """While a worker renders: a stop unwinds it (see :func:`_stop_worker`); between tasks it just ends it.

    A Python handler runs only once the interpreter gets control back.  A
    worker waiting for its next task waits in a semaphore, and a stop that
    came just before that wait began was never handled: the worker waited
    for good, and the parent with it, waiting for the worker to exit (seen
    in a test that stops a build on two workers).  Between tasks a worker has
    nothing to discard, so there the signal keeps its default action and
    ends the process at once.

    Python drops an exception raised where it cannot propagate (a
    finalizer, a callback): a stop handled there would leave the worker
    rendering on with stops ignored, and then waiting for a task that never
    comes.  So a worker that was told to stop exits when its task ends,
    whatever became of the exception.
    """
    _told.clear()
    for stop in _STOPS:
        signal.signal(stop, _stop_worker)
    try:
        yield
    finally:
        for stop in _STOPS:
            signal.signal(stop, signal.SIG_DFL)
        if _told:
            raise SystemExit(128 + _told[0])


def _start_worker() -> None:
    """Each worker's first act: its own signal handling, then the signals it was born holding back."""
    if hasattr(signal, "SIGINT"):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the parent, and it stops us
    for stop in _STOPS:
        signal.signal(stop, signal.SIG_DFL)  # not the parent's handlers: see _stoppable
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPPING)


def _run(tasks: list[_Task], jobs: int | None) -> Generator[tuple[int, list[str]], None, None]:
    """``(task index, files written)`` as each animation finishes, over ``jobs`` processes.

    When every task is done, the workers are let go and exit on their own.
    When it stops early (an error, Ctrl-C, SIGTERM, or the generator closed),
    the workers are sent SIGTERM and waited for: each discards what it was
    writing, then exits without a traceback.
    """
    workers = min(jobs or os.cpu_count() or 1, len(tasks))
    if workers <= 1:
        for index, task in enumerate(tasks):
            yield index, _render(task)
        return
    import multiprocessing

    method = "fork" if os.name == "posix" else "spawn"
    if method == "fork":
        _import_renderers()  # once here, shared by the forked workers, not once in each
        # What the parent holds is only read by the workers: kept out of the
        # collector's sight, its pages stay shared instead of being copied into
        # each worker when a collection walks them.
        gc.freeze()
    context = multiprocessing.get_context(method)
    # Workers are born holding signals back until they have their own handlers.
    with blocked():
        pool = context.Pool(workers, initializer=_start_worker)
    finished = False
    try:
        yield from pool.imap_unordered(_render_indexed, enumerate(tasks))
        finished = True
    finally:
        if finished:
            _close(pool)
        else:
            pool.terminate()  # SIGTERM to each worker, then waits for them


def _close(pool: Any) -> None:
    """Let the workers of a finished build exit on their own, and wait for them.

    Not ``terminate``: a SIGTERM that reaches a worker just as it starts to
    wait for its next task is handled only when that wait ends, which it
    never does, and the build hung at its very end (now and then, when the
    last files were quick to check).
    """
    try:
        pool.close()
        pool.join()
    except BaseException:
        pool.terminate()
        raise
