"""The original guide's animations, rendered as its ``make all_animations`` did.

:data:`ORIGINAL` lists the 19 animations of Dumoulin & Visin's guide with their
names and parameters; :func:`build_gallery` writes them into
``DIR/gif/NAME.gif``, ``DIR/png/NAME_NN.png`` and ``DIR/pdf/NAME_NN.pdf``,
spreading the animations over the machine's cores and skipping those whose
files are already up to date (same parameters, same convarith code).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from convarith.core.errors import ConvArithError

__all__ = ["ALL", "EXTRAS", "FORMATS", "ORIGINAL", "GalleryItem", "GalleryReport", "build_gallery"]

FORMATS = ("gif", "png", "pdf")
_MANIFEST = ".convarith-gallery.json"


@dataclass(frozen=True)
class GalleryItem:
    """One animation of the gallery: a name and what :func:`convarith.animate` needs."""

    name: str
    op: str
    input_shape: tuple[int, ...]
    params: dict[str, Any] = field(default_factory=dict)
    view: str = "arithmetic"
    numerical: bool = False
    group: str = "original"

    def key(self) -> str:
        """What the animation depends on, for the up-to-date check."""
        return json.dumps(
            [self.name, self.op, self.input_shape, self.params, self.view, self.numerical],
            sort_keys=True,
        )


def _direct_and_transposed(
    name: str, i: int, k: int, s: int, p: int, d: int = 1
) -> list[GalleryItem]:
    """A convolution of the guide and, when it has one, its transposed twin."""
    from convarith.core.analysis import restoring_output_padding
    from convarith.core.arithmetic import output_shape

    direct = GalleryItem(
        name, "conv", (i, i), {"kernel_size": k, "stride": s, "padding": p, "dilation": d}
    )
    if d > 1:
        return [direct]
    o = output_shape("conv", (i, i), kernel_size=k, stride=s, padding=p)[0]
    a = restoring_output_padding((i, i), kernel_size=k, stride=s, padding=p)[0]
    params: dict[str, Any] = {"kernel_size": k, "stride": s, "padding": p}
    if a:
        params["output_padding"] = a
    return [direct, GalleryItem(f"{name}_transposed", "conv_transpose", (o, o), params)]


def _original() -> tuple[GalleryItem, ...]:
    items: list[GalleryItem] = []
    for name, i, k, s, p, d in (
        ("no_padding_no_strides", 4, 3, 1, 0, 1),
        ("arbitrary_padding_no_strides", 5, 4, 1, 2, 1),
        ("same_padding_no_strides", 5, 3, 1, 1, 1),
        ("full_padding_no_strides", 5, 3, 1, 2, 1),
        ("no_padding_strides", 5, 3, 2, 0, 1),
        ("padding_strides", 5, 3, 2, 1, 1),
        ("padding_strides_odd", 6, 3, 2, 1, 1),
        ("dilation", 7, 3, 1, 0, 2),
    ):
        items += _direct_and_transposed(name, i, k, s, p, d)
    items += [
        GalleryItem(
            "numerical_no_padding_no_strides", "conv", (5, 5), {"kernel_size": 3}, "numerical"
        ),
        GalleryItem(
            "numerical_padding_strides",
            "conv",
            (5, 5),
            {"kernel_size": 3, "stride": 2, "padding": 1},
            "numerical",
        ),
        GalleryItem(
            "numerical_average_pooling",
            "avg_pool",
            (5, 5),
            {"kernel_size": 3, "stride": 1},
            "numerical",
        ),
        GalleryItem(
            "numerical_max_pooling",
            "max_pool",
            (5, 5),
            {"kernel_size": 3, "stride": 1},
            "numerical",
        ),
    ]
    return tuple(items)


#: The 19 animations of the original guide, under their original names.
ORIGINAL: tuple[GalleryItem, ...] = _original()


def _extras() -> tuple[GalleryItem, ...]:
    def item(
        name: str, op: str, size: int, view: str, numerical: bool = False, **params: Any
    ) -> GalleryItem:
        return GalleryItem(
            name, op, (size, size), {"kernel_size": 3, **params}, view, numerical, "extra"
        )

    t = "conv_transpose"
    return (
        item("numerical_no_padding_no_strides_transposed", t, 3, "numerical"),
        item("numerical_padding_strides_transposed", t, 3, "numerical", stride=2, padding=1),
        item("scatter_no_padding_no_strides", t, 3, "scatter"),
        item("scatter_padding_strides", t, 3, "scatter", stride=2, padding=1),
        item("scatter_dilation", t, 3, "scatter", dilation=2),
        item("matrix_no_padding_no_strides", "conv", 4, "matrix"),
        item("matrix_no_padding_no_strides_transposed", t, 2, "matrix"),
        item("matrix_padding_strides", "conv", 5, "matrix", True, stride=2, padding=1),
        item("matrix_padding_strides_transposed", t, 3, "matrix", True, stride=2, padding=1),
        item("gather_scatter_no_padding_no_strides", t, 2, "compare"),
        item("gather_scatter_padding_strides", t, 3, "compare", stride=2, padding=1),
    )


#: Views that explain transposed convolution (scatter, matrix, gather beside scatter).
EXTRAS: tuple[GalleryItem, ...] = _extras()
#: Everything ``convarith gallery`` renders by default.
ALL: tuple[GalleryItem, ...] = ORIGINAL + EXTRAS


@dataclass
class GalleryReport:
    """What :func:`build_gallery` did."""

    written: list[str] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def _fingerprint() -> str:
    """A hash of convarith's code and fonts: outputs made by other code are rebuilt."""
    root = Path(__file__).resolve().parent.parent  # the whole package
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".ttf", ".json") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _files(item: GalleryItem, frames: int, formats: Sequence[str]) -> list[str]:
    from convarith.files.atomic import frame_file_names

    names: list[str] = []
    if "gif" in formats:
        names.append(f"gif/{item.name}.gif")
    for fmt in ("png", "pdf"):
        if fmt in formats:
            names += [f"{fmt}/{name}" for name in frame_file_names(item.name, frames, f".{fmt}")]
    return names


