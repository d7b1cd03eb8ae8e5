"""One palette for every frame of an animation, chosen from what it draws.

A figure is made of a handful of flat colours plus the antialiasing blends
between them, so a small palette chosen once per figure (not per frame) holds
everything without dithering: GIF and palette-PNG frames then share one
colour table, which makes them smaller and faster to encode than frames with
palettes of their own.  The choice is greedy: the most frequent colour
first, then always the colour whose pixels are worst served so far (pixel
count times squared distance to the nearest chosen colour), so the flat
colours are kept exactly and the rest of the palette goes to the blends.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np
from PIL import Image

__all__ = [
    "MAX_COLORS",
    "choose_palette",
    "choose_rgba_palette",
    "count_colors",
    "count_rgba",
    "palette_image",
    "to_palette",
    "to_rgba_palette",
]

Color = tuple[int, int, int]
Rgba = tuple[int, int, int, int]
#: What every fully transparent pixel becomes.
CLEAR: Rgba = (0, 0, 0, 0)

#: Palette size: enough for every blend an antialiased figure shows (six
#: bits of LZW codes stay cheap), small enough that GIFs stay small.
MAX_COLORS = 128


def count_colors(images: Iterable[Image.Image]) -> Counter[Color]:
    """Pixel count of every colour in some RGB images.

    Examples
    --------
    >>> from PIL import Image
    >>> count_colors([Image.new("RGB", (2, 3), (255, 0, 0))])
    Counter({(255, 0, 0): 6})
    """
    counts: Counter[Color] = Counter()
    for image in images:
        found = image.getcolors(image.width * image.height)
        assert found is not None  # maxcolors is the pixel count: always enough
        for count, color in found:
            counts[color] += count  # type: ignore[index]  # RGB images give RGB tuples
    return counts


def palette_image(colors: list[Color]) -> Image.Image:
    """A 1x1 ``P`` image carrying ``colors`` as its palette, for :meth:`Image.quantize`.

    Examples
    --------
    >>> palette_image([(0, 0, 0), (255, 255, 255)]).getpalette()
    [0, 0, 0, 255, 255, 255]
    """
    image = Image.new("P", (1, 1), 0)
    image.putpalette([channel for color in colors for channel in color])
    return image


def to_palette(image: Image.Image, palette: Image.Image) -> Image.Image:
    """Map an RGB image onto ``palette`` (nearest colour, no dithering).

    Examples
    --------
    >>> from PIL import Image
    >>> pal = palette_image([(0, 0, 0), (255, 255, 255)])
    >>> to_palette(Image.new("RGB", (1, 1), (250, 240, 255)), pal).getpixel((0, 0))
    1
    """
    return image.quantize(palette=palette, dither=Image.Dither.NONE)


def choose_palette(counts: Counter[Color], max_colors: int = MAX_COLORS) -> list[Color]:
    """Choose at most ``max_colors`` colours that serve ``counts`` best.

    Every chosen colour is one that occurs, and each is kept only if Pillow's
    nearest-colour mapping maps it onto itself.  That mapping looks a colour
    up by the corner of its 4-level bucket (``c & ~3`` in each channel),
    so a colour can be shadowed by another one nearer that corner: such a
    candidate is skipped (its pixels are served by the colour that shadows
    it, a few levels away), and a candidate that would shadow a colour
    already chosen, more important by construction, is skipped too.

    Examples
    --------
    >>> from collections import Counter
    >>> choose_palette(Counter({(255, 255, 255): 90, (0, 0, 0): 9, (128, 128, 128): 1}), 2)
    [(255, 255, 255), (0, 0, 0)]
    """
    if not counts:
        return [(0, 0, 0)]
    colors = np.array(list(counts), dtype=np.int64)
    weights = np.array(list(counts.values()), dtype=np.float64)
    chosen = _greedy(colors, weights, max_colors)
    palette = [(int(colors[i, 0]), int(colors[i, 1]), int(colors[i, 2])) for i in chosen]
    # The rule above is Pillow's (Palette.c); should a Pillow change it,
    # fail loudly here rather than draw wrong colours.
    assert not _shadowed(palette), "Pillow's palette lookup no longer works as expected"
    return palette


def _greedy(colors: np.ndarray, weights: np.ndarray, limit: int) -> list[int]:
    weights = weights.copy()
    channels = colors.T.astype(np.float64)  # three rows: contiguous, fast to subtract
    corners = (colors & ~3).astype(np.float64)  # where Pillow looks each colour up
    own = ((colors - (colors & ~3)) ** 2).sum(axis=1)  # distance of a colour to its corner
    picked = np.empty((limit, 3))  # chosen colours
    picked_corners = np.empty((limit, 3))
    picked_own = np.empty(limit)
    chosen: list[int] = []
    distances = np.full(len(colors), np.inf)
    while len(chosen) < limit:
        scores = weights * distances if chosen else weights
        best = int(np.argmax(scores))
        if scores[best] <= 0:
            break
        weights[best] = 0.0
        n = len(chosen)
        color = channels[:, best]
        # Skip it if an earlier colour is at least as near its corner (ties go
        # to the earlier), or if it is nearer an earlier colour's corner.
        shadowed = n and (
            (((picked[:n] - corners[best]) ** 2).sum(axis=1) <= own[best]).any()
            or (((picked_corners[:n] - color) ** 2).sum(axis=1) < picked_own[:n]).any()
        )
        if shadowed:
            continue
        picked[n], picked_corners[n], picked_own[n] = color, corners[best], own[best]
        chosen.append(best)
        red, green, blue = color
        step = (channels[0] - red) ** 2 + (channels[1] - green) ** 2 + (channels[2] - blue) ** 2
        np.minimum(distances, step, out=distances)
    return chosen


def _shadowed(colors: list[Color]) -> bool:
    """Whether Pillow's lookup maps any of ``colors`` onto another entry."""
    strip = Image.new("RGB", (len(colors), 1))
    strip.putdata(colors)
    found = to_palette(strip, palette_image(colors)).tobytes()
    return list(found) != list(range(len(colors)))


