"""Numbered image files, one per frame: ``stem_00.png, stem_01.png, ...``.

:func:`tee_frame_files` writes each frame as it passes by, so a single
render can feed an animation encoder and a folder of frames at once::

    frames = render_frames(figure, mode="P")
    write_gif(tee_frame_files(frames, folder, "conv"), figure.durations, "conv.gif")

The frames are a set, written through :class:`~convarith.files.atomic.FrameSet`:
they go into a temporary folder and replace the previous render's
``stem_*.png`` as a whole once the last one is written.  A render that fails
or is interrupted before then leaves the previous frames as they were; a
new render leaves none of an older one's frames behind, and touches no
other file of the folder.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Sized
from pathlib import Path

from PIL import Image

from convarith.core.errors import ConvArithError
from convarith.files.atomic import FrameSet
from convarith.files.names import frame_file_names
from convarith.files.places import PathLike, check_file_place, is_folder

__all__ = ["FRAME_FORMATS", "PNG_LEVEL", "tee_frame_files", "write_frame_files"]

#: File suffix -> Pillow format for single frames.
FRAME_FORMATS = {".png": "PNG", ".gif": "GIF", ".webp": "WEBP"}
#: zlib level of PNG frames, with zlib's default strategy.  Measured on the
#: gallery's 358 palette frames (``bench/bench_gallery.py``) against the bar
#: of a tenth of the original's 67 MB (6.7 MB), aiming at 6.4 MB or less.
#: Levels alone, on a quiet machine: 1: 0.79 ms a frame, 6.78 MB; 2: 0.82 ms,
#: 6.42 MB; 3: 0.89 ms, 5.96 MB; 4: 1.12 ms, 5.54 MB; 6 (Pillow's default):
#: 1.69 ms, 4.93 MB.  With zlib's strategies (``compress_type``), the best
#: of 15 interleaved rounds on a busy machine (so all times are higher):
#:
#: =====  ===============  ===============  ===============  ===============
#: level  default (0)      filtered (1)     RLE (3)          fixed codes (4)
#: =====  ===============  ===============  ===============  ===============
#: 1      1.15 ms, 6.78 MB 1.29 ms, 6.78 MB 1.23 ms, 8.14 MB 1.36 ms, 7.62 MB
#: 2      1.22 ms, 6.42 MB 1.24 ms, 6.42 MB 1.24 ms, 8.14 MB 1.22 ms, 7.20 MB
#: 3      1.52 ms, 5.96 MB 1.42 ms, 5.96 MB 1.21 ms, 8.14 MB 1.39 ms, 6.64 MB
#: 4      2.33 ms, 5.54 MB 2.49 ms, 5.64 MB 1.19 ms, 8.14 MB 2.40 ms, 6.30 MB
#: 6      3.44 ms, 4.93 MB 3.30 ms, 5.03 MB 1.24 ms, 8.14 MB 3.20 ms, 5.49 MB
#: =====  ===============  ===============  ===============  ===============
#:
#: Huffman only (2): 3.09 ms, 18.35 MB; ``optimize`` (level 9): 24 ms,
#: 4.70 MB.  Pillow writes palette frames unfiltered (filter 0 on every
#: row), so "filtered" gives the same bytes as the default at levels 1 to 3
#: (the difference in time there is noise) and more bytes above; RLE and
#: fixed codes, which miss the repeats between rows or the fitted codes,
#: are no faster than levels 1 and 2 and much larger.  Level 3 is the
#: fastest at 6.4 MB or less (level 2 is 7 to 20 % faster but 6.42 MB);
#: below it, bytes grow faster than time falls.
PNG_LEVEL = 3


def tee_frame_files(
    frames: Iterable[Image.Image],
    directory: PathLike,
    stem: str,
    *,
    count: int | None = None,
    ext: str = ".png",
) -> Generator[Image.Image, None, None]:
    """Yield ``frames`` unchanged, writing each one to its numbered file first.

    The files appear together, replacing the previous ``{stem}_*{ext}``,
    when the last of ``count`` frames is written; closing the generator
    before then discards them.

    Parameters
    ----------
    frames
        The frames.  ``count`` may be left out when ``frames`` has a length
        (a list, or the stream of :func:`~convarith.backends.raster.render_frames`).
    directory
        An existing folder.
    stem
        File names are ``{stem}_{number}{ext}``.
    count
        How many frames there are: it sets the width of the numbers.
    ext
        ``.png`` (default), ``.gif`` or ``.webp``.

    Raises
    ------
    ConvArithError
        Before any frame is drawn, if the folder cannot be written, the
        suffix is unknown or the count is unknown; later, if there are more
        or fewer frames than ``count`` (fewer: nothing is written).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from PIL import Image
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> frames = [Image.new("RGB", (4, 4), c) for c in ("red", "blue")]
    >>> [f.size for f in tee_frame_files(frames, folder, "t")]
    [(4, 4), (4, 4)]
    >>> sorted(p.name for p in folder.iterdir())
    ['t_00.png', 't_01.png']
    """
    names, folder, image_format = _prepare(frames, directory, stem, count, ext)
    return _tee(frames, names, folder, image_format, stem, ext)


def _prepare(
    frames: Iterable[Image.Image], directory: PathLike, stem: str, count: int | None, ext: str
) -> tuple[list[str], Path, str]:
    image_format = FRAME_FORMATS.get(ext.lower())
    if image_format is None:
        raise ConvArithError(f"ext={ext!r} must be one of {', '.join(FRAME_FORMATS)}")
    if count is None:
        if not isinstance(frames, Sized):
            raise ConvArithError("count=None needs frames that know their length (or pass count)")
        count = len(frames)
    if count < 1:
        raise ConvArithError(f"count={count} must be at least 1")
    folder = Path(directory)
    if not is_folder(folder):
        raise ConvArithError(
            f"cannot write to directory={str(folder)!r}: it is not an existing folder"
        )
    names = frame_file_names(stem, count, ext)
    check_file_place(folder / names[-1], "directory")
    return names, folder, image_format


def _tee(
    frames: Iterable[Image.Image],
    names: list[str],
    folder: Path,
    image_format: str,
    stem: str,
    ext: str,
) -> Generator[Image.Image, None, None]:
    frame_set = FrameSet(folder, stem, ext)
    try:
        frame_set.open()
        written = 0
        for frame in frames:
            if written >= len(names):
                raise ConvArithError(f"frames: more frames than count={len(names)}")
            options = {"compress_level": PNG_LEVEL} if image_format == "PNG" else {}
            frame.save(frame_set.path / names[written], format=image_format, **options)
            written += 1
            if written == len(names):
                # The set is whole: swap it in before the last frame goes on, so
                # that it does not depend on how far the consumer reads.
                frame_set.commit()
            yield frame
        if written < len(names):
            raise ConvArithError(
                f"frames: {written} frames, fewer than count={len(names)}; nothing written"
            )
    finally:
        if not frame_set.done:
            frame_set.discard()


def write_frame_files(
    frames: Iterable[Image.Image],
    directory: PathLike,
    stem: str,
    *,
    count: int | None = None,
    ext: str = ".png",
) -> list[Path]:
    """Write each frame to ``directory/{stem}_{number}{ext}``; the set appears complete, as a whole.

    Takes the same arguments as :func:`tee_frame_files` and returns the
    paths written, in frame order.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from PIL import Image
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> [p.name for p in write_frame_files([Image.new("P", (4, 4))] * 3, folder, "f")]
    ['f_00.png', 'f_01.png', 'f_02.png']
    """
    names, folder, image_format = _prepare(frames, directory, stem, count, ext)
    for _ in _tee(frames, names, folder, image_format, stem, ext):
        pass
    return [folder / name for name in names]
