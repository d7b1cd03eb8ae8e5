"""The per-figure palette: frequent colours kept exactly, each mapped onto itself."""

from __future__ import annotations

import random
from collections import Counter

from PIL import Image

from convarith.pixels.palette import choose_palette, palette_image, to_palette

Color = tuple[int, int, int]


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
