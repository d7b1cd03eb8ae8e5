"""The frames of a figure for the encoders: :func:`render_frames`, :func:`render_frame`.

Both build a :class:`~convarith.backends.raster.rasterizer.Rasterizer`;
:class:`FrameStream` draws its frames one at a time, as an encoder asks for
them, so a long animation is never held in memory whole.
"""

from __future__ import annotations

from collections.abc import Iterator

from PIL import Image

from convarith.backends.raster.rasterizer import Mode, Rasterizer, check_mode
from convarith.figure.primitives import Figure

__all__ = ["FrameStream", "render_frame", "render_frames"]


class FrameStream(Iterator[Image.Image]):
    """The frames of a figure, drawn one at a time as they are asked for.

    It knows how many frames remain (``len``), so a consumer that names
    files by frame number can size the numbers before the first frame.
    """

    def __init__(self, raster: Rasterizer, mode: Mode) -> None:
        self.raster = raster
        self.mode = mode
        self._next = 0

    def __iter__(self) -> FrameStream:
        return self

    def __next__(self) -> Image.Image:
        if self._next >= self.raster.frame_count:
            raise StopIteration
        image = self.raster.frame(self._next, self.mode)
        self._next += 1
        return image

    def __len__(self) -> int:
        return self.raster.frame_count - self._next

    @property
    def transparent(self) -> bool:
        """Whether the frames have transparent pixels (the figure has no background).

        An encoder that cannot store transparency reads it before drawing a frame.
        """
        return self.raster.transparent


def render_frames(figure: Figure, *, scale: float = 1.0, mode: Mode = "RGB") -> FrameStream:
    """The frames of ``figure`` in order, drawn one at a time.

    Parameters
    ----------
    figure
        What to draw.
    scale
        Output pixels per canvas unit.
    mode
        ``"RGB"`` for full colour, or ``"P"`` for palette images that all
        share one palette (what GIF and small PNGs need).  A figure without
        a background gives RGBA images, or ``P`` images with an RGBA palette.

    Returns
    -------
    FrameStream
        An iterator of :class:`PIL.Image.Image` with ``len``; each frame is a
        new image that the caller may keep or change.

    Examples
    --------
    >>> from convarith.figure.primitives import DynamicLayer, Figure, Polygon
    >>> dot = lambda x: Polygon(((x, 0), (x + 2, 0), (x + 2, 2), (x, 2)), fill=(0, 0, 0))
    >>> figure = Figure(6, 2, (DynamicLayer(((dot(0),), (dot(4),))),), (500, 500))
    >>> frames = render_frames(figure, mode="P")
    >>> len(frames), [f.size for f in frames]
    (2, [(6, 2), (6, 2)])
    """
    check_mode(mode)
    return FrameStream(Rasterizer(figure, scale=scale), mode)


def render_frame(
    figure: Figure, index: int = 0, *, scale: float = 1.0, mode: Mode = "RGB"
) -> Image.Image:
    """One frame of ``figure`` (a poster image, a thumbnail).

    Examples
    --------
    >>> from convarith.figure.primitives import Figure, StaticLayer, Text
    >>> label = Text((20, 10), "input 5×5", 12, (0, 0, 0))
    >>> render_frame(Figure(40, 20, (StaticLayer((label,)),), (100,))).size
    (40, 20)
    """
    check_mode(mode)
    return Rasterizer(figure, scale=scale).frame(index, mode)
