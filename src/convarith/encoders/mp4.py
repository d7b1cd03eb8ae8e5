"""H.264 MP4 through the ffmpeg that the optional ``imageio-ffmpeg`` package ships.

MP4 has no per-frame durations, so the video runs at one constant frame rate
and each frame is repeated as often as its duration asks: the rate is
1000 / gcd(durations) frames per second when that is at most
:data:`MAX_FPS` (1 fps for the guide's 1-second frames), else
:data:`MAX_FPS` with durations rounded to whole frames.  Frames are piped to
ffmpeg as raw RGB; odd sizes are padded to even ones (which yuv420p needs)
with the colour of the frame's bottom-right pixel, the figure's background.
"""

from __future__ import annotations

import contextlib
import math
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import IO

from PIL import Image

from convarith.core.errors import ConvArithError
from convarith.encoders._stream import check_size, counted, has_alpha
from convarith.figure.checks import check_durations
from convarith.figure.primitives import Figure
from convarith.files.atomic import atomic_output
from convarith.files.places import PathLike, check_file_place

__all__ = [
    "MAX_FPS",
    "check_opaque",
    "frame_repeats",
    "install_hint",
    "require_ffmpeg",
    "write_mp4",
]

#: Highest frame rate used to honour durations that share no larger step.
MAX_FPS = 50
_TRANSPARENT = (
    "background=None (transparent) cannot be written to MP4: H.264 video has no "
    "transparency; give a background colour, or write GIF, WebP, APNG, PNG or SVG"
)


def _source_checkout() -> Path | None:
    """The folder of the source checkout convarith runs from, or None if it was installed from an index.

    An install from a local folder (``pip install -e .`` or ``pip install .``)
    records that folder in ``direct_url.json``; a package imported straight
    from a checkout (``PYTHONPATH=src``) sits in a folder with the project's
    ``pyproject.toml``.
    """
    import json
    from importlib import metadata
    from urllib.parse import unquote, urlparse

    try:
        text = metadata.distribution("convarith").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        text = None
    if text:
        try:
            url = json.loads(text).get("url", "")
        except ValueError:
            url = ""
        parsed = urlparse(url)
        if parsed.scheme == "file":
            folder = Path(unquote(parsed.path))
            if (folder / "pyproject.toml").is_file():
                return folder
    package = Path(__file__).resolve().parent.parent
    for folder in (package.parent, package.parent.parent):
        project = folder / "pyproject.toml"
        if project.is_file() and 'name = "convarith"' in project.read_text(errors="replace"):
            return folder
    return None


def install_hint() -> str:
    """How to install the MP4 extra, for where this convarith came from.

    From a package index: ``pip install 'convarith[mp4]'``; from a source
    checkout: ``pip install '.[mp4]'`` in that folder.

    >>> install_hint().startswith("MP4 output needs the optional extra: pip install '")
    True
    """
    folder = _source_checkout()
    if folder is None:
        return "MP4 output needs the optional extra: pip install 'convarith[mp4]'"
    return (
        "MP4 output needs the optional extra: pip install '.[mp4]' in the source "
        f"checkout convarith runs from ({folder})"
    )


def check_opaque(figure: Figure) -> None:
    """Raise unless ``figure`` has a background (MP4 has no transparency).

    Call it before drawing anything.

    >>> from convarith.figure.primitives import Figure
    >>> check_opaque(Figure(4, 4, (), (100,)))
    >>> check_opaque(Figure(4, 4, (), (100,), background=None))
    Traceback (most recent call last):
        ...
    convarith.core.errors.ConvArithError: background=None (transparent) cannot be written to MP4: H.264 video has no transparency; give a background colour, or write GIF, WebP, APNG, PNG or SVG
    """
    if figure.background is None:
        raise ConvArithError(_TRANSPARENT)


def require_ffmpeg() -> str:
    """Path of the ffmpeg executable, or raise if MP4 output is not available.

    Call it before rendering anything, so that a missing extra costs nothing.

    Raises
    ------
    ConvArithError
        With :func:`install_hint`: ``MP4 output needs the optional extra:
        pip install 'convarith[mp4]'`` (or ``'.[mp4]'`` in a source checkout).

    Examples
    --------
    >>> "ffmpeg" in Path(require_ffmpeg()).name
    True
    """
    try:
        import imageio_ffmpeg
    except ImportError:
        raise ConvArithError(install_hint()) from None
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError as error:
        message = " ".join(str(error).split())
        raise ConvArithError(f"{install_hint()} (its ffmpeg is missing: {message})") from None


