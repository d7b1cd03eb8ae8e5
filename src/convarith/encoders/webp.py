"""Animated lossless WebP through Pillow's libwebp binding.

Pillow's WebP writer takes the frames as images, but it accepts multi-frame
images among them and walks each one with ``seek(0)``, ``seek(1)``, ...; a
:class:`_FrameSequence` is such an image whose frames are drawn only when
sought.  So frames stream into libwebp's animation encoder, which keeps only
the compressed frames: memory grows with the file, not with the raw frames.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from PIL import Image, features

from convarith.core.errors import ConvArithError
from convarith.encoders._stream import check_size, counted, has_alpha
from convarith.figure.checks import check_durations
from convarith.files.atomic import atomic_output
from convarith.files.places import PathLike, check_file_place

__all__ = ["write_webp"]


class _FrameSequence(Image.Image):
    """A multi-frame image whose frames come, in order, from an iterator.

    Only forward seeking works (the frames are gone once passed); seeking
    back is ignored, which is what Pillow's writer does at the end to
    restore the frame it started from.
    """

    def __init__(self, frames: Iterator[Image.Image], count: int) -> None:
        super().__init__()
        self._frames = frames
        self._index = -1
        self.n_frames = count
        self.is_animated = count > 1
        self._size0: tuple[int, int] | None = None
        self.seek(0)

    def _become(self, frame: Image.Image) -> None:
        if self._size0 is None:
            self._size0 = frame.size
        check_size(frame, self._size0)
        # The WebP encoder wants RGB(A); a P frame would be converted anyway.
        mode = "RGBA" if has_alpha(frame) else "RGB"
        rgb = frame if frame.mode == mode else frame.convert(mode)
        self.im = rgb.im
        self._mode = rgb.mode
        self._size = rgb.size

    def seek(self, frame: int) -> None:
        """Move to frame ``frame``: the next one, or stay (earlier frames are gone)."""
        if frame <= self._index:
            return
        if frame != self._index + 1 or frame >= self.n_frames:
            raise EOFError(f"cannot seek to frame {frame} from frame {self._index}")
        self._become(next(self._frames))
        self._index = frame

    def tell(self) -> int:
        """Index of the current frame."""
        return self._index


def write_webp(
    frames: Iterable[Image.Image],
    durations: Sequence[int],
    path: PathLike,
    *,
    loop: bool = True,
    effort: int = 0,
) -> Path:
    """Write an animated, lossless WebP.

    Parameters
    ----------
    frames
        The frames, all of one size (any mode; they are encoded as RGB, or
        RGBA when they have transparency).
    durations
        Display time of each frame in ms.
    path
        The file to write; it appears only once complete.
    loop
        Repeat forever (default) or play once.
    effort
        libwebp's ``method``, 0 (fastest, the default) to 6 (smallest files).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ConvArithError
        If this Pillow has no WebP support, ``path`` cannot be written, a
        duration is not a whole number of ms >= 1, or there are not as many
        frames as durations.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from PIL import Image
    >>> frames = [Image.new("RGB", (8, 8), c) for c in ("red", "green")]
    >>> path = write_webp(frames, [100, 300], pathlib.Path(tempfile.mkdtemp()) / "a.webp")
    >>> Image.open(path).n_frames
    2
    """
    if not features.check("webp"):
        raise ConvArithError("WebP output needs Pillow built with libwebp")
    if isinstance(effort, bool) or effort not in range(7):
        raise ConvArithError(f"effort={effort!r} must be a whole number from 0 to 6")
    checked = check_durations(durations)
    target = check_file_place(path)
    with atomic_output(target) as temporary:
        stream = counted(frames, len(checked))
        sequence = _FrameSequence(stream, len(checked))
        sequence.save(
            temporary,
            format="WEBP",
            save_all=True,
            duration=checked,
            loop=0 if loop else 1,
            lossless=True,
            quality=round(effort * 100 / 6),  # in lossless mode: how hard to compress
            method=effort,
        )
        # Pillow stops at n_frames: pull once more so that surplus frames are reported.
        for _ in stream:
            pass
    return target
