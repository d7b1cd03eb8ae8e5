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
from itertools import chain

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

    Colours come in the order they are first met: each image's colours in
    the order :meth:`Image.getcolors` lists them, images in turn.  That
    order breaks ties in :func:`choose_palette`.

    Parameters
    ----------
    images : iterable of PIL.Image.Image
        RGB images (any number, any sizes).

    Returns
    -------
    collections.Counter
        Colour -> pixel count, over all the images.

    Examples
    --------
    >>> from PIL import Image
    >>> count_colors([Image.new("RGB", (2, 3), (255, 0, 0))])
    Counter({(255, 0, 0): 6})
    >>> count_colors([Image.new("RGB", (1, 1), (0, 0, 0)), Image.new("RGB", (2, 1), (0, 0, 0))])
    Counter({(0, 0, 0): 3})
    """
    counts: Counter[Color] = Counter()
    # dict.get and item assignment instead of ``counts[color] += count``:
    # Counter's missing-key path and the second lookup cost a third of the
    # merge (15 ms -> 10 ms for the gallery's 19 figures); the insertion
    # order, and so the order of the colours, is the same.
    get = counts.get
    for image in images:
        found = image.getcolors(image.width * image.height)
        assert found is not None  # maxcolors is the pixel count: always enough
        for count, color in found:
            counts[color] = get(color, 0) + count  # type: ignore[index,arg-type]  # RGB: RGB tuples
    return counts


def palette_image(colors: list[Color]) -> Image.Image:
    """A 1x1 ``P`` image carrying ``colors`` as its palette, for :meth:`Image.quantize`.

    Parameters
    ----------
    colors : list of (r, g, b)
        The palette, in order.

    Returns
    -------
    PIL.Image.Image
        A new ``P`` image.

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

    Parameters
    ----------
    image : PIL.Image.Image
        An RGB image.
    palette : PIL.Image.Image
        A ``P`` image carrying the palette (:func:`palette_image`).

    Returns
    -------
    PIL.Image.Image
        A ``P`` image of ``image``'s size on ``palette``.

    Examples
    --------
    >>> from PIL import Image
    >>> pal = palette_image([(0, 0, 0), (255, 255, 255)])
    >>> to_palette(Image.new("RGB", (1, 1), (250, 240, 255)), pal).getpixel((0, 0))
    1
    """
    # Pillow's C loop costs ~3 ns a pixel and keeps its lookup table with
    # ``palette`` between calls; a numpy mapping of the same result (four
    # passes over the pixels at least) was slower.
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

    Parameters
    ----------
    counts : collections.Counter
        Colour -> pixel count (:func:`count_colors`); its order breaks ties.
    max_colors : int
        Palette size at most.

    Returns
    -------
    list of (r, g, b)
        The most frequent colour first, then in the order chosen.

    Examples
    --------
    >>> from collections import Counter
    >>> choose_palette(Counter({(255, 255, 255): 90, (0, 0, 0): 9, (128, 128, 128): 1}), 2)
    [(255, 255, 255), (0, 0, 0)]

    A colour in the lookup bucket of a more frequent one is skipped:

    >>> choose_palette(Counter({(40, 40, 40): 5, (41, 41, 41): 4, (0, 0, 0): 1}))
    [(40, 40, 40), (0, 0, 0)]
    """
    if not counts:
        return [(0, 0, 0)]
    colors = _rgb_array(list(counts))
    weights = np.array(list(counts.values()), dtype=np.float64)
    chosen = _greedy(colors, weights, max_colors)
    palette: list[Color] = [(r, g, b) for r, g, b in colors[chosen].tolist()]
    # The rule above is Pillow's (Palette.c); should a Pillow change it,
    # fail loudly here rather than draw wrong colours.
    assert not _shadowed(palette, palette_image(palette)), (
        "Pillow's palette lookup no longer works as expected"
    )
    return palette


def _rgb_array(colors: list[Color]) -> np.ndarray:
    """``np.array(colors, dtype=np.int64)``, twice as fast for 8-bit RGB tuples.

    numpy reads a list of tuples slowly (0.35 ms for a figure's ~1000
    colours, 7 ms for the gallery's 19); their bytes are read at once.
    """
    try:
        flat = bytes(chain.from_iterable(colors))  # 8-bit integers only
    except (TypeError, ValueError):
        flat = b""
    if len(flat) == 3 * len(colors) and set(map(len, colors)) == {3}:
        return np.frombuffer(flat, dtype=np.uint8).reshape(-1, 3).astype(np.int64)
    return np.array(colors, dtype=np.int64)


