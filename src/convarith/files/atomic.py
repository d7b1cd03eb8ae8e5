"""Writing output files safely: all at once or not at all.

Every backend's bytes and every encoder's stream are written through
:func:`atomic_output`, so an interrupted or failed render never leaves a
truncated GIF where a good one used to be.  :mod:`convarith.files.places`
refuses an impossible destination before any time is spent on rendering.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from convarith.core.errors import ConvArithError
from convarith.files.places import PathLike

__all__ = ["atomic_output"]


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
