"""(e) Rendered frames: the right cells are shaded, in the right colours, frame by frame.

Cells are found on the figure (its polygons), their grid positions worked out
from the geometry (the slanted view's shear, or flat cells of one size), and
compared with the scene; then the rendered pixels are sampled inside them.
Colours: the original's input blue, output cyan, and the window shading
(7,54,66) at 40 % over whatever is under it.
"""

from __future__ import annotations

import numpy as np
import pytest

import convarith
from convarith.backends.raster import render_frame
from convarith.draw.views import cell_size
from support.views_cases import blend, centroid, dynamic_frame, polygons, toward

WHITE = (255, 255, 255)
INPUT, OUTPUT, SHADE = (38, 139, 210), (42, 161, 152), (7, 54, 66)


def patch(image, point, radius: int = 2) -> tuple[int, ...]:
    """Median colour of a small square around ``point`` (thin lines and text edges don't count)."""
    x, y = round(point[0]), round(point[1])
    box = np.asarray(image.crop((x - radius, y - radius, x + radius + 1, y + radius + 1)))
    return tuple(int(v) for v in np.median(box.reshape(-1, 3), axis=0))


def near(got, want, tolerance: int = 4) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(got, want))


# ---- slanted (arithmetic) view --------------------------------------------------------------


def slanted_cells(polys, cell: float, origin: tuple[int, int]) -> list[tuple[int, int]]:
    """Grid (row, col) of sheared cells, the top-left-most one at ``origin``.

    The original's projection: grid ``(x, y)`` goes to ``(x - 0.7 y, -(0.5 x + 0.65 y))``
    cells on the canvas; ``x`` is the column, ``y`` runs up the map (against the row).
    """
    m = np.array([[1.0, -0.7], [-0.5, -0.65]])
    xy = [np.linalg.solve(m, np.array(centroid(p.points)) / cell) for p in polys]
    rows = [-v[1] for v in xy]
    cols = [v[0] for v in xy]
    r0, c0 = min(rows), min(cols)
    result = [(round(r - r0) + origin[0], round(c - c0) + origin[1]) for r, c in zip(rows, cols)]
    for (r, c), rr, cc in zip(result, rows, cols):
        assert abs(rr - r0 - (r - origin[0])) < 1e-6 and abs(cc - c0 - (c - origin[1])) < 1e-6
    return result


@pytest.mark.parametrize(
    ("op", "shape", "params", "frames"),
    [
        ("conv", (5, 5), {"kernel_size": 3, "stride": 2, "padding": 1}, (0, 4, 8)),
        ("conv", (7, 7), {"kernel_size": 3, "dilation": 2}, (0, 5)),
        ("conv_transpose", (3, 3), {"kernel_size": 3, "stride": 2, "padding": 1}, (0, 6, 24)),
    ],
)
def test_arithmetic_frames_shade_the_window_and_the_current_output_cell(
    op, shape, params, frames
) -> None:
    anim = convarith.animate(op, shape, **params)
    sc, fig, style = anim.scene, anim.figure, anim.style
    cell = cell_size(sc, "arithmetic", style)
    static = [p for layer in fig.layers if hasattr(layer, "primitives") for p in layer.primitives]
    inputs = polygons(static, INPUT)
    outputs = polygons(static, OUTPUT)
    assert len(outputs) == int(np.prod(sc.output_shape))
    # Input cells sit where the grid holds input (the first such position is the origin).
    first = tuple(next(g for g, k in enumerate(ax.kinds) if k == "input") for ax in sc.grid)
    in_cells = slanted_cells(inputs, cell, first)
    expected_inputs = {
        (r, c)
        for r, rk in enumerate(sc.grid[0].kinds)
        for c, ck in enumerate(sc.grid[1].kinds)
        if rk == ck == "input"
    }
    assert set(in_cells) == expected_inputs
    out_cells = slanted_cells(outputs, cell, (0, 0))
    # The reference point of the input grid: one input polygon and its grid cell.
    ref_poly, ref_cell = inputs[0], in_cells[0]

    for n in frames:
        frame = sc.frames[n]
        taps = polygons(dynamic_frame(fig, 0, n), SHADE)
        highlight = polygons(dynamic_frame(fig, 1, n), SHADE)
        assert len(highlight) == 1
        # Taps: exactly the frame's grid positions (dilated taps only, not the holes).
        tap_cells = slanted_cells([ref_poly, *taps], cell, (0, 0))
        dr, dc = ref_cell[0] - tap_cells[0][0], ref_cell[1] - tap_cells[0][1]
        assert {(r + dr, c + dc) for r, c in tap_cells[1:]} == {t.grid for t in frame.taps}
        # The highlighted output cell is this frame's output cell.
        both = slanted_cells([*outputs, highlight[0]], cell, (0, 0))
        assert both[-1] == frame.output
        assert both[:-1] == out_cells

        image = render_frame(fig, n)
        assert near(patch(image, centroid(highlight[0].points)), blend(OUTPUT, SHADE, 0.4))
        others = [p for p, oc in zip(outputs, out_cells) if oc != frame.output]
        assert near(patch(image, centroid(others[-1].points)), OUTPUT)
        by_cell = dict(zip([(r + dr, c + dc) for r, c in tap_cells[1:]], taps))
        for tap in frame.taps:
            under = INPUT if tap.input is not None else WHITE
            got = patch(image, centroid(by_cell[tap.grid].points))
            assert near(got, blend(under, SHADE, 0.4)), (n, tap, got)
        # An input cell outside the window keeps its colour.
        outside = [p for p, g in zip(inputs, in_cells) if g not in by_cell]
        if outside:
            assert near(patch(image, centroid(outside[-1].points)), INPUT)


