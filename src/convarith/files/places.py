"""Where output may go: one rule for every file and folder convarith writes.

A place is writable when a file can be created in it.  The check creates and
removes a probe file, which is the only test that answers for permissions,
ACLs and read-only mounts alike (``os.access`` answers yes to root on a
read-only mount).  A folder of frames that does not exist yet is probed in
its nearest existing ancestor, since it will be created there.  Nothing is
left behind, and nothing is created: a typo in a folder name is an error, not
a new folder (a folder of frames is the exception, made when it is written).

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

import os
import tempfile
from pathlib import Path

from convarith.core.errors import ConvArithError

__all__ = ["PathLike", "check_file_place", "check_folder_place"]

PathLike = str | os.PathLike[str]


def check_file_place(path: PathLike) -> Path:
    """Return ``path`` as a :class:`~pathlib.Path` if a file can be written there.

    Raises
    ------
    ConvArithError
        ``cannot write to PATH: REASON`` when ``path`` is a folder, or its
        folder is missing, not a folder, or not writable.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> try:
    ...     check_file_place(folder / "missing" / "out.gif")
    ... except ConvArithError as error:
    ...     print(str(error).endswith("missing does not exist"))
    True
    """
    target = Path(path)
    shown = os.fspath(path)
    if target.is_dir():
        raise ConvArithError(f"cannot write to {shown}: it is a directory")
    parent = target.parent
    if not parent.exists():
        raise ConvArithError(f"cannot write to {shown}: the folder {parent} does not exist")
    if not parent.is_dir():
        raise ConvArithError(f"cannot write to {shown}: {parent} is not a folder")
    _probe(parent, shown)
    return target


def check_folder_place(path: PathLike) -> Path:
    """Return ``path`` as a :class:`~pathlib.Path` if a folder of files can be written there.

    The folder itself may be missing (it is created when written); its
    nearest existing ancestor must be a writable folder.

    Raises
    ------
    ConvArithError
        When ``path`` is a file, an ancestor is a file, or the place is not
        writable.
    """
    target = Path(path)
    shown = os.fspath(path)
    if target.exists() and not target.is_dir():
        raise ConvArithError(f"cannot write frames to {shown}: it is a file, not a folder")
    existing = target
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        raise ConvArithError(f"cannot write to {shown}: {existing} is not a folder")
    _probe(existing, shown)
    return target


def _probe(folder: Path, shown: str) -> None:
    try:
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".convarith-", suffix=".probe")
    except OSError as error:
        reason = error.strerror or str(error)
        raise ConvArithError(
            f"cannot write to {shown}: {folder} is not writable ({reason})"
        ) from None
    os.close(handle)
    os.unlink(probe)
