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
    result = index, _render(task)
    if _told:
        # Told to stop, but the exception went where Python drops it (a
        # finalizer, a callback) and the task ran on: exit now rather than wait
        # for a task that will never come.
        raise SystemExit(128 + _told[0])
    return result


#: The signals that stop a worker (SIGINT is left to the parent, which then stops the workers).
_STOPS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))

#: The stops a worker was told (see :func:`_render_indexed`).
_told: list[int] = []


def _stop_worker(signum: int, frame: FrameType | None) -> None:
    """A worker told to stop: unwind (discarding what it half wrote), then exit quietly.

    An idle worker unwinds too: it waits for its next task holding the task
    queue's lock, and only unwinding lets the lock go (a worker that just
    died with it would leave the build waiting for it for good).
    """
    for stop in _STOPS:
        signal.signal(stop, signal.SIG_IGN)  # the clean-up is not itself interrupted
    _told.append(signum)
    raise SystemExit(128 + signum)  # a worker exits on SystemExit without a traceback


def _start_worker() -> None:
    """Each worker's first act: its own signal handling, then the signals it was born holding back."""
    if hasattr(signal, "SIGINT"):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the parent, and it stops us
    for stop in _STOPS:
        signal.signal(stop, _stop_worker)
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
            _terminate(pool)


#: How often a stopping build tells its workers again, in seconds.
_RETELL = 0.05


def _terminate(pool: Any) -> None:
    """Stop the workers (SIGTERM: each discards what it was writing) and wait for them.

    A Python signal handler runs when the interpreter gets control back.  A
    stop that reaches an idle worker just before it starts waiting for its
    next task is noted but not handled, and the worker waits on, for the
    task queue's lock that ``terminate`` takes and keeps: the build hung
    (seen now and then in a test that stops a two-worker build).  So while
    ``terminate`` runs, a thread tells every worker again every
    :data:`_RETELL` seconds: a signal that comes during the wait interrupts
    it, and the noted handler runs.  Workers ignore stops once they are
    unwinding, so telling again changes nothing else.
    """
    import threading
    from multiprocessing.connection import wait

    done = threading.Event()

    def retell() -> None:
        while not done.wait(_RETELL):
            # The Pool's processes (no public name), read afresh: it may have
            # replaced a worker that died before it was told to terminate.
            running = [w for w in list(pool._pool) if not wait([w.sentinel], 0)]
            if not running:
                return
            for worker in running:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(worker.pid, signal.SIGTERM)

    thread = threading.Thread(target=retell, name="convarith-stop", daemon=True)
    thread.start()
    try:
        pool.terminate()  # SIGTERM to each worker, then waits for them
    finally:
        done.set()
        thread.join()


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
