"""The one naming rule of frame files: ``NAME_00.png``, as wide as the largest number."""

from __future__ import annotations

__all__ = ["frame_file_names"]


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
