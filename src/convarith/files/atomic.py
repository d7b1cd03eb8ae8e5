"""Writing output files safely: all at once or not at all, a file or a whole set of frames.

Every backend's bytes and every encoder's stream are written through
:func:`atomic_output`, so an interrupted or failed render never leaves a
truncated GIF where a good one used to be.  A render's frames
(``NAME_00.png`` ...) are written through a :class:`FrameSet`: into a
temporary folder, then swapped in as a whole, under a lock, replacing every
frame of the previous render of ``NAME`` and nothing else.
:mod:`convarith.files.places` refuses an impossible destination before any
time is spent on rendering.

A temporary carries its writer's process id in its name
(:mod:`convarith.files.names`).  A process killed outright (SIGKILL) cannot
clean up; the next write into the same folder removes what it left, and
never the temporary of a writer that still runs.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with FrameSet(folder, "f", ".txt") as frames:
...     for n in range(3):
...         _ = (frames.path / f"f_{n:02d}.txt").write_text(str(n))
>>> with FrameSet(folder, "f", ".txt") as frames:
...     _ = (frames.path / "f_00.txt").write_text("new")
>>> sorted(p.name for p in folder.iterdir())
['f_00.txt']
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from convarith.core.errors import ConvArithError
from convarith.files.names import (
    frame_set_pattern,
    shown,
    temporary_name,
    temporary_prefix,
    temporary_writer,
)
from convarith.files.places import PathLike
from convarith.files.signals import uninterrupted

__all__ = [
    "FrameSet",
    "atomic_output",
    "making_folder",
    "remove_stale",
    "writer_is_running",
]


def writer_is_running(pid: int) -> bool:
    """Whether process ``pid`` still runs (this one does; when in doubt, yes).

    >>> writer_is_running(os.getpid())
    True
    """
    if pid == os.getpid():
        return True
    if os.name != "posix" or pid <= 0:
        return True  # os.kill(pid, 0) only asks on POSIX
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it runs, as another user
    return True


def remove_stale(folder: PathLike) -> list[Path]:
    """Remove the temporaries that killed runs left in ``folder``; return what was removed.

    Only convarith's temporaries of this host are considered, and only those
    whose writer no longer runs: a live writer's are never touched.  Best
    effort: what cannot be removed stays.

    >>> import tempfile, pathlib
    >>> remove_stale(pathlib.Path(tempfile.mkdtemp()))
    []
    """
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        if not entry.name.startswith(".") or ".part" not in entry.name:
            continue
        pid = temporary_writer(entry.name)
        if pid is None or writer_is_running(pid):
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:
            continue
        removed.append(path)
    return removed


@contextlib.contextmanager
def atomic_output(path: PathLike, parameter: str = "path") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it onto ``path`` on success.

    The temporary file lives in the same directory (so the final
    :func:`os.replace` is atomic on every platform) and keeps the target's
    suffix (so tools that pick a format from the name, such as ffmpeg, still
    work).  On any exception, including :class:`KeyboardInterrupt`, the
    temporary file is removed and an existing target is left untouched.
    Leftovers of killed runs beside ``path`` are removed first.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "frame.txt"
    >>> with atomic_output(target) as temporary:
    ...     _ = temporary.write_text("done")
    >>> target.read_text()
    'done'
    """
    target = Path(path)
    remove_stale(target.parent)
    temporary: Path | None = None
    try:
        with uninterrupted():  # made and recorded at once: a stop finds it, and removes it
            temporary = _create_unique(target, parameter)
        yield temporary
        os.replace(temporary, target)
    except BaseException:
        if temporary is not None:
            # A stop that comes while this one unwinds must not cut the clean-up short.
            with uninterrupted(), contextlib.suppress(FileNotFoundError):
                temporary.unlink()
        raise


def _create_unique(target: Path, parameter: str) -> Path:
    # Not tempfile.mkstemp: its files are private (0o600), and the result
    # should get the permissions any ordinary new file gets under the umask.
    for _ in range(100):
        candidate = target.with_name(
            temporary_name(target.stem, secrets.token_hex(4), target.suffix)
        )
        try:
            os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        except OSError as error:
            raise ConvArithError(
                f"cannot write to {shown(parameter, os.fspath(target))}: {error.strerror or error}"
            ) from None
        return candidate
    raise ConvArithError(
        f"cannot write to {shown(parameter, os.fspath(target))}: no free temporary name beside it"
    )


