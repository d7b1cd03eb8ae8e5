"""The per-figure palette: frequent colours kept exactly, each mapped onto itself."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from itertools import chain

import numpy as np
import pytest
from PIL import Image

from convarith.pixels.palette import (
    CLEAR,
    MAX_COLORS,
    _greedy,
    choose_palette,
    choose_rgba_palette,
    count_colors,
    count_rgba,
    palette_image,
    to_palette,
    to_rgba_palette,
)

Color = tuple[int, int, int]
Rgba = tuple[int, int, int, int]


def test_palette_keeps_frequent_colours_exactly_and_maps_each_onto_itself() -> None:
    rng = random.Random(7)
    counts: Counter[Color] = Counter()
    flat = [(255, 255, 255), (38, 139, 210), (42, 161, 152), (0, 43, 54), (36, 137, 208)]
    for color, count in zip(flat, (90_000, 30_000, 20_000, 5_000, 4_000), strict=True):
        counts[color] = count
    for _ in range(2_000):
        counts[(rng.randrange(256), rng.randrange(256), rng.randrange(256))] += rng.randrange(1, 9)
    chosen = choose_palette(counts, 64)
    assert len(chosen) == 64
    assert chosen[0] == flat[0]  # the most frequent first
    assert set(flat[:4]) <= set(chosen)  # the flat colours exactly
    strip = Image.new("RGB", (len(chosen), 1))
    strip.putdata(chosen)
    assert list(to_palette(strip, palette_image(chosen)).tobytes()) == list(range(64))
    # (36, 137, 208) shares Pillow's lookup bucket with the blue: it yields.
    assert (36, 137, 208) not in chosen


def test_a_palette_of_few_colours_holds_only_those() -> None:
    counts: Counter[Color] = Counter({(0, 0, 0): 5, (255, 0, 0): 3})
    assert choose_palette(counts) == [(0, 0, 0), (255, 0, 0)]


# ---- against plain reference implementations ------------------------------------------------
#
# The module is vectorised (one matrix product per chosen colour, shadowed
# colours ruled out as soon as a colour is chosen, runs of pixels mapped
# once, mapped colours remembered per palette); these references do the
# same thing the obvious way, one colour or one pixel at a time, so any
# difference in colours, order or tie-breaking shows.


def _square(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    return sum([(x - y) * (x - y) for x, y in zip(a, b)])


def reference_greedy(
    colors: Sequence[tuple[int, ...]], weights: list[float], limit: int
) -> list[int]:
    """The greedy choice, one candidate at a time, shadowing tested when it comes out on top."""
    weights = list(weights)
    corners = [tuple(v & ~3 for v in c) for c in colors]  # where Pillow looks each colour up
    own = [_square(c, k) for c, k in zip(colors, corners)]
    distances = [math.inf] * len(colors)
    chosen: list[int] = []
    while len(chosen) < limit:
        scores = [w * d for w, d in zip(weights, distances)] if chosen else list(weights)
        best = max(range(len(colors)), key=scores.__getitem__)  # the first on ties
        if scores[best] <= 0:
            break
        weights[best] = 0.0
        color, corner = colors[best], corners[best]
        # Skipped if a chosen colour is at least as near its corner as it is,
        # or if it is nearer a chosen colour's corner than that colour is.
        if any(_square(colors[p], corner) <= own[best] for p in chosen) or any(
            _square(corners[p], color) < own[p] for p in chosen
        ):
            continue
        chosen.append(best)
        distances = [min(d, float(_square(x, color))) for d, x in zip(distances, colors)]
    return chosen


def reference_palette(counts: Counter[Color], limit: int) -> list[Color]:
    colors = list(counts)
    return [colors[i] for i in reference_greedy(colors, [float(n) for n in counts.values()], limit)]


def _random_counts(rng: random.Random, kind: int, n: int) -> Counter[Color]:
    counts: Counter[Color] = Counter()
    while len(counts) < n:
        if kind == 0:  # anywhere
            color = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        elif kind == 1:  # a few levels apart: Pillow's lookup buckets shadow one another
            color = (rng.randrange(40, 56), rng.randrange(100, 116), rng.randrange(0, 16))
        else:  # blends between two colours, as antialiasing draws them
            t = rng.random()
            color = (round(38 + 217 * t), round(139 + 116 * t), round(210 + 45 * t))
        counts[color] = rng.choice([1, 1, 2, 3]) if kind != 2 else rng.randrange(1, 5)
    return counts


@pytest.mark.parametrize("kind", [0, 1, 2])
@pytest.mark.parametrize(
    ("n", "limit"), [(1, 128), (5, 2), (60, 16), (200, 128), (260, 256), (300, 255)]
)
def test_choose_palette_is_the_plain_greedy_choice_ties_included(
    kind: int, n: int, limit: int
) -> None:
    rng = random.Random(n * 7 + kind)
    for _ in range(2):
        counts = _random_counts(rng, kind, n if kind != 2 else min(n, 150))
        counts[(255, 255, 255)] = 10 * n  # a flat background, as figures have
        assert choose_palette(counts, limit) == reference_palette(counts, limit)


def test_choose_palette_with_zero_counts_and_a_limit_of_zero() -> None:
    counts: Counter[Color] = Counter({(1, 2, 3): 0, (200, 0, 0): 2, (0, 0, 0): 0, (9, 9, 9): 2})
    assert (
        choose_palette(counts) == reference_palette(counts, MAX_COLORS) == [(200, 0, 0), (9, 9, 9)]
    )
    assert choose_palette(Counter({(1, 2, 3): 4}), 1) == [(1, 2, 3)]
    assert _greedy(np.array([[1, 2, 3]]), np.array([4.0]), 0) == []


def test_greedy_beyond_eight_bits_is_the_plain_choice() -> None:
    # Not 8-bit colours: the distances are worked out in float64 instead of float32.
    rng = random.Random(3)
    colors = list(
        {(rng.randrange(1024), rng.randrange(1024), rng.randrange(4)) for _ in range(300)}
    )
    weights = [float(rng.randrange(1, 4)) for _ in colors]
    got = _greedy(np.array(colors, dtype=np.int64), np.array(weights), 64)
    assert got == reference_greedy(colors, weights, 64)
    # Distances of 36,000,000 and 36,000,001: one apart only in float64.
    far = [(0, 0, 0), (6000, 0, 0), (0, 6000, 1)]
    assert _greedy(np.array(far), np.array([10.0, 1.0, 1.0]), 2) == [0, 2]
    assert reference_greedy(far, [10.0, 1.0, 1.0], 2) == [0, 2]


def test_count_colors_keeps_the_order_colours_are_first_met() -> None:
    rng = random.Random(5)
    images = []
    for size in [(7, 5), (30, 20), (1, 1), (64, 48)]:
        image = Image.new("RGB", size)
        image.putdata(
            [
                rng.choice([(0, 0, 0), (9, 9, 9), (255, 255, 255)])
                if rng.random() < 0.7
                else (rng.randrange(256), rng.randrange(256), rng.randrange(256))
                for _ in range(size[0] * size[1])
            ]
        )
        images.append(image)
    expected: Counter[Color] = Counter()
    for image in images:
        found = image.getcolors(image.width * image.height)
        assert found is not None
        for count, color in found:
            expected[color] += count  # type: ignore[index]
    got = count_colors(images)
    assert list(got.items()) == list(expected.items())  # same counts, same order


def test_count_rgba_counts_every_clear_pixel_as_clear_in_order() -> None:
    rng = random.Random(6)
    images = []
    for size in [(9, 4), (25, 25)]:
        image = Image.new("RGBA", size)
        image.putdata(
            [
                (rng.randrange(4) * 80, 0, rng.randrange(2) * 255, rng.choice([0, 0, 90, 255]))
                for _ in range(size[0] * size[1])
            ]
        )
        images.append(image)
    expected: Counter[Rgba] = Counter()
    for image in images:
        found = image.getcolors(image.width * image.height)
        assert found is not None
        for count, color in found:
            expected[CLEAR if color[3] == 0 else color] += count  # type: ignore[index]
    assert list(count_rgba(images).items()) == list(expected.items())


def reference_rgba_palette(counts: Counter[Rgba], limit: int) -> list[Rgba]:
    colors = [CLEAR, *(c for c in counts if c != CLEAR)]
    weights = [math.inf, *(float(n) for c, n in counts.items() if c != CLEAR)]
    points = [_point(c) for c in colors]
    distances = [math.inf] * len(colors)
    chosen: list[int] = []
    while len(chosen) < min(limit, len(colors)):
        scores = (
            [math.inf if math.isinf(w) else w * d for w, d in zip(weights, distances)]
            if chosen
            else list(weights)
        )
        best = max(range(len(colors)), key=scores.__getitem__)  # the first on ties
        if chosen and scores[best] <= 0:
            break
        chosen.append(best)
        weights[best] = 0.0
        step = ((np.array(points) - np.array(points[best])) ** 2).sum(axis=1)
        distances = [min(d, float(s)) for d, s in zip(distances, step)]
    return [colors[i] for i in chosen]


def _point(color: tuple[int, ...]) -> tuple[float, ...]:
    """A colour premultiplied, as the module works it out (float64, alpha / 255 first)."""
    alpha = np.float64(color[3]) / 255
    return (color[0] * alpha, color[1] * alpha, color[2] * alpha, float(color[3]))


@pytest.mark.parametrize("limit", [1, 3, 16, 128, 256])
def test_choose_rgba_palette_is_the_plain_greedy_choice(limit: int) -> None:
    rng = random.Random(limit)
    counts: Counter[Rgba] = Counter()
    for _ in range(300):
        color = (rng.randrange(3) * 120, rng.randrange(256), 40, rng.choice([0, 64, 200, 255]))
        counts[CLEAR if color[3] == 0 else color] += rng.randrange(1, 3)
    assert choose_rgba_palette(counts, limit) == reference_rgba_palette(counts, limit)


def reference_rgba_map(image: Image.Image, palette: list[Rgba]) -> list[int]:
    """Each pixel on its own: the premultiplied palette entry nearest it, the first on ties."""
    table = np.array([_point(c) for c in palette])
    indices = []
    for pixel in np.asarray(image.convert("RGBA")).reshape(-1, 4).tolist():
        point = np.array([_point(CLEAR if pixel[3] == 0 else tuple(pixel))])
        indices.append(int(((point[:, None, :] - table[None, :, :]) ** 2).sum(axis=2).argmin()))
    return indices


def test_to_rgba_palette_maps_each_pixel_to_its_nearest_entry_frame_after_frame() -> None:
    # Several frames on one palette: later frames reuse what earlier ones mapped.
    rng = random.Random(11)
    palette: list[Rgba] = [
        CLEAR,
        (255, 0, 0, 255),
        (255, 0, 0, 128),
        (0, 0, 255, 255),
        (10, 10, 10, 30),
    ]
    palette += [
        (rng.randrange(256), rng.randrange(256), rng.randrange(256), rng.randrange(256))
        for _ in range(20)
    ]
    palette.append((255, 0, 0, 255))  # a duplicate entry: the first one wins
    flat = [(255, 255, 255, 0), (255, 0, 0, 255), (0, 0, 255, 250)]
    for frame in range(4):
        size = (rng.randrange(1, 40), rng.randrange(1, 30))
        image = Image.new("RGBA", size)
        image.putdata(
            [
                rng.choice(flat)
                if rng.random() < 0.6
                else (
                    rng.randrange(256),
                    rng.randrange(256),
                    rng.randrange(256),
                    rng.randrange(256),
                )
                for _ in range(size[0] * size[1])
            ]
        )
        mapped = to_rgba_palette(image, palette)
        assert mapped.mode == "P" and mapped.size == size
        assert list(mapped.tobytes()) == reference_rgba_map(image, palette), frame
        assert mapped.getpalette("RGBA") == list(chain.from_iterable(palette))


def test_to_rgba_palette_of_other_modes_and_of_nothing() -> None:
    palette: list[Rgba] = [CLEAR, (200, 200, 200, 255), (90, 90, 90, 255)]
    image = Image.new("RGB", (5, 2), (100, 100, 100))
    assert list(to_rgba_palette(image, palette).tobytes()) == reference_rgba_map(image, palette)
    assert to_rgba_palette(Image.new("RGBA", (0, 3)), palette).size == (0, 3)


def test_to_palette_maps_by_the_lookup_bucket_corner() -> None:
    # The rule choose_palette relies on: each pixel goes to the entry nearest
    # the corner (c & ~3) of its bucket, the first one on ties.
    rng = random.Random(13)
    palette = [(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(30)]
    palette += [(100, 100, 100), (101, 101, 101), (96, 96, 96)]
    pixels = [(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(500)]
    pixels += [(99, 99, 99), (100, 100, 100), (101, 101, 101), (98, 98, 98)]
    strip = Image.new("RGB", (len(pixels), 1))
    strip.putdata(pixels)
    got = list(to_palette(strip, palette_image(palette)).tobytes())
    corners = [tuple(v & ~3 for v in p) for p in pixels]
    expected = [
        min(range(len(palette)), key=lambda i: (_square(palette[i], c), i)) for c in corners
    ]
    assert got == expected


def test_palette_image_is_a_new_image_every_time() -> None:
    counts: Counter[Color] = Counter({(0, 0, 0): 5, (250, 250, 250): 3, (40, 90, 200): 1})
    palette = choose_palette(counts)
    first, second = palette_image(palette), palette_image(palette)
    assert first is not second
    assert first.getpalette() == second.getpalette() == list(chain.from_iterable(palette))
    first.putpalette([1, 2, 3])  # changing one leaves the other as it was
    assert second.getpalette() == list(chain.from_iterable(palette))
    assert palette_image([(9, 9, 9)]).getpalette() == [9, 9, 9]


def test_palette_image_of_another_palette_than_the_one_just_chosen() -> None:
    chosen = choose_palette(Counter({(0, 0, 0): 5, (250, 250, 250): 3}))
    other = [(1, 2, 3), (4, 5, 6)]
    assert palette_image(other).getpalette() == [1, 2, 3, 4, 5, 6]
    assert palette_image(chosen).getpalette() == list(chain.from_iterable(chosen))
    chosen = choose_palette(Counter({(0, 0, 0): 5, (250, 250, 250): 3}))
    chosen.append((7, 7, 7))  # changed after it was chosen
    assert palette_image(chosen).getpalette() == [0, 0, 0, 250, 250, 250, 7, 7, 7]
    chosen = choose_palette(Counter({(0, 0, 0): 5, (250, 250, 250): 3}))
    from_iterator = palette_image(iter(chosen))  # type: ignore[arg-type]  # read once, all of it
    assert from_iterator.getpalette() == [0, 0, 0, 250, 250, 250]


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # inf * 0
def test_choose_rgba_palette_with_infinite_counts() -> None:
    # An infinite weight scores infinity at any distance, even at distance 0
    # (a clear colour given as such), as the clear colour itself does.
    inf = math.inf
    counts: Counter[Rgba] = Counter()
    counts[(0, 0, 200, 255)] = inf  # type: ignore[assignment]
    counts[(5, 5, 5, 0)] = inf  # type: ignore[assignment]
    counts.update({(200, 0, 0, 255): 5, (9, 9, 9, 128): 2})
    assert choose_rgba_palette(counts, 8) == reference_rgba_palette(counts, 8)
    assert choose_rgba_palette(counts, 8)[:3] == [CLEAR, (0, 0, 200, 255), (5, 5, 5, 0)]
