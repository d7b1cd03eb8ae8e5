"""Writing output files safely: all at once or not at all.

Every encoder writes through :func:`atomic_output`, so an interrupted or
failed render never leaves a truncated GIF where a good one used to be, and
:func:`check_writable` lets a caller refuse an impossible destination before
spending any time on rendering.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

from convarith.core.errors import ConvArithError

__all__ = ["PathLike", "atomic_output", "check_writable", "frame_file_names"]

PathLike = str | os.PathLike[str]


def check_writable(path: PathLike) -> Path:
    """Return ``path`` as a :class:`~pathlib.Path` if a file can be written there.

    The check creates and removes a temporary file in the target directory,
    which is the only test that answers for read-only mounts, permissions and
    ACLs alike.  Missing parent directories are not created: a typo in a
    directory name should be an error, not a new folder.

    Raises
    ------
    ConvArithError
        ``cannot write to <path>: <reason>`` when the directory is missing,
        not a directory, not writable, or ``path`` names a directory.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = tempfile.mkdtemp()
    >>> check_writable(pathlib.Path(folder) / "out.gif").name
    'out.gif'
    >>> try:
    ...     check_writable(pathlib.Path(folder) / "missing" / "out.gif")
    ... except ConvArithError as error:
    ...     print(str(error).endswith("the folder does not exist"))
    True
    """
    target = Path(path)
    parent = target.parent
    if target.is_dir():
        raise ConvArithError(f"cannot write to {target}: it is a directory")
    if not parent.exists():
        raise ConvArithError(f"cannot write to {target}: the folder does not exist")
    if not parent.is_dir():
        raise ConvArithError(f"cannot write to {target}: {parent} is not a folder")
    try:
        handle, probe = tempfile.mkstemp(dir=parent, prefix=f".{target.name}.", suffix=".probe")
    except OSError as error:
        raise ConvArithError(f"cannot write to {target}: {error.strerror or error}") from None
    os.close(handle)
    os.unlink(probe)
    return target


@contextlib.contextmanager
def atomic_output(path: PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it onto ``path`` on success.

    The temporary file lives in the same directory (so the final
    :func:`os.replace` is atomic on every platform) and keeps the target's
    suffix (so tools that pick a format from the name, such as ffmpeg, still
    work).  On any exception, including :class:`KeyboardInterrupt`, the
    temporary file is removed and an existing target is left untouched.

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
    temporary = _create_unique(target)
    try:
        yield temporary
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise


def _create_unique(target: Path) -> Path:
    # Not tempfile.mkstemp: its files are private (0o600), and the result
    # should get the permissions any ordinary new file gets under the umask.
    for _ in range(100):
        candidate = target.with_name(f".{target.stem}.{secrets.token_hex(4)}.part{target.suffix}")
        try:
            os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        except OSError as error:
            raise ConvArithError(f"cannot write to {target}: {error.strerror or error}") from None
        return candidate
    raise ConvArithError(f"cannot write to {target}: no free temporary name beside it")


def frame_file_names(stem: str, count: int, ext: str = ".png") -> list[str]:
    """File names of ``count`` frames numbered from 0, zero-padded to the widest number (2 digits at least).

    Every writer of frame files (animations, folders, the gallery) names them
    with this one rule.

    Examples
    --------
    >>> frame_file_names("conv", 3)
    ['conv_00.png', 'conv_01.png', 'conv_02.png']
    >>> frame_file_names("conv", 100)[-1], frame_file_names("conv", 101)[-1]
    ('conv_99.png', 'conv_100.png')
    """
    digits = max(2, len(str(count - 1)))
    return [f"{stem}_{i:0{digits}d}{ext}" for i in range(count)]