class FrameSet:
    """A render's frame files ``STEM_NN.EXT``, written aside and then swapped in as a whole.

    Write the frames, under their final names, into :attr:`path` (a hidden
    temporary folder inside ``folder``).  :meth:`commit` then moves them into
    ``folder`` and removes the previous render's frames of the same stem that
    the new set does not have (an older render of 100 frames, a new one of 9:
    the other 91 go); no other file of the folder is touched.  The swap holds
    a lock on the folder, so that two writers of the same stem never mix
    their frames, and holds back SIGINT and SIGTERM until it is done.

    Used as a context manager, the set is committed when the block ends
    normally and discarded on any exception: the previous frames stay as they
    were.  ``folder`` must exist; leftovers of killed runs in it are removed.
    """

    def __init__(self, folder: PathLike, stem: str, ext: str) -> None:
        self.folder = Path(folder)
        self.stem = stem
        self.ext = ext
        self._path: Path | None = None
        self.done = False

    def open(self) -> Path:
        """Make the temporary folder (once), and return it."""
        if self._path is None:
            remove_stale(self.folder)
            # Made and recorded with the stopping signals held back: a stop
            # that comes now finds it recorded, and discards it.
            with uninterrupted():
                self._path = Path(
                    tempfile.mkdtemp(
                        dir=self.folder, prefix=temporary_prefix(self.stem), suffix=".part"
                    )
                )
        return self._path

    @property
    def path(self) -> Path:
        """The temporary folder to write the frames in, under their final names."""
        return self.open()

    def __enter__(self) -> FrameSet:
        try:
            self.open()
        except BaseException:  # a stop held back while it was made: __exit__ will not run
            self.discard()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.done:
            return
        if kind is None:
            self.commit()
        else:
            self.discard()

    def commit(self) -> list[Path]:
        """Swap the new frames in for the previous set; return the new frames' paths."""
        if self.done:
            raise ConvArithError("this set of frames is already committed or discarded")
        pattern = frame_set_pattern(self.stem, self.ext)
        new = sorted(name for name in os.listdir(self.path) if pattern.fullmatch(name))
        try:
            if not new:
                raise ConvArithError(
                    f"no frames {self.stem}_NN{self.ext} were written: the previous ones stay"
                )
            with _folder_lock(self.folder), uninterrupted():
                for name in new:
                    if (self.folder / name).is_dir():
                        raise ConvArithError(
                            f"cannot write frames to {shown('folder', os.fspath(self.folder))}: "
                            f"{name} is a folder"
                        )
                old = [
                    entry.name
                    for entry in os.scandir(self.folder)
                    if pattern.fullmatch(entry.name)
                    and entry.name not in new
                    and not entry.is_dir(follow_symlinks=False)
                ]
                for name in new:
                    os.replace(self.path / name, self.folder / name)
                for name in old:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(self.folder / name)
        finally:
            self.discard()
        return [self.folder / name for name in new]

    def discard(self) -> None:
        """Remove the temporary folder and whatever is in it; the previous frames stay."""
        self.done = True
        if self._path is not None:
            # Often run while a stop unwinds: a second one must not leave half the folder.
            with uninterrupted():
                shutil.rmtree(self._path, ignore_errors=True)


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder`` itself (so no lock file is left in it), where there are locks."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        with contextlib.suppress(OSError):  # a file system without locks: the swap still happens
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # and with it the lock


@contextlib.contextmanager
def making_folder(path: PathLike) -> Iterator[Path]:
    """Create the folder ``path`` (and missing parents) for a write; remove them if the write fails.

    On any exception the folders created here are removed again when they
    are empty, so that a failed or interrupted render leaves no empty folder
    behind; a folder that was already there stays.

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> try:
    ...     with making_folder(root / "a" / "b"):
    ...         raise KeyboardInterrupt
    ... except KeyboardInterrupt:
    ...     pass
    >>> list(root.iterdir())
    []
    """
    folder = Path(path)
    missing = []
    existing = folder
    while not existing.exists() and existing.parent != existing:
        missing.append(existing)
        existing = existing.parent
    created: list[Path] = []
    try:
        for step in reversed(missing):
            try:
                step.mkdir()
            except FileExistsError:
                if not step.is_dir():
                    raise
                continue
            created.append(step)
        yield folder
    except BaseException:
        with uninterrupted():  # not cut short by a second stop
            for step in reversed(created):
                with contextlib.suppress(OSError):
                    step.rmdir()
        raise
