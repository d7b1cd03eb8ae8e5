"""Where output may go: one rule for every file and folder convarith writes.

A place is writable when a file can be created in it.  The check creates and
removes a probe file, which is the only test that answers for permissions,
ACLs and read-only mounts alike (``os.access`` answers yes to root on a
read-only mount).  A folder of frames that does not exist yet is probed in
its nearest existing ancestor, since it will be created there.  Names too
long for the file system are refused here too, before any work, rather than
by the last rename of a finished render.  Nothing is left behind, and nothing
is created: a typo in a folder name is an error, not a new folder (a folder
of frames is the exception, made when it is written).

Every refusal is one line that names the parameter (``path=...``) or the
command-line option (``--out ...``) and its value, shown with :func:`repr` so
that a name with a newline in it still makes one line.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> check_file_place(folder / "out.gif").name
'out.gif'
>>> check_folder_place(folder / "frames").name
'frames'
>>> sorted(folder.iterdir())
[]
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from convarith.core.errors import ConvArithError
from convarith.files.names import NAME_MAX, shown, temporary_prefix
from convarith.files.signals import uninterrupted

__all__ = ["PATH_MAX", "PathLike", "check_file_place", "check_folder_place", "is_folder"]

PathLike = str | os.PathLike[str]

#: The longest path, in bytes, given to the system, with room left for the
#: temporary folder and frame name that a render adds below it.
PATH_MAX = 4096 - 512


def is_folder(path: PathLike) -> bool:
    """Whether ``path`` is an existing folder; False for any path the system cannot look at.

    >>> is_folder("/"), is_folder("x" * 300)
    (True, False)
    """
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def check_file_place(path: PathLike, parameter: str = "path") -> Path:
    """Return ``path`` as a :class:`~pathlib.Path` if a file can be written there.

    Parameters
    ----------
    path : str or path-like
        The file.
    parameter : str
        What the caller calls it, for the message: ``path`` or ``-o/--output``.

    Raises
    ------
    ConvArithError
        ``cannot write to PARAMETER PATH: REASON`` when ``path`` is a folder,
        its folder is missing, not a folder, or not writable, or a name in it
        is too long.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> try:
    ...     check_file_place(folder / "missing" / "out.gif")
    ... except ConvArithError as error:
    ...     print(str(error).endswith("missing' does not exist"))
    True
    """
    target = Path(path)
    label = _label(parameter, path)
    _check_lengths(target, label)
    if _kind(target, label) == "folder":
        raise ConvArithError(f"cannot write to {label}: it is a directory")
    parent = target.parent
    existing, kind = _nearest(parent, label)
    if kind != "folder":
        raise ConvArithError(f"cannot write to {label}: {_text(existing)!r} is not a folder")
    if existing != parent:
        raise ConvArithError(
            f"cannot write to {label}: the folder {_text(parent)!r} does not exist"
        )
    _probe(parent, label)
    return target


def check_folder_place(path: PathLike, parameter: str = "path") -> Path:
    """Return ``path`` as a :class:`~pathlib.Path` if a folder of files can be written there.

    The folder itself may be missing (it is created when written); its
    nearest existing ancestor must be a writable folder.

    Raises
    ------
    ConvArithError
        When ``path`` is a file, an ancestor is a file, the place is not
        writable, or a name in it is too long.
    """
    target = Path(path)
    label = _label(parameter, path)
    _check_lengths(target, label)
    kind = _kind(target, label)
    if kind not in (None, "folder"):
        raise ConvArithError(f"cannot write frames to {label}: it is a file, not a folder")
    existing, kind = _nearest(target, label)
    if kind != "folder":
        raise ConvArithError(f"cannot write to {label}: {_text(existing)!r} is not a folder")
    _probe(existing, label)
    return target


def _label(parameter: str, path: PathLike) -> str:
    try:
        return shown(parameter, os.fspath(path))
    except TypeError:
        raise ConvArithError(f"{shown(parameter, path)} must be a path") from None


def _text(path: Path) -> str:
    return os.fspath(path)


def _kind(path: Path, label: str) -> str | None:
    """``folder``, ``file`` (anything else that is there) or None when nothing is there."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    except ValueError:  # a NUL character
        raise ConvArithError(f"cannot write to {label}: a path has no NUL characters") from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise ConvArithError(f"cannot write to {label}: {_text(path)!r}: {reason}") from None
    return "folder" if stat.S_ISDIR(mode) else "file"


def _nearest(path: Path, label: str) -> tuple[Path, str | None]:
    """The nearest of ``path`` and its ancestors that is there, and what it is."""
    kind = _kind(path, label)
    while kind is None and path.parent != path:
        path = path.parent
        kind = _kind(path, label)
    return path, kind


def _check_lengths(path: Path, label: str) -> None:
    text = os.fsencode(_text(path))
    if len(text) > PATH_MAX:
        raise ConvArithError(
            f"cannot write to {label}: the path is {len(text)} bytes long, "
            f"more than the {PATH_MAX} a path may have"
        )
    limit = NAME_MAX
    existing = path
    while not is_folder(existing) and existing.parent != existing:
        existing = existing.parent
    with contextlib.suppress(OSError, ValueError, AttributeError):
        limit = min(limit, os.pathconf(existing, "PC_NAME_MAX"))
    for part in path.parts:
        size = len(os.fsencode(part))
        if size > limit:
            raise ConvArithError(
                f"cannot write to {label}: the name {part[:40] + '...'!r} is {size} bytes long, "
                f"more than the {limit} a file name may have"
            )


def _probe(folder: Path, label: str) -> None:
    # Created and removed with the stopping signals held back: never left behind.
    with uninterrupted():
        try:
            handle, probe = tempfile.mkstemp(
                dir=folder, prefix=temporary_prefix("convarith-probe"), suffix=".part"
            )
        except OSError as error:
            reason = error.strerror or str(error)
            raise ConvArithError(
                f"cannot write to {label}: {_text(folder)!r} is not writable ({reason})"
            ) from None
        os.close(handle)
        os.unlink(probe)