def _render(task: tuple[GalleryItem, str, tuple[str, ...], float]) -> list[str]:
    """Render one animation into every requested format (runs in a worker process)."""
    from convarith.api.animation import animate

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
    figure = animation.figure
    written: list[str] = []
    if "gif" in formats or "png" in formats:
        from convarith.backends.raster import render_frames
        from convarith.encoders import tee_frame_files, write_frame_files, write_gif

        frames = render_frames(figure, scale=scale, mode="P")
        if "gif" in formats:
            if "png" in formats:
                frames = tee_frame_files(frames, root / "png", item.name)
            write_gif(frames, figure.durations, root / "gif" / f"{item.name}.gif", loop=figure.loop)
        else:
            write_frame_files(frames, root / "png", item.name)
    if "pdf" in formats:
        from convarith.backends.pdf import pdf_document
        from convarith.files.atomic import atomic_output

        for index, name in enumerate(_files(item, figure.frame_count, ("pdf",))):
            with atomic_output(root / name) as temporary:
                Path(temporary).write_bytes(pdf_document(figure, [index], scale=scale))
    written += _files(item, figure.frame_count, formats)
    return written


def _load_manifest(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _current(entry: dict[str, Any] | None, key: str, root: Path) -> bool:
    """Whether a manifest entry matches ``key`` and its files are all there, unchanged."""
    if not entry or entry.get("key") != key:
        return False
    for name, size in entry.get("files", {}).items():
        try:
            if (root / name).stat().st_size != size:
                return False
        except OSError:
            return False
    return True


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
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    for fmt in chosen:
        if fmt not in FORMATS:
            raise ConvArithError(f"format {fmt!r} must be one of {', '.join(FORMATS)}")
    if not chosen:
        raise ConvArithError("formats is empty: give some of gif, png, pdf")
    root = Path(out)
    from convarith.formats.save import check_target

    check_target(str(root) + os.sep)
    for fmt in chosen:
        (root / fmt).mkdir(parents=True, exist_ok=True)
    manifest_path = root / _MANIFEST
    manifest = _load_manifest(manifest_path)
    entries: dict[str, Any] = manifest.get("entries", {}) if not force else {}
    code = _fingerprint()
    report = GalleryReport()
    todo: list[tuple[GalleryItem, str]] = []
    for item in items:
        for fmt in chosen:
            key = hashlib.sha256(f"{code}|{item.key()}|{fmt}|{scale}".encode()).hexdigest()
            if _current(entries.get(f"{item.name}:{fmt}"), key, root):
                continue
            todo.append((item, fmt))
    by_item: dict[str, list[str]] = {}
    for item, fmt in todo:
        by_item.setdefault(item.name, []).append(fmt)
    tasks = [
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
            key = hashlib.sha256(f"{code}|{item.key()}|{fmt}|{scale}".encode()).hexdigest()
            mine = [f for f in files if f.startswith(f"{fmt}/")]
            entries[f"{item.name}:{fmt}"] = {
                "key": key,
                "files": {f: (root / f).stat().st_size for f in mine},
            }
        report.files += [root / f for f in files]
        if progress:
            progress(done, total, item.name)
    _write_manifest(manifest_path, {"entries": entries})
    report.seconds = time.perf_counter() - start
    return report


def _frame_estimate(item: GalleryItem) -> int:
    """Roughly how long an animation takes to render, to schedule the longest first."""
    from convarith.core.arithmetic import output_shape

    shape = output_shape(item.op, item.input_shape, **item.params)
    frames = int(shape[0] * (shape[1] if len(shape) > 1 else 1))
    # Explanatory views draw several panels per frame.
    return frames * (1 if item.view in ("arithmetic", "numerical") else 3)


def _render_indexed(
    job: tuple[int, tuple[GalleryItem, str, tuple[str, ...], float]],
) -> tuple[int, list[str]]:
    index, task = job
    return index, _render(task)


def _run(
    tasks: list[tuple[GalleryItem, str, tuple[str, ...], float]], jobs: int | None
) -> Iterator[tuple[int, list[str]]]:
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


def _write_manifest(path: Path, data: dict[str, Any]) -> None:
    from convarith.files.atomic import atomic_output

    with atomic_output(path) as temporary:
        Path(temporary).write_text(json.dumps(data, indent=1, sort_keys=True))
