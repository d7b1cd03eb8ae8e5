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

PNG frames are written by :class:`~convarith.encoders.png.PngFrames`: the
rasterizer's palette frames are compressed only where they differ from
their static image, any other frame by Pillow at :data:`PNG_LEVEL`.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Sized
from pathlib import Path

from PIL import Image

from convarith.core.errors import ConvArithError
from convarith.encoders.png import PNG_LEVEL, PngFrames
from convarith.files.atomic import FrameSet
from convarith.files.names import frame_file_names
from convarith.files.places import PathLike, check_file_place, is_folder

__all__ = ["FRAME_FORMATS", "PNG_LEVEL", "tee_frame_files", "write_frame_files"]

#: File suffix -> Pillow format for single frames.
FRAME_FORMATS = {".png": "PNG", ".gif": "GIF", ".webp": "WEBP"}


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
    png = PngFrames() if image_format == "PNG" else None
    try:
        frame_set.open()
        written = 0
        for frame in frames:
            if written >= len(names):
                raise ConvArithError(f"frames: more frames than count={len(names)}")
            path = frame_set.path / names[written]
            if png is not None:
                png.write(frame, path)
            else:
                frame.save(path, format=image_format)
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
