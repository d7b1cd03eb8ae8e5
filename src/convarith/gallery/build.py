"""Render the gallery as the original's ``make all_animations`` did, on every core.

:func:`build_gallery` writes the animations of :mod:`convarith.gallery.catalogue`
into ``DIR/gif/NAME.gif``, ``DIR/png/NAME_NN.png`` and ``DIR/pdf/NAME_NN.pdf``
through the format registry, spreading the animations over the machine's
cores and skipping those whose files are already up to date (same
parameters, same convarith code; see :mod:`convarith.gallery.manifest`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from convarith.core.errors import ConvArithError
from convarith.files.places import check_folder_place
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
    from convarith.api.animation import animate
    from convarith.formats.save import write_outputs

    item, out, formats, scale = task
    root = Path(out)
    animation = animate(
        item.op,
        item.input_shape,
        view=item.view,
        numerical=item.numerical,
        name=item.name,
        **item.params,
    )
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
    check_folder_place(root)
    for fmt in chosen:
        (root / fmt).mkdir(parents=True, exist_ok=True)
    manifest_path = root / manifest.MANIFEST
    entries: dict[str, Any] = {} if force else manifest.load(manifest_path).get("entries", {})
    code = manifest.code_fingerprint()
    report = GalleryReport()
    by_item: dict[str, list[str]] = {}
    for item in items:
        for fmt in chosen:
            key = manifest.entry_key(code, item.key(), fmt, scale)
            if not manifest.is_current(entries.get(f"{item.name}:{fmt}"), key, root):
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
    for done, (index, files) in enumerate(_run(tasks, jobs), start=1):
        item, _, fmts, _ = tasks[index]
        report.written.append(item.name)
        for fmt in fmts:
            mine = [f for f in files if f.startswith(f"{fmt}/")]
            entries[f"{item.name}:{fmt}"] = {
                "key": manifest.entry_key(code, item.key(), fmt, scale),
                "files": {f: (root / f).stat().st_size for f in mine},
            }
        report.files += [root / f for f in files]
        if progress:
            progress(done, total, item.name)
    manifest.save(manifest_path, {"entries": entries})
    report.seconds = time.perf_counter() - start
    return report


def _frame_estimate(item: GalleryItem) -> int:
    """Roughly how long an animation takes to render, to schedule the longest first."""
    from convarith.core.arithmetic import output_shape

    shape = output_shape(item.op, item.input_shape, **item.params)
    frames = int(shape[0] * (shape[1] if len(shape) > 1 else 1))
    # Explanatory views draw several panels per frame.
    return frames * (1 if item.view in ("arithmetic", "numerical") else 3)


def _render_indexed(job: tuple[int, _Task]) -> tuple[int, list[str]]:
    index, task = job
    return index, _render(task)


def _run(tasks: list[_Task], jobs: int | None) -> Iterator[tuple[int, list[str]]]:
    """``(task index, files written)`` as each animation finishes, over ``jobs`` processes."""
    workers = min(jobs or os.cpu_count() or 1, len(tasks))
    if workers <= 1:
        for index, task in enumerate(tasks):
            yield index, _render(task)
        return
    import multiprocessing

    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with context.Pool(workers) as pool:
        yield from pool.imap_unordered(_render_indexed, enumerate(tasks))
