"""Painting plans: what they hand to Pillow, and the layered pairs shared between frames."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

import convarith.backends.raster.paint as paint_module
from convarith.backends.raster.ops import Shapes
from convarith.backends.raster.paint import LayeredCache, layered, paint, plan, run, shift_rows
from convarith.backends.raster.rasterizer import Rasterizer
from convarith.gallery.catalogue import ALL


def _noise(size: tuple[int, int], seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8), "RGB")


@pytest.mark.parametrize("blend", [False, True])
def test_pillow_fills_a_polygon_from_its_vertices_truncated_toward_zero(blend) -> None:
    # What plans rest on: handing Pillow whole-pixel vertices (truncated
    # toward zero) draws what the fractional ones draw, negative ones too.
    rng = np.random.default_rng(11 + blend)
    background = _noise((60, 50), 3)
    ink = (200, 30, 90, 110) if blend else (200, 30, 90)
    for _ in range(300):
        count = int(rng.integers(3, 7))
        points = [(float(x), float(y)) for x, y in rng.uniform(-15, 70, (count, 2))]
        fractional, whole = background.copy(), background.copy()
        mode = "RGBA" if blend else None
        ImageDraw.Draw(fractional, mode).polygon(points, fill=ink)
        ImageDraw.Draw(whole, mode).polygon([(int(x), int(y)) for x, y in points], fill=ink)
        assert fractional.tobytes() == whole.tobytes(), points
    # And the truncation is toward zero, not down: -0.9 is drawn as 0, not -1.
    assert plan([_square(-0.9, 0.5, 4)], (0, 0), (8, 8))[0].points[0] == (0, 0)  # type: ignore[union-attr]


def _square(x: float, y: float, side: float, opacity: float = 1.0, color=(10, 120, 200)) -> Shapes:
    corners = ((x, y), (x + side, y), (x + side, y + side), (x, y + side))
    return Shapes((corners,), color, opacity, (x, y, x + side, y + side))


def _stroke(x: float, y: float, opacity: float) -> Shapes:
    """Two overlapping translucent parts: painted through one mask."""
    a = ((x, y), (x + 9.5, y), (x + 9.5, y + 3.2), (x, y + 3.2))
    b = ((x + 6.3, y), (x + 9.5, y), (x + 9.5, y + 12.7), (x + 6.3, y + 12.7))
    return Shapes((a, b), (250, 90, 0), opacity, (x, y, x + 9.5, y + 12.7))


def test_equal_plans_paint_equal_pixels() -> None:
    rng = np.random.default_rng(4)
    background = _noise((48, 40), 8)
    seen: dict[object, bytes] = {}
    for _ in range(400):
        x = int(rng.integers(0, 20)) + float(rng.choice([0.0, 0.3, 0.6]))
        y = 5 + float(rng.choice([0.0, 0.5]))
        kind = int(rng.integers(0, 3))
        op = (
            _square(x, y, 10.4, 1.0)
            if kind == 0
            else _square(x, y, 7.7, 0.4)
            if kind == 1
            else _stroke(x, y, 0.6)
        )
        origin = (int(rng.integers(0, 2)), 0)
        image = background.copy()
        paint(image, [op], origin)
        key = plan([op], origin, image.size)
        got = image.tobytes()
        # Its plan, run, paints what painting without a plan paints.
        planned = background.copy()
        run(planned, key)
        assert planned.tobytes() == got
        if key in seen:
            assert seen[key] == got
        seen[key] = got
    # Repeats, so that the test compares something.
    assert len(seen) < 250


def test_a_plan_tells_colours_opacities_and_kinds_apart() -> None:
    plans = {
        plan([op], (0, 0), (16, 16))
        for op in (
            _square(1, 1, 6),
            _square(1, 1, 6, color=(10, 120, 201)),
            _square(1, 1, 6, 0.5),
            _square(1, 1, 6, 0.6),
            Shapes((_square(1, 1, 6).polygons * 2), (10, 120, 200), 0.5, (1, 1, 7, 7)),
        )
    }
    assert len(plans) == 5


@pytest.mark.parametrize("limit", [10**6, 3 * 20])
def test_the_cache_gives_what_layered_gives_and_keeps_a_bounded_number_of_pixels(limit) -> None:
    cache = LayeredCache(limit=limit)
    rng = np.random.default_rng(2)
    hits = 0
    for _ in range(200):
        cell = int(rng.integers(0, 6))
        x = 4 + 4 * cell + float(rng.choice([0.0, 0.25, 0.5]))
        op = _square(x, 2.5, 6.6, 0.4) if rng.integers(0, 2) else _stroke(x, 1.5, 0.3)
        box = (cell, 0, cell + 4, 5)  # 20 output pixels
        before = len(cache._kept)
        color, transmittance = cache.layered([op], box, 4)
        hits += len(cache._kept) == before
        fresh = layered([op], box, 4)
        assert color.tobytes() == fresh[0].tobytes()
        assert transmittance.tobytes() == fresh[1].tobytes()
        assert cache._pixels <= limit
        assert cache._pixels == 20 * len(cache._kept)
    # 6 places x 3 fractions x 2 kinds, but whole-pixel vertices make fewer drawings.
    assert hits > (150 if limit > 1000 else 10)


class _Afresh:
    """Stands in for a rasterizer's cache: every pair drawn again."""

    def layered(self, ops, box, factor):  # type: ignore[no-untyped-def]
        return layered(ops, box, factor)