# ---- flat views ---------------------------------------------------------------------------


def flat_cells(polys, cell: float, origin: tuple[float, float]) -> list[tuple[int, int]]:
    out = []
    for p in polys:
        left = min(x for x, _ in p.points)
        top = min(y for _, y in p.points)
        r, c = (top - origin[1]) / cell, (left - origin[0]) / cell
        assert abs(r - round(r)) < 1e-6 and abs(c - round(c)) < 1e-6
        out.append((round(r), round(c)))
    return out


def corner_point(poly) -> tuple[float, float]:
    """Inside the cell, near its top-left corner: clear of centred values and subscripts."""
    return toward(poly.points, 0, 0.55)


@pytest.mark.parametrize("n", [0, 7, 12])
def test_numerical_transposed_frame_pixels(n) -> None:
    params = {"kernel_size": 3, "stride": 2, "padding": 1}
    anim = convarith.animate("conv_transpose", (3, 3), view="numerical", **params)
    sc, fig = anim.scene, anim.figure
    cell = cell_size(sc, "numerical", anim.style)
    static = [p for layer in fig.layers if hasattr(layer, "primitives") for p in layer.primitives]
    inputs = polygons(static, INPUT)
    outputs = polygons(static, OUTPUT)
    # Grid origin: the first input cell sits at grid (pad, pad).
    first = next(g for g, k in enumerate(sc.grid[0].kinds) if k == "input")
    left = min(min(x for x, _ in p.points) for p in inputs) - first * cell
    top = min(min(y for _, y in p.points) for p in inputs) - first * cell
    frame = sc.frames[n]
    taps = polygons(dynamic_frame(fig, 0, n), SHADE)
    assert set(flat_cells(taps, cell, (left, top))) == {t.grid for t in frame.taps}
    o_left = min(min(x for x, _ in p.points) for p in outputs)
    o_top = min(min(y for _, y in p.points) for p in outputs)
    (highlight,) = polygons(dynamic_frame(fig, 1, n), SHADE)
    assert flat_cells([highlight], cell, (o_left, o_top)) == [frame.output]
    # The output sits right of the grid, vertically centred on it.
    assert o_left == pytest.approx(left + (sc.grid_shape[1] + 1) * cell)

    image = render_frame(fig, n)
    assert near(patch(image, corner_point(highlight)), blend(OUTPUT, SHADE, 0.4))
    for tap, poly in zip(frame.taps, taps):
        under = INPUT if tap.input is not None else WHITE
        assert near(patch(image, corner_point(poly)), blend(under, SHADE, 0.4))
    unshaded = [p for p in outputs if p.points != highlight.points]
    assert near(patch(image, corner_point(unshaded[0])), OUTPUT)


# ---- scatter ------------------------------------------------------------------------------

KERNEL_FILL = (238, 232, 213)


