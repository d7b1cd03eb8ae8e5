"""Stroke outlines and dashes: geometry, and how they look once rasterised."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convarith.backends.raster import render_frame, strokes
from convarith.backends.raster.strokes import (
    dash_pieces,
    dashed_segment_outlines,
    inset_polygon,
    inset_quad,
    quad_outline,
    segment_outline,
    stroke_outline,
    trim_path,
)
from convarith.figure.primitives import Figure, Polygon, Polyline, StaticLayer

Point = tuple[float, float]


def area(polygon: list[Point]) -> float:
    return (
        abs(
            sum(
                x0 * y1 - x1 * y0
                for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1], strict=True)
            )
        )
        / 2
    )


def length(piece: list[Point]) -> float:
    return sum(math.dist(a, b) for a, b in itertools.pairwise(piece))


def test_a_mitred_square_outline_covers_exactly_the_ring() -> None:
    side, width = 10.0, 2.0
    square = [(0.0, 0.0), (side, 0.0), (side, side), (0.0, side)]
    quads = stroke_outline(square, width, closed=True)
    assert len(quads) == 4
    assert sum(area(q) for q in quads) == pytest.approx((side + width) ** 2 - (side - width) ** 2)
    xs = [x for q in quads for x, _ in q]
    assert (min(xs), max(xs)) == (-1.0, 11.0)  # centred on the edges


def test_a_sharp_join_is_bevelled() -> None:
    # 10 degrees between the segments: the miter would be ~11 widths long.
    angle = math.radians(10)
    path = [(10.0, 0.0), (0.0, 0.0), (10 * math.cos(angle), 10 * math.sin(angle))]
    polygons = stroke_outline(path, 1.0, closed=False)
    assert len(polygons) == 4  # two quads and two bevel triangles
    assert max(abs(x) for p in polygons for x, _ in p if x < 0) <= 0.5


@given(
    on=st.floats(0.5, 20),
    off=st.floats(0.5, 20),
    points=st.lists(st.tuples(st.floats(-100, 100), st.floats(-100, 100)), min_size=2, max_size=6),
    closed=st.booleans(),
)
def test_dashes_follow_the_pattern_along_the_whole_path(
    on: float, off: float, points: list[Point], closed: bool
) -> None:
    pieces = dash_pieces(points, (on, off), closed=closed)
    path = points + points[:1] if closed else points
    total = length(path)
    period = on + off
    expected = total // period * on + min(total % period, on)
    assert sum(length(p) for p in pieces) == pytest.approx(expected, abs=1e-6 * (1 + total))
    for piece in pieces[:-1]:
        assert length(piece) == pytest.approx(on, abs=1e-6 * (1 + total))


def test_a_dash_turns_the_corner_with_the_path() -> None:
    pieces = dash_pieces([(0, 0), (4, 0), (4, 10)], (6, 2), closed=False)
    assert pieces[0] == [(0.0, 0.0), (4.0, 0.0), (4.0, 2.0)]
    assert pieces[1] == [(4.0, 4.0), (4.0, 10.0)]


def test_solid_when_the_gap_is_zero() -> None:
    assert dash_pieces([(0, 0), (10, 0)], (2, 0), closed=False) == [[(0.0, 0.0), (10.0, 0.0)]]


def test_trimming_shortens_both_ends_along_the_path() -> None:
    path = [(0.0, 0.0), (3.0, 0.0), (3.0, 4.0)]
    trimmed = trim_path(path, 0.5)
    assert trimmed == [(0.5, 0.0), (3.0, 0.0), (3.0, 3.5)]
    assert length(trimmed) == pytest.approx(length(path) - 1)


def test_an_inset_parallelogram_keeps_its_shape_and_loses_a_band() -> None:
    cell = [(0.0, 0.0), (30.0, -15.0), (51.0, 4.5), (21.0, 19.5)]
    inner = inset_polygon(cell, 1.0)
    perimeter = length([*cell, cell[0]])
    # A convex polygon moved in by d loses P*d - d² * sum(cot(angle / 2)).
    angles = []
    for i, (x, y) in enumerate(cell):
        (px, py), (nx, ny) = cell[i - 1], cell[(i + 1) % 4]
        a, b = (px - x, py - y), (nx - x, ny - y)
        angles.append(math.acos((a[0] * b[0] + a[1] * b[1]) / math.hypot(*a) / math.hypot(*b)))
    expected = perimeter - sum(1 / math.tan(angle / 2) for angle in angles)
    assert area(cell) - area(inner) == pytest.approx(expected)
    assert len(inner) == 4


def draw(*primitives: Polygon | Polyline, size: tuple[int, int] = (120, 40)) -> np.ndarray:
    figure = Figure(size[0], size[1], (StaticLayer(primitives),), (100,))
    return np.asarray(render_frame(figure), dtype=np.int16)


def test_dashes_are_butt_capped_where_the_pattern_says() -> None:
    line = Polyline(((10, 20), (110, 20)), stroke=(0, 0, 0), stroke_width=2, dash=(10, 10))
    row = draw(line)[20, :, 0]  # the stroke covers pixel rows 19 and 20
    for start in range(10, 110, 20):
        assert (row[start : start + 10] == 0).all()  # dash: [start, start + 10)
        assert (row[start + 10 : start + 20] == 255).all()  # gap, no round caps


def test_dash_scale_follows_the_raster_scale() -> None:
    line = Polyline(((10, 20), (110, 20)), stroke=(0, 0, 0), stroke_width=2, dash=(10, 10))
    figure = Figure(120, 40, (StaticLayer((line,)),), (100,))
    row = np.asarray(render_frame(figure, scale=2))[40, :, 0]
    assert (row[20:40] == 0).all() and (row[40:60] == 255).all()


def test_a_thin_line_is_antialiased_not_dropped() -> None:
    line = Polyline(((10, 20.5), (110, 20.5)), stroke=(0, 0, 0), stroke_width=0.5)
    column = draw(line)[:, 60, 0]
    assert column[20] == pytest.approx(255 * 0.5, abs=4)  # half the pixel covered
    assert (np.delete(column, 20) == 255).all()


def test_a_translucent_outline_is_blended_once_even_at_its_joins() -> None:
    square = Polygon(
        ((20, 10), (60, 10), (60, 30), (20, 30)),
        stroke=(0, 0, 0),
        stroke_width=4,
        stroke_opacity=0.5,
    )
    image = draw(square)
    corner, edge = image[11, 21, 0], image[11, 40, 0]  # inside the top-left join, mid-edge
    assert corner == edge == pytest.approx(128, abs=2)


def test_a_translucent_fill_blends_with_what_is_below() -> None:
    below = Polygon(((0, 0), (120, 0), (120, 40), (0, 40)), fill=(0, 0, 255))
    above = Polygon(((20, 10), (60, 10), (60, 30), (20, 30)), fill=(255, 0, 0), fill_opacity=0.25)
    red, _, blue = draw(below, above)[20, 40]
    assert red == pytest.approx(64, abs=1) and blue == pytest.approx(191, abs=1)


# ---- the fast paths give the general functions' floats, to the last bit ----


def bits(value: object) -> object:
    """Floats as their exact hex form (so -0.0 and 0.0 differ), in nested lists and tuples."""
    if isinstance(value, float):
        return value.hex()
    if isinstance(value, (list, tuple)):
        return [bits(item) for item in value]
    return value


coordinate = st.floats(-500, 500, allow_nan=False)
small = st.floats(-2, 2, allow_nan=False)
halves = st.sampled_from([5e-4, 0.05, 0.5, 1.0]) | st.floats(5e-4, 10)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(x0=coordinate, y0=coordinate, dx=small | coordinate, dy=small, half=halves)
def test_a_segment_outline_is_the_trimmed_stroke_outline(
    x0: float, y0: float, dx: float, dy: float, half: float
) -> None:
    x1, y1 = x0 + dx, y0 + dy
    length = math.hypot(x1 - x0, y1 - y0)
    if not length > 1e-9:
        return  # the caller's to tell: one point
    general = stroke_outline(trim_path([(x0, y0), (x1, y1)], 0.3), 2 * half, closed=False)
    fast = segment_outline(x0, y0, x1, y1, length, half, 0.3)
    assert bits([] if fast is None else [fast]) == bits(general)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    x0=coordinate,
    y0=coordinate,
    dx=small | coordinate,
    dy=small | coordinate,
    on=st.floats(0.01, 30),
    off=st.floats(0.01, 30),
    half=halves,
)
def test_dashed_segment_outlines_are_the_trimmed_dashes_outlines(
    x0: float, y0: float, dx: float, dy: float, on: float, off: float, half: float
) -> None:
    x1, y1 = x0 + dx, y0 + dy
    length = math.hypot(x1 - x0, y1 - y0)
    if not length > 1e-9 or length / (on + off) > 300:
        return
    general = [
        polygon
        for piece in dash_pieces([(x0, y0), (x1, y1)], (on, off), closed=False)
        for polygon in stroke_outline(trim_path(piece, 0.3), 2 * half, closed=False)
    ]
    fast = dashed_segment_outlines(x0, y0, x1, y1, length, (on, off), half, 0.3)
    assert bits(fast) == bits(general)


quads = st.tuples(coordinate, coordinate).flatmap(
    lambda corner: st.tuples(*[small | coordinate] * 6).map(
        lambda sides: (
            corner,
            (corner[0] + sides[0], corner[1] + sides[1]),
            (corner[0] + sides[2], corner[1] + sides[3]),
            (corner[0] + sides[4], corner[1] + sides[5]),
        )
    )
)


def edges(points: tuple[Point, Point, Point, Point]) -> tuple[float, float, float, float] | None:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    lengths = (
        math.hypot(x1 - x0, y1 - y0),
        math.hypot(x2 - x1, y2 - y1),
        math.hypot(x3 - x2, y3 - y2),
        math.hypot(x0 - x3, y0 - y3),
    )
    return lengths if all(length > 1e-9 for length in lengths) else None


@settings(max_examples=400, deadline=None, derandomize=True)
@given(points=quads, half=halves)
def test_a_quad_outline_is_the_closed_stroke_outline(
    points: tuple[Point, Point, Point, Point], half: float
) -> None:
    lengths = edges(points)
    if lengths is None:
        return  # the caller's to tell: repeated corners
    general = stroke_outline(points, 2 * half, closed=True)
    fast = quad_outline(points, lengths, half)
    if fast is None:
        assert len(general) > 4  # bevelled: left to the general function
    else:
        assert bits(fast) == bits(general)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(points=quads, distance=st.sampled_from([0.3, 1.0]) | st.floats(0, 5))
def test_an_inset_quad_is_the_inset_polygon(
    points: tuple[Point, Point, Point, Point], distance: float
) -> None:
    lengths = edges(points)
    if lengths is None:
        return
    assert bits(inset_quad(points, lengths, distance)) == bits(inset_polygon(points, distance))


def test_the_fast_paths_meet_the_general_cases() -> None:
    # Squares, parallelograms, both orientations, signed zeros; a bevel; a
    # polygon too small to shrink; a dash shorter than its trim.
    for points in [
        ((0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0)),
        ((-0.0, -0.0), (0.0, 4.0), (4.0, 4.0), (4.0, -0.0)),
        ((56.0, 3871.2), (92.8, 3852.9), (118.5, 3876.8), (81.7, 3895.1)),
        ((0.0, 0.0), (0.2, 0.0), (0.2, 0.2), (0.0, 0.2)),
    ]:
        lengths = edges(points)
        assert lengths is not None
        outline = quad_outline(points, lengths, 0.5)
        assert outline is not None
        assert bits(outline) == bits(stroke_outline(points, 1.0, closed=True))
        assert bits(inset_quad(points, lengths, 0.3)) == bits(inset_polygon(points, 0.3))
    spike = ((0.0, 0.0), (60.0, 1.0), (0.0, 2.0), (1.0, 1.0))
    assert quad_outline(spike, edges(spike) or (0.0,) * 4, 0.5) is None
    assert dashed_segment_outlines(0.0, 0.0, 10.0, 0.0, 10.0, (0.5, 0.5), 0.5, 0.3) == []


@settings(max_examples=300, deadline=None, derandomize=True)
@given(points=quads)
def test_a_quads_area_is_the_polygons_area_to_the_last_bit(
    points: tuple[Point, Point, Point, Point],
) -> None:
    # inset_quad decides, as inset_polygon does, by the sign and size of the areas.
    flat = [c for point in points for c in point]
    assert bits(strokes._quad_area(*flat)) == bits(strokes._signed_area(points))