def _greedy(colors: np.ndarray, weights: np.ndarray, limit: int) -> list[int]:
    """Indices of the chosen colours, in order (see :func:`choose_palette`).

    Each round picks the colour of greatest ``weight * distance`` to the
    nearest chosen colour (the first one on ties), skipping colours that
    Pillow's lookup would confuse with a chosen one: ``c`` is skipped if a
    chosen colour ``p`` is at least as near ``c``'s bucket corner as ``c``
    is, or if ``c`` is nearer ``p``'s corner than ``p`` is.

    Done the obvious way (test each candidate against the chosen colours
    when it comes out on top, distances channel by channel) this took
    0.16-0.2 s for the gallery's 19 palettes, 4,200 of its 6,600 rounds on
    colours then skipped; this way it takes 0.03 s.  A chosen colour at
    once rules out (zero weight) every colour it shadows or is shadowed
    by, so the same colours come out on top in the same order, ties
    included, and no round is lost; and one matrix product per round
    gives, for every colour ``x``, with ``o`` a colour's offset from its
    corner (``c - (c & ~3)``):

    * ``|x - p|^2``, the distance to the new colour;
    * ``|x - p|^2 + 2 (p - x).o_x``, which is ``|p - corner_x|^2 - |o_x|^2``:
      at most 0 where ``p`` shadows ``x``;
    * ``|x - p|^2 - 2 (p - x).o_p + 1``, which is
      ``|x - corner_p|^2 - |o_p|^2 + 1``: at most 0 where ``x`` would shadow ``p``.

    Every term is an integer (below 2**24 for 8-bit colours, computed in
    float32 then; float64 otherwise), so these are exact and the scores
    (float64) are the very floats of the obvious way.
    """
    count = len(colors)
    weights = weights.copy()
    # float32 where every value and partial sum below is an integer under
    # 2**24 (8-bit colours: all are under 2**19): it halves the product's time.
    eight_bit = count > 0 and int(colors.min()) >= 0 and int(colors.max()) <= 255
    kind = np.float32 if eight_bit else np.float64
    # Column x: (x, |x|^2, 1, o_x, x.o_x), o_x = x - (x & ~3) = x & 3 its
    # offset from the corner where Pillow looks it up.
    lifted = np.empty((9, count), dtype=kind)
    x, squares, ones, o, dots = lifted[:3], lifted[3], lifted[4], lifted[5:8], lifted[8]
    x[:] = colors.T
    o[:] = (colors & 3).T
    np.einsum("ij,ij->j", x, x, out=squares)
    ones[:] = 1
    np.einsum("ij,ij->j", x, o, out=dots)
    # Each colour's three rows that, times ``lifted``, give the three numbers above.
    probes = (lifted.T @ _PROBES.astype(kind)).reshape(count, 3, 9)
    rows = np.empty((3, count), dtype=kind)
    distance, shadows, shadowed = rows
    tests = np.empty(count, dtype=kind)
    zeros = np.zeros(count, dtype=kind)  # an array, not 0: a third of the comparison's time
    ruled_out = np.empty(count, dtype=bool)
    distances = np.full(count, np.inf, dtype=kind)
    scores = weights.copy()
    chosen: list[int] = []
    for _ in range(limit):
        best = int(scores.argmax())
        if scores[best] <= 0:
            break
        chosen.append(best)
        np.dot(probes[best], lifted, out=rows)
        np.minimum(distances, distance, out=distances)
        np.minimum(shadows, shadowed, out=tests)
        np.less_equal(tests, zeros, out=ruled_out)  # ``best`` among them
        weights[ruled_out] = 0.0
        np.multiply(weights, distances, out=scores)
    return chosen