def test_frames_are_the_same_with_and_without_shared_layered_pairs(monkeypatch) -> None:
    # Every gallery animation whose frames go through layered pairs, drawn
    # with the cache and with each pair drawn afresh.
    made = []
    real = paint_module._layered

    def counting(*args):  # type: ignore[no-untyped-def]
        made.append(1)
        return real(*args)

    monkeypatch.setattr(paint_module, "_layered", counting)
    names = ("padding_strides", "numerical_max_pooling", "dilation")
    asked = drawn = 0
    for item in [item for item in ALL if item.name in names]:
        figure = item.animation().figure
        cached = Rasterizer(figure)
        fresh = Rasterizer(figure)
        fresh._canvases[0]._layered = _Afresh()
        for index in range(figure.frame_count):
            before = len(made)
            a = fresh.frame(index, "RGB")
            asked += len(made) - before
            before = len(made)
            b = cached.frame(index, "RGB")
            drawn += len(made) - before
            assert b.tobytes() == a.tobytes(), (item.name, index)
    # Each frame asks for a pair (27).  The cached rasterizers drew one for
    # each of the two whole-pixel placings of the arithmetic highlights, and
    # one per frame for the numerical one: its label differs from cell to cell.
    assert asked == 27
    assert drawn == 2 + 2 + 9


def test_a_plan_moved_down_paints_a_band_as_the_whole_plan_paints_it() -> None:
    rng = np.random.default_rng(9)
    background = _noise((40, 64), 12)
    for _ in range(150):
        ops = []
        for _ in range(int(rng.integers(1, 4))):
            x, y = (float(v) for v in rng.uniform(-5, 40, 2))
            kind = int(rng.integers(0, 3))
            if kind == 0:
                ops.append(_square(x, y, float(rng.uniform(1, 30)), 1.0))
            elif kind == 1:
                # A long thin slanted polygon, as a connector line is.
                w = float(rng.uniform(0.5, 3))
                corners = ((x, y), (x + w, y), (x + 20 + w, y + 50.3), (x + 20, y + 50.3))
                ops.append(Shapes((corners,), (0, 0, 0), 1.0, (x, y, x + 20 + w, y + 50.3)))
            else:
                ops.append(_stroke(x, y, 0.45))
        calls = plan(ops, (0, 0), background.size)
        whole = background.copy()
        run(whole, calls)
        top = int(rng.integers(0, 60))
        bottom = int(rng.integers(top + 1, 65))
        band = background.crop((0, top, 40, bottom))
        moved = shift_rows(calls, top)
        assert moved is not None
        run(band, moved)
        assert band.tobytes() == whole.crop((0, top, 40, bottom)).tobytes()


def test_text_is_not_moved() -> None:
    from convarith.backends.raster.compile import compile_primitive
    from convarith.figure.primitives import Text

    [label] = compile_primitive(Text((5, 5), "7", 3.0, (0, 0, 0)), 4.0)
    assert shift_rows(plan([label], (0, 0), (40, 40)), 4) is None


def test_frames_drawn_in_bands_around_covered_rows_are_the_same(monkeypatch) -> None:
    # Connector lines that run under the output map: the rows it covers
    # whole are left undrawn, and every frame is still the same.
    import convarith
    from convarith.backends.raster.rasterizer import _Canvas

    figure = convarith.animate("conv", (10, 10), kernel_size=3).figure
    banded = Rasterizer(figure)
    real = _Canvas._shown_bands
    asked = []

    def counting(self, box):  # type: ignore[no-untyped-def]
        found = real(self, box)
        asked.append(found is not None and found != [(box[1], box[3])])
        return found

    monkeypatch.setattr(_Canvas, "_shown_bands", counting)
    frames = [banded.frame(n, "RGB").tobytes() for n in range(figure.frame_count)]
    monkeypatch.setattr(_Canvas, "_shown_bands", lambda self, box: None)
    whole = Rasterizer(figure)
    assert frames == [whole.frame(n, "RGB").tobytes() for n in range(figure.frame_count)]
    # Most frames were drawn in bands, so the comparison compared something.
    assert sum(asked) > len(asked) / 2
