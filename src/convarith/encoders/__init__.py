"""Encoders: a stream of frames becomes an animation file or numbered frame files.

Every animation writer takes ``(frames, durations, path, *, loop=True)``,
reads the frames one at a time (none keeps more than the previous frame),
checks the destination before drawing anything, and writes atomically
through :func:`convarith.files.atomic.atomic_output`.

==========================  ============================================
:func:`write_gif`           GIF, one global palette, changed rectangles
:func:`write_apng`          animated PNG, changed rectangles
:func:`write_webp`          animated lossless WebP
:func:`write_mp4`           H.264 MP4 (needs ``convarith[mp4]``)
:func:`write_frame_files`   ``stem_00.png, stem_01.png, ...``
:func:`tee_frame_files`     the same, while passing the frames on
==========================  ============================================

Each writer lives in its own module, imported on first use.  Which writer a
path needs is decided once, by the format registry
(:mod:`convarith.formats.registry`), not here.
"""

from __future__ import annotations

from importlib import import_module

__all__ = [
    "require_ffmpeg",
    "tee_frame_files",
    "write_apng",
    "write_frame_files",
    "write_gif",
    "write_mp4",
    "write_webp",
]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: Public names served lazily: name -> module that defines it.
_LAZY = {
    "write_gif": "convarith.encoders.gif",
    "write_apng": "convarith.encoders.apng",
    "write_webp": "convarith.encoders.webp",
    "write_mp4": "convarith.encoders.mp4",
    "require_ffmpeg": "convarith.encoders.mp4",
    "write_frame_files": "convarith.encoders.frame_files",
    "tee_frame_files": "convarith.encoders.frame_files",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'convarith.encoders' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