def _probe_matrix() -> np.ndarray:
    """The linear map from a colour's features to its three probe rows (see :func:`_greedy`)."""
    # features of p: 0-2 p, 3 |p|^2, 4 one, 5-7 o_p, 8 p.o_p; probe columns as those of ``lifted``
    matrix = np.zeros((9, 3, 9))
    for row in range(3):
        for k in range(3):
            matrix[k, row, k] = -2  # -2 p . x
        matrix[4, row, 3] = 1  # + |x|^2
        matrix[3, row, 4] = 1  # + |p|^2
    for k in range(3):
        matrix[k, 1, 5 + k] = 2  # + 2 p . o_x
        matrix[5 + k, 2, k] = 2  # + 2 o_p . x
    matrix[4, 1, 8] = -2  # - 2 x . o_x
    matrix[8, 2, 4] = -2  # - 2 p . o_p
    matrix[4, 2, 4] = 1  # + 1
    return matrix.reshape(9, 27)


_PROBES = _probe_matrix()


def _shadowed(colors: list[Color], palette: Image.Image) -> bool:
    """Whether Pillow's lookup maps any of ``colors`` onto another entry of ``palette``."""
    strip = Image.frombytes("RGB", (len(colors), 1), bytes(c for color in colors for c in color))
    found = to_palette(strip, palette).tobytes()
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

    Parameters
    ----------
    images : iterable of PIL.Image.Image
        RGBA images.

    Returns
    -------
    collections.Counter
        Colour -> pixel count, in the order first met (as :func:`count_colors`).

    Examples
    --------
    >>> from PIL import Image
    >>> count_rgba([Image.new("RGBA", (2, 1), (9, 9, 9, 0))])
    Counter({(0, 0, 0, 0): 2})
    """
    counts: Counter[Rgba] = Counter()
    get = counts.get  # as in count_colors
    for image in images:
        found = image.getcolors(image.width * image.height)
        assert found is not None
        for count, color in found:
            key: Rgba = CLEAR if color[3] == 0 else color  # type: ignore[index,assignment]
            counts[key] = get(key, 0) + count
    return counts


def _premultiplied(colors: np.ndarray) -> np.ndarray:
    """RGBA rows as premultiplied floats: colours that look alike over anything are close."""
    alpha = colors[:, 3:4].astype(np.float64) / 255
    return np.concatenate([colors[:, :3] * alpha, colors[:, 3:4].astype(np.float64)], axis=1)


def choose_rgba_palette(counts: Counter[Rgba], max_colors: int = MAX_COLORS) -> list[Rgba]:
    """At most ``max_colors`` RGBA colours that serve ``counts`` best, :data:`CLEAR` first.

    The greedy choice of :func:`choose_palette`, on premultiplied colours.

    Parameters
    ----------
    counts : collections.Counter
        Colour -> pixel count (:func:`count_rgba`); its order breaks ties.
    max_colors : int
        Palette size at most.

    Returns
    -------
    list of (r, g, b, a)
        :data:`CLEAR`, then the colours in the order chosen.

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
    infinite = np.isinf(weights)
    chosen: list[int] = []
    distances = np.full(len(colors), np.inf)
    scores = weights.copy()
    while len(chosen) < min(max_colors, len(colors)):
        if chosen:
            # An infinite weight scores infinity, whatever its distance; once
            # none is left (after the first round, for counts of pixels) the
            # plain product is the same floats without two passes.
            np.multiply(weights, distances, out=scores)
            if infinite.any():
                scores[infinite] = np.inf
        best = int(scores.argmax())
        if chosen and scores[best] <= 0:
            break
        chosen.append(best)
        weights[best] = 0.0
        infinite[best] = False
        # The very expression of the distances (the same sums in the same order).
        step = ((points - points[best]) ** 2).sum(axis=1)
        np.minimum(distances, step, out=distances)
    return [(r, g, b, a) for r, g, b, a in colors[chosen].tolist()]