# ---- palettes with transparency ------------------------------------------------------------
#
# A figure on a transparent background has pixels of every opacity at the
# edges of what it draws.  A palette of RGBA colours keeps them (PNG stores
# an alpha per palette entry); GIF, with one transparent entry, keeps the
# opaque half (see the GIF encoder).  The mapping is done here, not by
# Pillow, whose palette mapping ignores alpha.


def count_rgba(images: Iterable[Image.Image]) -> Counter[Rgba]:
    """Pixel count of every colour in some RGBA images, every clear pixel counted as :data:`CLEAR`.

    Examples
    --------
    >>> from PIL import Image
    >>> count_rgba([Image.new("RGBA", (2, 1), (9, 9, 9, 0))])
    Counter({(0, 0, 0, 0): 2})
    """
    counts: Counter[Rgba] = Counter()
    for image in images:
        found = image.getcolors(image.width * image.height)
        assert found is not None
        for count, color in found:
            key = CLEAR if color[3] == 0 else color  # type: ignore[index]
            counts[key] += count  # type: ignore[index]
    return counts


def _premultiplied(colors: np.ndarray) -> np.ndarray:
    """RGBA rows as premultiplied floats: colours that look alike over anything are close."""
    alpha = colors[:, 3:4].astype(np.float64) / 255
    return np.concatenate([colors[:, :3] * alpha, colors[:, 3:4].astype(np.float64)], axis=1)


def choose_rgba_palette(counts: Counter[Rgba], max_colors: int = MAX_COLORS) -> list[Rgba]:
    """At most ``max_colors`` RGBA colours that serve ``counts`` best, :data:`CLEAR` first.

    The greedy choice of :func:`choose_palette`, on premultiplied colours.

    Examples
    --------
    >>> from collections import Counter
    >>> choose_rgba_palette(Counter({(255, 0, 0, 255): 5, (255, 0, 0, 128): 1}), 4)
    [(0, 0, 0, 0), (255, 0, 0, 255), (255, 0, 0, 128)]
    """
    colors = np.array([CLEAR, *(c for c in counts if c != CLEAR)], dtype=np.int64)
    weights = np.array([counts.get(CLEAR, 0), *(n for c, n in counts.items() if c != CLEAR)])
    weights = weights.astype(np.float64)
    weights[0] = np.inf  # always kept: the background
    points = _premultiplied(colors)
    chosen: list[int] = []
    distances = np.full(len(colors), np.inf)
    while len(chosen) < min(max_colors, len(colors)):
        scores = np.where(np.isinf(weights), np.inf, weights * distances) if chosen else weights
        best = int(np.argmax(scores))
        if chosen and scores[best] <= 0:
            break
        chosen.append(best)
        weights[best] = 0.0
        step = ((points - points[best]) ** 2).sum(axis=1)
        np.minimum(distances, step, out=distances)
    return [tuple(int(v) for v in colors[i]) for i in chosen]  # type: ignore[misc]


def to_rgba_palette(image: Image.Image, palette: list[Rgba]) -> Image.Image:
    """An RGBA image as a ``P`` image on an RGBA ``palette`` (nearest colour, premultiplied).

    Examples
    --------
    >>> from PIL import Image
    >>> frame = to_rgba_palette(Image.new("RGBA", (1, 1), (250, 0, 0, 250)), [(0, 0, 0, 0), (255, 0, 0, 255)])
    >>> frame.getpixel((0, 0)), frame.palette.mode
    (1, 'RGBA')
    """
    pixels = np.asarray(image.convert("RGBA"), dtype=np.uint32)
    keys = (pixels[..., 0] << 24) | (pixels[..., 1] << 16) | (pixels[..., 2] << 8) | pixels[..., 3]
    unique, inverse = np.unique(keys.reshape(-1), return_inverse=True)
    seen = np.stack(
        [(unique >> 24) & 255, (unique >> 16) & 255, (unique >> 8) & 255, unique & 255], axis=1
    )
    seen[seen[:, 3] == 0] = 0
    table = _premultiplied(np.array(palette, dtype=np.int64))
    here = _premultiplied(seen.astype(np.int64))
    nearest = np.empty(len(here), dtype=np.uint8)
    for start in range(0, len(here), 4096):
        block = here[start : start + 4096]
        distances = ((block[:, None, :] - table[None, :, :]) ** 2).sum(axis=2)
        nearest[start : start + 4096] = distances.argmin(axis=1)
    indices = nearest[inverse].reshape(pixels.shape[:2])
    result = Image.fromarray(indices, "P")
    result.putpalette(bytes(channel for color in palette for channel in color), "RGBA")
    return result
