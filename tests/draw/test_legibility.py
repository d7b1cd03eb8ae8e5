"""Pictures that teach at every size: labels that read small, values that read, nothing overlapping.

* Every label of every gallery figure has capitals at least 6 px tall when
  the whole figure is shown 150 px wide (the width of the original README).
* No label box overlaps another label, a value or any shape, in any frame
  (boxes from the bundled font's metrics).
* Values are at least as large, relative to the cell, as in the original's
  numerical figures, and keep 4.5:1 contrast (WCAG) on the cell they sit on,
  for every theme and every cell colour, shaded or not.

The original's sizes were measured on its PDFs (reference/pdf, cells of
14.17 pt): input values 5.46 pt tall, subscripts and outputs 3.42 pt.
"""

from __future__ import annotations

import itertools

import pytest

import convarith
from convarith.draw import THEMES
from convarith.draw.views import cell_size
from convarith.figure.fonts import cap_height
from convarith.figure.primitives import DynamicLayer, Polygon, Polyline, StaticLayer, Text
from support.views_cases import (
    contrast,
    frame_primitives,
    gallery,
    label_box,
    overlap,
    seen_values,
    shape_box,
)

README_WIDTH, MIN_CAP = 150, 6.0
ORIGINAL_INPUT, ORIGINAL_SMALL = 5.46 / 14.17, 3.42 / 14.17

ITEMS = gallery()
IDS = [item.name for item, _ in ITEMS]


def _frames_to_check(count: int) -> list[int]:
    return sorted({0, count // 2, count - 1})


@pytest.mark.parametrize(("item", "anim"), ITEMS, ids=IDS)
def test_labels_read_at_the_readme_width(item, anim) -> None:
    fig = anim.figure
    labels = [
        p
        for index in range(fig.frame_count)
        for p in frame_primitives(fig, index)
        if isinstance(p, Text) and p.kind == "label"
    ]
    assert labels, "a gallery figure is labelled"
    shrink = README_WIDTH / fig.width
    for t in labels:
        capitals = cap_height(t.size, t.bold) * shrink
        assert capitals >= MIN_CAP, f"{t.text!r}: capitals {capitals:.2f} px at {README_WIDTH} px"


@pytest.mark.parametrize(("item", "anim"), ITEMS, ids=IDS)
def test_labels_overlap_nothing(item, anim) -> None:
    fig = anim.figure
    for index in _frames_to_check(fig.frame_count):
        prims = frame_primitives(fig, index)
        labels = [p for p in prims if isinstance(p, Text) and p.kind == "label"]
        values = [label_box(p) for p in prims if isinstance(p, Text) and p.kind == "value"]
        shapes = [shape_box(p) for p in prims if isinstance(p, (Polygon, Polyline))]
        boxes = [label_box(t) for t in labels]
        for (a, box_a), (b, box_b) in itertools.combinations(zip(labels, boxes), 2):
            assert overlap(box_a, box_b) <= 0.5, f"frame {index}: {a.text!r} on {b.text!r}"
        for t, box in zip(labels, boxes):
            for other in values + shapes:
                assert overlap(box, other) <= 0.5, f"frame {index}: {t.text!r} on {other}"
        # And everything is on the canvas.
        for box in boxes:
            assert box[0] >= 0 and box[1] >= 0 and box[2] <= fig.width and box[3] <= fig.height


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_values_contrast_with_every_cell_colour(theme) -> None:
    style = THEMES[theme]
    cells = [style.input_color, style.output_color, style.kernel_color, style.paper]
    for cell in cells + [style.shaded(c) for c in cells]:
        ink = style.ink(cell)
        assert contrast(ink, cell) >= 4.5, (theme, cell, ink)
    # The style's own value colour is used where it reads.
    assert style.ink(style.output_color) == style.value_color or (
        contrast(style.value_color, style.output_color) < 4.5
    )


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize(
    ("item", "anim"),
    [(item, anim) for item, anim in ITEMS if item.numerical or item.view != "arithmetic"],
    ids=[item.name for item, _ in ITEMS if item.numerical or item.view != "arithmetic"],
)
def test_values_in_figures_contrast_with_their_cells(item, anim, theme) -> None:
    themed = convarith.animate(
        item.op,
        item.input_shape,
        view=item.view,
        numerical=item.numerical,
        theme=theme,
        **item.params,
    )
    fig, paper = themed.figure, themed.style.paper
    seen = 0
    for index in _frames_to_check(fig.frame_count):
        for t, ink, cell in seen_values(frame_primitives(fig, index), paper):
            seen += 1
            assert contrast(ink, cell) >= 4.5, f"frame {index}: {t.text!r} {ink} on {cell}"
    assert seen


NUMERICAL = [(item, anim) for item, anim in ITEMS if item.view == "numerical"]


@pytest.mark.parametrize(("item", "anim"), NUMERICAL, ids=[item.name for item, _ in NUMERICAL])
def test_values_are_as_large_as_the_originals(item, anim) -> None:
    fig = anim.figure
    cell = cell_size(anim.scene, "numerical", anim.style)
    static = [layer for layer in fig.layers if isinstance(layer, StaticLayer)]
    dynamic = [layer for layer in fig.layers if isinstance(layer, DynamicLayer)]

    def caps(prims) -> list[float]:
        return [
            cap_height(p.size) / cell for p in prims if isinstance(p, Text) and p.kind == "value"
        ]

    inputs, outputs = caps(static[0].primitives), caps(static[1].primitives)
    window = caps(p for frame in dynamic[0].frames for p in frame)
    assert inputs and outputs and min(inputs) >= ORIGINAL_INPUT
    assert min(outputs) >= ORIGINAL_SMALL
    if anim.scene.values.weights is not None:
        assert window and min(window) >= ORIGINAL_SMALL


def test_labels_off_and_the_original_theme_leave_only_the_maps() -> None:
    for style in ({"labels": False}, {"theme": "original"}):
        for view in ("arithmetic", "numerical"):
            fig = convarith.animate(
                "conv_transpose", (3, 3), view=view, kernel_size=3, stride=2, padding=1, **style
            ).figure
            labels = [
                p
                for index in range(fig.frame_count)
                for p in frame_primitives(fig, index)
                if isinstance(p, Text) and p.kind == "label"
            ]
            assert labels == [], (style, view)


@pytest.mark.parametrize(("item", "anim"), NUMERICAL, ids=[item.name for item, _ in NUMERICAL])
def test_numerical_notes_are_centred_like_the_rest(item, anim) -> None:
    """Notes (and the caption) sit on the axis of the two maps, whatever the labels do."""
    captioned = convarith.animate(
        item.op, item.input_shape, view="numerical", caption=True, **item.params
    ).figure
    static = [layer for layer in captioned.layers if isinstance(layer, StaticLayer)]
    shapes = [
        shape_box(p) for layer in static[:2] for p in layer.primitives if not isinstance(p, Text)
    ]
    left, right = min(b[0] for b in shapes), max(b[2] for b in shapes)
    notes = [p for p in static[2].primitives if isinstance(p, Text) and not p.bold]
    assert notes
    for note in notes:
        assert note.anchor == "middle"
        assert note.position[0] == pytest.approx((left + right) / 2, abs=0.5), note.text