def to_rgba_palette(image: Image.Image, palette: list[Rgba]) -> Image.Image:
    """An RGBA image as a ``P`` image on an RGBA ``palette`` (nearest colour, premultiplied).

    Parameters
    ----------
    image : PIL.Image.Image
        Any image (converted to RGBA).
    palette : list of (r, g, b, a)
        The palette (:func:`choose_rgba_palette`).

    Returns
    -------
    PIL.Image.Image
        A ``P`` image of ``image``'s size with an RGBA palette; every fully
        transparent pixel takes the entry nearest :data:`CLEAR`.

    Examples
    --------
    >>> from PIL import Image
    >>> frame = to_rgba_palette(Image.new("RGBA", (1, 1), (250, 0, 0, 250)), [(0, 0, 0, 0), (255, 0, 0, 255)])
    >>> frame.getpixel((0, 0)), frame.palette.mode
    (1, 'RGBA')
    """
    rgba = np.asarray(image.convert("RGBA"))
    height, width = rgba.shape[:2]
    # Bytes r, g, b, a read as one big-endian number: the key
    # r << 24 | g << 16 | b << 8 | a, in one pass instead of seven.
    keys = rgba.reshape(-1).view(">u4").astype(np.uint32)
    # Figures are mostly runs of one colour: the distinct colours come from
    # the runs' colours (~1 pixel in 6), sorting far fewer keys, and each
    # run takes its colour's entry.  Same keys, same sorted colours, same
    # entries; with the remembered entries below, mapping the 137 frames of
    # 7 transparent gallery figures went from 0.7 s to 0.2 s.
    if len(keys):
        starts = np.flatnonzero(keys[1:] != keys[:-1]) + 1
        starts = np.concatenate([np.zeros(1, dtype=starts.dtype), starts])
    else:
        starts = np.zeros(0, dtype=np.intp)
    unique, inverse = np.unique(keys[starts], return_inverse=True)
    nearest = _nearest_entries(unique, palette)
    lengths = np.diff(starts, append=len(keys))
    indices = np.repeat(nearest[inverse.reshape(-1)], lengths).reshape(height, width)
    result = Image.fromarray(indices, "P")
    result.putpalette(bytes(chain.from_iterable(palette)), "RGBA")
    return result


#: Per RGBA palette: its premultiplied entries, and the keys (sorted) of the
#: colours mapped so far with the entry each went to.  Frames of a figure
#: share most colours: of 29,677 colours mapped over 137 frames of 7
#: transparent gallery figures, 6,437 are new; the distances to 128 entries
#: were most of what mapping a frame cost.
_NEAREST: dict[tuple[Rgba, ...], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
#: Palettes remembered at most (the oldest is forgotten first).
_NEAREST_PALETTES = 8


def _nearest_entries(keys: np.ndarray, palette: list[Rgba]) -> np.ndarray:
    """The entry of ``palette`` nearest each colour of ``keys`` (sorted, distinct RGBA keys)."""
    try:
        memo = tuple(palette)
        table, known, entries = _NEAREST[memo]
    except TypeError:  # unhashable colours: nothing to remember them by
        return _nearest_of(keys, _premultiplied(np.array(palette, dtype=np.int64)))
    except KeyError:
        table = _premultiplied(np.array(palette, dtype=np.int64))
        known, entries = keys[:0], np.zeros(0, dtype=np.uint8)
    where = np.searchsorted(known, keys)
    found = where < len(known)
    found[found] = known[where[found]] == keys[found]
    if found.all():
        return entries[where]
    nearest = np.empty(len(keys), dtype=np.uint8)
    nearest[found] = entries[where[found]]
    new = keys[~found]
    nearest[~found] = computed = _nearest_of(new, table)
    merged = np.concatenate([known, new])
    order = np.argsort(merged, kind="stable")
    _NEAREST.pop(memo, None)
    while len(_NEAREST) >= _NEAREST_PALETTES:
        _NEAREST.pop(next(iter(_NEAREST)), None)
    _NEAREST[memo] = (table, merged[order], np.concatenate([entries, computed])[order])
    return nearest


def _nearest_of(keys: np.ndarray, table: np.ndarray) -> np.ndarray:
    """The row of ``table`` (premultiplied) nearest each colour of ``keys``, first on ties."""
    seen = np.stack([(keys >> 24) & 255, (keys >> 16) & 255, (keys >> 8) & 255, keys & 255], axis=1)
    seen[seen[:, 3] == 0] = 0
    here = _premultiplied(seen.astype(np.int64))
    nearest = np.empty(len(here), dtype=np.uint8)
    # Each colour's distances are summed alike whatever block it is in (the
    # sum runs over the last axis), so blocks of other colours give the same.
    for start in range(0, len(here), 4096):
        block = here[start : start + 4096]
        distances = ((block[:, None, :] - table[None, :, :]) ** 2).sum(axis=2)
        nearest[start : start + 4096] = distances.argmin(axis=1)
    return nearest