@pytest.mark.parametrize("n", [0, 4, 8])
def test_scatter_frame_shades_the_current_input_cell_and_its_block(n) -> None:
    params = {"kernel_size": 3, "stride": 2, "padding": 1}
    anim = convarith.animate("conv_transpose", (3, 3), view="scatter", **params)
    sc, fig = anim.scene, anim.figure
    cell = cell_size(sc, "scatter", anim.style)
    static = [p for layer in fig.layers if hasattr(layer, "primitives") for p in layer.primitives]
    inputs = polygons(static, INPUT)
    outputs = polygons(static, OUTPUT)  # the kept (cropped) part of the full result
    i_origin = (
        min(x for p in inputs for x, _ in p.points),
        min(y for p in inputs for _, y in p.points),
    )
    (rlo, _), (clo, _) = sc.crop
    f_origin = (
        min(x for p in outputs for x, _ in p.points) - clo * cell,
        min(y for p in outputs for _, y in p.points) - rlo * cell,
    )
    frame = sc.frames[n]
    shaded = polygons(dynamic_frame(fig, 0, n), SHADE)
    # The input is the top panel: its shading is the one above the input's bottom edge.
    i_bottom = max(y for p in inputs for _, y in p.points)
    on_input = [p for p in shaded if max(y for _, y in p.points) <= i_bottom + 1e-6]
    assert flat_cells(on_input, cell, i_origin) == [frame.input]
    assert len(on_input) == 1
    rest = [p for p in shaded if p is not on_input[0]]
    assert set(flat_cells(rest, cell, f_origin)) == {pos for _, pos, _ in frame.taps}

    image = render_frame(fig, n)
    assert near(patch(image, corner_point(on_input[0])), blend(INPUT, SHADE, 0.4))
    other = next(p for p in inputs if p.points != on_input[0].points)
    assert near(patch(image, corner_point(other)), INPUT)
    for poly, (r, c) in zip(rest, flat_cells(rest, cell, f_origin)):
        kept = rlo <= r < sc.crop[0][1] and clo <= c < sc.crop[1][1]
        under = OUTPUT if kept else WHITE
        assert near(patch(image, corner_point(poly)), blend(under, SHADE, 0.4))
    # The kernel panel: pale cells.
    kernel = polygons(static, KERNEL_FILL)
    assert near(patch(image, corner_point(kernel[0])), KERNEL_FILL)


# ---- matrix -------------------------------------------------------------------------------


@pytest.mark.parametrize(("op", "shape"), [("conv", (4, 4)), ("conv_transpose", (2, 2))])
def test_matrix_frame_shades_one_row_or_column_with_its_pattern(op, shape) -> None:
    anim = convarith.animate(op, shape, view="matrix", kernel_size=3)
    ms, fig = anim.scene, anim.figure
    cell = cell_size(ms, "matrix", anim.style)
    ids = np.asarray(ms.kernel_ids)
    boxes = []
    for n in ms.frames:
        outlines = [
            p
            for p in polygons(dynamic_frame(fig, 0, n))
            if p.fill is None and p.stroke_width > anim.style.thick * cell * 1.5
        ]
        assert len(outlines) == 1
        xs = [x for x, _ in outlines[0].points]
        ys = [y for _, y in outlines[0].points]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    rows, cols = ids.shape
    for n, (left, top, right, bottom) in enumerate(boxes):
        # A whole row of C (conv) or column of Cᵀ (transposed), moving one cell per frame.
        if ms.transposed:
            assert (right - left, bottom - top) == pytest.approx((cell, rows * cell))
            assert left == pytest.approx(boxes[0][0] + n * cell)
        else:
            assert (right - left, bottom - top) == pytest.approx((cols * cell, cell))
            assert top == pytest.approx(boxes[0][1] + n * cell)
    for n in (0, len(ms.frames) - 1):
        image = render_frame(fig, n)
        left, top, _, _ = boxes[n]
        line = ids[:, n] if ms.transposed else ids[n]
        for j, entry in enumerate(line):
            x, y = (left, top + j * cell) if ms.transposed else (left + j * cell, top)
            got = patch(image, (x + 0.2 * cell, y + 0.2 * cell), radius=1)
            under = KERNEL_FILL if entry >= 0 else WHITE
            assert near(got, blend(under, SHADE, 0.4), 5), (n, j, got)


def test_compare_final_frame_frames_both_outputs_in_the_accent_colour() -> None:
    anim = convarith.animate(
        "conv_transpose", (3, 3), view="compare", kernel_size=3, stride=2, padding=1
    )
    fig = anim.figure
    last = anim.frame_count - 1
    framed = [p for p in polygons(dynamic_frame(fig, 0, last)) if p.fill is None]
    assert len(framed) == 2
    image = render_frame(fig, last)
    accent = framed[0].stroke
    for poly in framed:
        (x0, y0), (x1, y1) = poly.points[0], poly.points[1]
        assert near(patch(image, ((x0 + x1) / 2, (y0 + y1) / 2), radius=1), accent, 6)
    # The frame before has no accent there.
    before = render_frame(fig, last - 1)
    (x0, y0), (x1, y1) = framed[0].points[0], framed[0].points[1]
    assert not near(patch(before, ((x0 + x1) / 2, (y0 + y1) / 2), radius=1), accent, 40)
