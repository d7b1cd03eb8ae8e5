"""The one naming rule of frame files: ``NAME_00.png``, as wide as the largest number."""

from __future__ import annotations

import os

from convarith.core.errors import ConvArithError

__all__ = ["check_file_name", "frame_file_names"]


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


def check_file_name(name: object, parameter: str = "name") -> str:
    """Return ``name`` if it can be a file's name, else refuse it: never a path.

    A name with a separator would write outside the folder asked for, and
    ``.``/``..`` name folders, not files.

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
        raise ConvArithError(f"{parameter}={name!r} must be a string, a file name")
    if not name or name in (".", ".."):
        raise ConvArithError(f"{parameter}={name!r} must be a file name, not empty, '.' or '..'")
    for separator in ("/", os.sep, os.altsep):
        if separator and separator in name:
            raise ConvArithError(
                f"{parameter}={name!r} must be a file name, without {separator!r} (not a path)"
            )
    if "\x00" in name:
        raise ConvArithError(f"{parameter}={name!r} must be a file name, without NUL characters")
    return name
