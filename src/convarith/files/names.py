"""The naming rules of the files convarith writes: frame files, and the temporaries they are made in.

Frame files are ``NAME_00.png``, as wide as the largest number; a render's
set is every ``NAME_<digits>.ext`` of a folder.  A temporary file or folder
is a hidden ``.NAME.<host>-<pid>-<token>.part[.ext]`` beside its target: the
writer's host and process id are in its name, so that the next run can tell
the leftovers of a killed run (its process is gone) from a live writer's.
"""

from __future__ import annotations

import functools
import os
import re

from convarith.core.errors import ConvArithError

__all__ = [
    "NAME_MAX",
    "check_file_name",
    "frame_file_names",
    "frame_set_pattern",
    "shown",
    "temporary_name",
    "temporary_prefix",
    "temporary_writer",
]

#: The longest file name, in bytes, on the file systems convarith writes to.
NAME_MAX = 255
#: Room a frame file's name needs beyond its stem: ``_`` and the widest number
#: (frames are at most 20,000: 5 digits) and the longest extension (``.png``).
_FRAME_SUFFIX_BYTES = 1 + 5 + 4
#: The part of a target's stem kept in its temporary's name.
_TEMPORARY_STEM_BYTES = 96


def shown(parameter: str, value: object) -> str:
    r"""How a message names a value: ``path='a.gif'`` (a parameter), ``--out 'dir'`` (an option).

    The value is shown with :func:`repr`, so that a path with a newline in
    it still makes a message of one line.

    >>> print(shown("path", "a.gif"), shown("-o/--output", "x\ny.gif"), sep="; ")
    path='a.gif'; -o/--output 'x\ny.gif'
    """
    text = os.fspath(value) if isinstance(value, os.PathLike) else value
    return f"{parameter} {text!r}" if parameter.startswith("-") else f"{parameter}={text!r}"


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


def frame_set_pattern(stem: str, ext: str = ".png") -> re.Pattern[str]:
    """What the names of a render's frames look like, whatever their number: one set per stem.

    A new render of ``stem`` replaces every file of this pattern, and no
    other file: ``conv2_00.png`` belongs to another set.

    >>> pattern = frame_set_pattern("conv")
    >>> [bool(pattern.fullmatch(n)) for n in ("conv_07.png", "conv_100.png", "conv2_00.png", "conv_1.png")]
    [True, True, False, False]
    """
    return re.compile(re.escape(stem) + r"_[0-9]{2,}" + re.escape(ext))


def check_file_name(name: object, parameter: str = "name") -> str:
    """Return ``name`` if it can be a file's name, else refuse it: never a path, never too long.

    A name with a separator would write outside the folder asked for, and
    ``.``/``..`` name folders, not files.  The name is the stem of frame
    files, so it leaves room in a file name (255 bytes) for ``_NNNNN.png``.

    Examples
    --------
    >>> check_file_name("conv_5x5")
    'conv_5x5'
    >>> try:
    ...     check_file_name("../x")
    ... except ConvArithError as error:
    ...     print(error)
    name='../x' must be a file name, without '/' (not a path)
    """
    if not isinstance(name, str):
        raise ConvArithError(f"{shown(parameter, name)} must be a string, a file name")
    if not name or name in (".", ".."):
        raise ConvArithError(
            f"{shown(parameter, name)} must be a file name, not empty, '.' or '..'"
        )
    for separator in ("/", os.sep, os.altsep):
        if separator and separator in name:
            raise ConvArithError(
                f"{shown(parameter, name)} must be a file name, without {separator!r} (not a path)"
            )
    if "\x00" in name:
        raise ConvArithError(
            f"{shown(parameter, name)} must be a file name, without NUL characters"
        )
    size = len(os.fsencode(name))
    if size > NAME_MAX - _FRAME_SUFFIX_BYTES:
        raise ConvArithError(
            f"{shown(parameter, name[:40] + '...')} is {size} bytes long: a name must be at most "
            f"{NAME_MAX - _FRAME_SUFFIX_BYTES} bytes, to leave room for _NNNNN.png in a file name"
        )
    return name


@functools.cache
def _host() -> str:
    import zlib

    node = os.uname().nodename if hasattr(os, "uname") else os.environ.get("COMPUTERNAME", "")
    return f"{zlib.crc32(node.encode()):08x}"


def temporary_prefix(stem: str) -> str:
    """The start of this process's temporary names for ``stem``: ``.STEM.HOST-PID-``.

    >>> temporary_prefix("a").startswith(".a.") and temporary_prefix("a").endswith(f"-{os.getpid()}-")
    True
    """
    cut = os.fsdecode(os.fsencode(stem)[:_TEMPORARY_STEM_BYTES])
    return f".{cut}.{_host()}-{os.getpid()}-"


def temporary_name(stem: str, token: str, suffix: str = "") -> str:
    """The name of a temporary file (with its target's ``suffix``) or folder of frames.

    Its stem is cut short, so that a target whose name is as long as a file
    name may be still has a temporary that is one.

    >>> name = temporary_name("conv", "0a1b2c3d", ".gif")
    >>> name.startswith(".conv.") and name.endswith("-0a1b2c3d.part.gif")
    True
    >>> len(temporary_name("x" * 250, "0a1b2c3d", ".gif")) < 255
    True
    """
    return f"{temporary_prefix(stem)}{token}.part{suffix}"


#: A temporary's name (compiled on first use: the command line imports this module).
_TEMPORARY = (
    r"\.(?P<stem>.*)\.(?P<host>[0-9a-f]{8})-(?P<pid>[0-9]{1,10})-[0-9a-z_]{8}\.part(?:\.[^./]*)?"
)


def temporary_writer(name: str) -> int | None:
    """The process id of the writer of a temporary file or folder of this host, else None.

    None for any other name, and for a temporary of another host (whose
    process cannot be asked whether it still runs).

    >>> temporary_writer(temporary_name("conv", "0a1b2c3d", ".gif")) == os.getpid()
    True
    >>> temporary_writer("conv.gif") is None, temporary_writer(".conv.gif") is None
    (True, True)
    """
    match = re.fullmatch(_TEMPORARY, name, re.DOTALL)
    if match is None or match["host"] != _host():
        return None
    return int(match["pid"])