def frame_repeats(durations: Sequence[int]) -> tuple[Fraction, list[int]]:
    """The constant frame rate and how many video frames each frame lasts.

    Examples
    --------
    >>> frame_repeats([1000, 1000, 2000])
    (Fraction(1, 1), [1, 1, 2])
    >>> frame_repeats([300, 600])
    (Fraction(10, 3), [1, 2])
    >>> frame_repeats([15, 1000])
    (Fraction(50, 1), [1, 50])
    """
    step = math.gcd(*durations)
    rate = Fraction(1000, step)
    if rate <= MAX_FPS:
        return rate, [d // step for d in durations]
    return Fraction(MAX_FPS), [max(1, round(d * MAX_FPS / 1000)) for d in durations]


def write_mp4(
    frames: Iterable[Image.Image],
    durations: Sequence[int],
    path: PathLike,
    *,
    loop: bool = True,
    crf: int = 20,
) -> Path:
    """Write an H.264 MP4 (yuv420p, plays everywhere).

    Parameters
    ----------
    frames
        The frames, all of one size, any mode without transparency.
    durations
        Display time of each frame in ms, honoured by repeating frames.
    path
        The file to write; it appears only once complete.
    loop
        Accepted for a uniform signature; an MP4 carries no loop flag.
    crf
        x264's constant rate factor: 0 (lossless) to 51; 20 looks clean.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ConvArithError
        Before any frame is drawn, if the frames are transparent (a frame
        stream that says so, see :func:`check_opaque`), ``imageio-ffmpeg``
        is not installed or ``path`` cannot be written; at the first frame if
        it has transparency; afterwards if ffmpeg fails (with the end of its
        error output).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from PIL import Image
    >>> frames = [Image.new("RGB", (9, 7), c) for c in ("red", "green")]
    >>> path = write_mp4(frames, [500, 500], pathlib.Path(tempfile.mkdtemp()) / "a.mp4")
    >>> path.stat().st_size > 0
    True
    """
    del loop
    if getattr(frames, "transparent", False):
        raise ConvArithError(_TRANSPARENT)
    executable = require_ffmpeg()
    if isinstance(crf, bool) or not isinstance(crf, int) or not 0 <= crf <= 51:
        raise ConvArithError(f"crf={crf!r} must be a whole number from 0 to 51")
    checked = check_durations(durations)
    target = check_file_place(path)
    rate, repeats = frame_repeats(checked)
    stream = iter(counted(frames, len(checked)))
    first = next(stream)
    if has_alpha(first):
        raise ConvArithError(_TRANSPARENT)
    first = first.convert("RGB")
    with atomic_output(target) as temporary, tempfile.TemporaryFile() as errors:
        command = _command(executable, first, rate, crf, temporary)
        process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors
        )
        try:
            assert process.stdin is not None
            _feed(process.stdin, first, stream, repeats)
            process.stdin.close()
            code = process.wait()
        except BrokenPipeError:
            code = process.wait()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            if process.stdin is not None and not process.stdin.closed:
                with contextlib.suppress(BrokenPipeError):
                    process.stdin.close()
        if code != 0:
            errors.seek(0)
            raise ConvArithError(f"ffmpeg could not write {target}: {_summary(errors.read())}")
    return target


def _command(
    executable: str, first: Image.Image, rate: Fraction, crf: int, output: Path
) -> list[str]:
    red, green, blue = first.getpixel((first.width - 1, first.height - 1))  # type: ignore[misc]
    return [
        executable, "-nostdin", "-y", "-loglevel", "error",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{first.width}x{first.height}",
        "-framerate", f"{rate.numerator}/{rate.denominator}", "-i", "pipe:0",
        "-vf", f"pad=ceil(iw/2)*2:ceil(ih/2)*2:color=0x{red:02x}{green:02x}{blue:02x}",
        "-c:v", "libx264", "-preset", "medium", "-crf", str(crf), "-pix_fmt", "yuv420p",
        "-movflags", "+faststart", "-an", "-f", "mp4", str(output),
    ]  # fmt: skip


def _feed(
    pipe: IO[bytes], first: Image.Image, rest: Iterable[Image.Image], repeats: list[int]
) -> None:
    size = first.size
    frames = iter(rest)
    frame = first
    for index, repeat in enumerate(repeats):
        if index:
            frame = next(frames)
            check_size(frame, size)
        data = (frame if frame.mode == "RGB" else frame.convert("RGB")).tobytes()
        for _ in range(repeat):
            pipe.write(data)
    for _ in frames:  # counted() reports surplus frames
        pass


def _summary(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode(errors="replace").splitlines() if line.strip()]
    return " | ".join(lines[-4:]) or "no error output"
