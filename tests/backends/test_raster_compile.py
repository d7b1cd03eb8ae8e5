"""Compiling primitives: the fast paths give the general path's operations, bit for bit.

The rasterizer truncates coordinates to ints, so the last bit of a float can
flip a pixel: equality here is on each float's exact value (its hex form, so
even -0.0 and 0.0 differ), not ``==`` on the operations.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convarith.backends.raster import compile as compiling
from convarith.backends.raster.compile import compile_primitive
from convarith.backends.raster.ops import Op, Shapes
from convarith.figure.primitives import Figure, Polygon, Polyline, StaticLayer

UNITS = (4.0, 2.8, 1.3)
BLACK, BLUE = (0, 0, 0), (38, 139, 210)
# A window cell and a connector of the 64x64 convolution animation, as drawn there.
CELL = (
    (14.0, 967.8117460446791),
    (23.191176470588232, 963.216157809385),
    (29.625000000000057, 969.1904225152673),
    (20.433823529411768, 973.7860107505614),
)
CONNECTOR = ((425.7647058823529, 1350.1646872211497), (1014.0, 1056.047040162326))
GRID_DASH = (1.938194442147325, 1.938194442147325)
GRID_WIDTH = 0.5168518512392868


def exact(value: Any) -> Any:
    """``value`` with every float as its exact hex form and its type."""
    if isinstance(value, float):
        return (type(value).__name__, value.hex())
    if isinstance(value, tuple):
        return tuple(exact(item) for item in value)
    return value


def exact_ops(ops: list[Op]) -> list[Any]:
    shapes = [op for op in ops if isinstance(op, Shapes)]
    assert len(shapes) == len(ops)
    return [(exact(op.polygons), op.color, exact(op.opacity), exact(op.bounds)) for op in shapes]


def assert_as_general(primitive: Polygon | Polyline, unit: float) -> None:
    fast = compile_primitive(primitive, unit)
    general = compiling._compile_general(primitive, unit)
    assert exact_ops(fast) == exact_ops(general)


def square(x: float, y: float, w: float, h: float) -> tuple[tuple[float, float], ...]:
    return ((x, y), (x + w, y), (x + w, y + h), (x, y + h))


# Shapes the fast paths take, and the edge cases where they must give way or
# give nothing exactly as the general path does.
LINES = [
    Polyline(CONNECTOR, BLACK, GRID_WIDTH),
    Polyline(CONNECTOR, BLACK, GRID_WIDTH, 1.0, GRID_DASH),
    Polyline(((21.0, 21.0), (231.0, 21.0)), BLACK, 1.687004442445032, 1.0, (6.3, 6.3)),
    Polyline(((0, 0), (10, 0)), BLACK, 1),  # ints
    Polyline(((0, 10), (0, 0)), BLACK, 2, 0.5),  # translucent, upwards
    Polyline(((-0.0, 0.0), (10.0, -0.0)), BLACK, 1.0),  # signed zeros
    Polyline(((-0.0, 0.0), (10.0, -0.0)), BLACK, 1.0, 1.0, (1.0, 1.0)),
    Polyline(((0.0, 0.0), (0.15, 0.0)), BLACK, 1.0),  # 0.6 px at unit 4: trimmed away
    Polyline(((0.0, 0.0), (0.1500001, 0.0)), BLACK, 1.0),  # just longer
    Polyline(((1.0, 1.0), (1.0, 1.0)), BLACK, 1.0),  # one point
    Polyline(((1.0, 1.0), (1.0 + 1e-12, 1.0)), BLACK, 1.0),  # closer than a point
    Polyline(((0.0, 0.0), (3.0, 4.0)), BLACK, 1e-4),  # thinner than the inset
    Polyline(((0.0, 0.0), (3.0, 4.0)), BLACK, 0.0),  # no width
    Polyline(((0.0, 0.0), (3.0, 4.0)), BLACK, 1.0, 0.0),  # invisible
    Polyline(((0.0, 0.0), (3.0, 4.0)), BLACK, 1.0, 1.5),  # opacity capped at 1
    Polyline(((0.0, 0.0), (10.0, 0.0)), BLACK, 1.0, 1.0, (0.1, 0.1)),  # dashes trimmed away
    Polyline(((0.0, 0.0), (10.0, 0.0)), BLACK, 1.0, 1.0, (0.15, 0.15)),  # 0.6 px dashes
    Polyline(((0.0, 0.0), (10.0, 0.0)), BLACK, 1.0, 1.0, (2.5, 2.5)),  # ends on a gap
    Polyline(((0.0, 0.0), (10.0, 0.0)), BLACK, 1.0, 1.0, (3.0, 2.0)),  # ends in a dash
    Polyline(((0.0, 0.0), (7.0, 7.0)), BLACK, 1.0, 1.0, (20.0, 1.0)),  # one long dash
    Polyline(((0.0, 0.0), (10.0, 0.0)), BLACK, 1.0, 1.0, (1e-9, 1.0)),  # dots
    Polyline(((0.0, 0.0), (10.0, 0.0)), BLACK, 1.0, 1.0, (2.0, 0.0)),  # no gap: solid
    Polyline(((0.0, 0.0), (10.0, 0.0)), BLACK, 1.0, 1.0, (0.0, 2.0)),  # no dash
    Polyline(((0.0, 0.0), (10.0, 0.0)), BLACK, 1.0, 1.0, (-1.0, 2.0)),
]
QUADS = [
    Polygon(CELL, BLUE),
    Polygon(CELL, BLUE, 1.0, BLACK, GRID_WIDTH),
    Polygon(CELL, None, 1.0, BLACK, GRID_WIDTH),
    Polygon(CELL[::-1], BLUE, 0.25, BLACK, GRID_WIDTH, 0.5),  # clockwise, translucent
    Polygon(square(0, 0, 2, 2), BLUE),  # ints
    Polygon(square(-0.0, -0.0, 2.0, 2.0), BLUE, 1.0, BLACK, 1.0),  # signed zeros
    Polygon(square(81.0, 81.0, 30.0, 30.0), BLUE, 1.0, BLACK, 1.687004442445032),
    Polygon(square(0.0, 0.0, 0.2, 0.2), BLUE, 1.0, BLACK, 0.1),  # too small to inset
    Polygon(square(0.0, 0.0, 10.0, 1e-3), BLUE, 1.0, BLACK, 0.1),  # a sliver
    Polygon(((0.0, 0.0), (4.0, 4.0), (4.0, 0.0), (0.0, 4.0)), BLUE, 1.0, BLACK, 0.5),  # crossed
    Polygon(((0.0, 0.0), (8.0, 0.0), (4.0, 1.0), (4.0, 8.0)), BLUE, 1.0, BLACK, 0.5),  # concave
    Polygon(((0.0, 0.0), (60.0, 1.0), (0.0, 2.0), (1.0, 1.0)), BLUE, 1.0, BLACK, 1.0),  # bevels
    Polygon(((0.0, 0.0), (1.0, 0.0), (2.0, 0.0), (3.0, 0.0)), BLUE, 1.0, BLACK, 1.0),  # no area
    Polygon(((0.0, 0.0), (5.0, 0.0), (5.0, 0.0), (0.0, 5.0)), BLUE, 1.0, BLACK, 1.0),  # repeat
    Polygon(((0.0, 0.0), (5.0, 0.0), (5.0, 5.0), (0.0, 0.0)), BLUE, 1.0, BLACK, 1.0),  # closed
    Polygon(square(0, 0, 10, 10), None, 1.0, BLACK, 2.0, 1.0, (3.0, 1.0)),  # dashed outline
    Polygon(square(0, 0, 10, 10), BLUE, 0.0, BLACK, 0.0),  # invisible
    Polygon(square(0, 0, 10, 10), BLUE, 2.0, BLACK, 1.0, -1.0),  # opacities out of range
]
# Shapes without a fast path, through compile_primitive as before.
OTHERS = [
    Polyline(((0.0, 0.0), (4.0, 0.0), (4.0, 4.0)), BLACK, 1.0, 1.0, (1.0, 0.5)),
    Polyline(((0.0, 0.0),), BLACK, 1.0),
    Polygon(((0.0, 0.0), (4.0, 0.0), (4.0, 4.0)), BLUE, 1.0, BLACK, 1.0),
]


@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize("primitive", LINES + QUADS + OTHERS, ids=repr)
def test_fast_paths_compile_as_the_general_path_does(
    primitive: Polygon | Polyline, unit: float
) -> None:
    assert_as_general(primitive, unit)


def test_the_common_shapes_take_the_fast_paths() -> None:
    # Otherwise the equalities above would only compare the general path with itself.
    assert compiling._compile_segment(LINES[0], 4.0)
    assert compiling._compile_segment(LINES[1], 4.0)
    for quad in QUADS[:4]:
        assert compiling._compile_quad(quad, 4.0)
    # ... and they give way where the general path merges points or bevels joins.
    assert compiling._compile_quad(QUADS[11], 4.0) is None  # a bevelled join
    assert compiling._compile_quad(QUADS[13], 4.0) is None  # a repeated corner
    assert compiling._compile_quad(QUADS[15], 4.0) is None  # a dashed outline


def test_a_figure_compiles_as_the_general_path_does(classic: Figure) -> None:
    primitives = {
        primitive
        for layer in classic.layers
        for group in ([layer.primitives] if isinstance(layer, StaticLayer) else list(layer.frames))
        for primitive in group
        if isinstance(primitive, Polygon | Polyline)
    }
    assert len(primitives) > 100
    for primitive in primitives:
        assert_as_general(primitive, 4.0)


coordinates = st.floats(-300, 300, allow_nan=False) | st.integers(-300, 300).map(float)
near = st.floats(-2, 2, allow_nan=False)
points = st.tuples(coordinates, coordinates)
widths = st.sampled_from([0.0, 1e-4, 0.1, GRID_WIDTH, 1.0, 3.5]) | st.floats(0, 10)
opacities = st.sampled_from([1.0, 0.5, 0.0, 1.5])
dashes = st.none() | st.sampled_from([GRID_DASH, (0.1, 0.1), (0.15, 0.15), (3.0, 0.0)])
dashes |= st.tuples(st.floats(0.05, 20), st.floats(0.05, 20))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    start=points,
    offset=st.tuples(near, near) | st.tuples(coordinates, coordinates),
    width=widths,
    opacity=opacities,
    dash=dashes,
    unit=st.sampled_from(UNITS),
)
def test_any_two_point_line_compiles_as_the_general_path_does(
    start: tuple[float, float],
    offset: tuple[float, float],
    width: float,
    opacity: float,
    dash: tuple[float, float] | None,
    unit: float,
) -> None:
    end = (start[0] + offset[0], start[1] + offset[1])
    if dash is not None and math.dist(start, end) / sum(dash) > 500:
        dash = None  # thousands of dashes test nothing more, slowly
    assert_as_general(Polyline((start, end), BLACK, width, opacity, dash), unit)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    corner=points,
    sides=st.tuples(near, near, near, near, near, near) | st.tuples(*[coordinates] * 6),
    fill=st.sampled_from([None, BLUE]),
    stroke=st.sampled_from([None, BLACK]),
    width=widths,
    opacity=opacities,
    unit=st.sampled_from(UNITS),
)
def test_any_quadrilateral_compiles_as_the_general_path_does(
    corner: tuple[float, float],
    sides: tuple[float, ...],
    fill: tuple[int, int, int] | None,
    stroke: tuple[int, int, int] | None,
    width: float,
    opacity: float,
    unit: float,
) -> None:
    x, y = corner
    quad = (
        (x, y),
        (x + sides[0], y + sides[1]),
        (x + sides[2], y + sides[3]),
        (x + sides[4], y + sides[5]),
    )
    assert_as_general(Polygon(quad, fill, opacity, stroke, width, opacity), unit)


def test_an_outlines_bounds_are_the_general_bounds_to_the_sign_of_zero() -> None:
    # quad_outline's quadrilaterals share corners; min and max keep the first of
    # equal values (0.0 and -0.0 are equal), so the order the corners are taken
    # in counts: try 0.0 and -0.0 at every pair of corners, the rest above (for
    # min) or below (for max).
    for rest in (1.0, -1.0):
        for i, j in itertools.permutations(range(8), 2):
            corners = [(rest, rest)] * 8
            corners[i], corners[j] = (0.0, 0.0), (-0.0, -0.0)
            p0, p1, p2, p3, q0, q1, q2, q3 = corners
            quads = [(p0, p1, q1, q0), (p1, p2, q2, q1), (p2, p3, q3, q2), (p3, p0, q0, q3)]
            ring = compiling._ring_shapes(quads, BLACK, 1.0)
            general = compiling._outline_shapes(quads, BLACK, 1.0)
            assert exact(ring.bounds) == exact(general.bounds)
            assert ring == general
