"""Static layers above a dynamic one are split into groups whose boxes share no pixel."""

from __future__ import annotations

import random

from convarith.backends.raster.ops import Shapes
from convarith.backends.raster.rasterizer import Rasterizer
from convarith.figure.primitives import Figure
from convarith.pixels.boxes import Box, intersection


def _reference(canvas, ops):  # type: ignore[no-untyped-def]
    """Merge any two groups whose boxes meet, until none do (the order-free fixpoint)."""
    groups: list[tuple[list[int], Box]] = []
    for number, op in enumerate(ops):
        box = canvas._box([op])
        if box is not None:
            groups.append(([number], box))
    merged = True
    while merged:
        merged = False
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                if intersection(groups[i][1], groups[j][1]) is not None:
                    (a, box_a), (b, box_b) = groups[i], groups[j]
                    joined = (
                        min(box_a[0], box_b[0]),
                        min(box_a[1], box_b[1]),
                        max(box_a[2], box_b[2]),
                        max(box_a[3], box_b[3]),
                    )
                    groups[i] = (a + b, joined)
                    del groups[j]
                    merged = True
                    break
            if merged:
                break
    return {(tuple(sorted(members)), box) for members, box in groups}


def test_groups_are_the_fixpoint_of_merging_boxes_that_meet_with_ops_in_drawing_order() -> None:
    canvas = Rasterizer(Figure(200, 200, (), (100,)), scale=1.0)._canvases[0]
    rng = random.Random(7)
    for case in range(200):
        ops = []
        for _ in range(rng.randint(1, 40)):
            x, y = rng.uniform(-20, 800), rng.uniform(-20, 800)
            w, h = rng.uniform(0, 60 if case % 2 else 200), rng.uniform(0, 60)
            square = ((x, y), (x + w, y), (x + w, y + h), (x, y + h))
            ops.append(Shapes((square,), (0, 0, 0), 1.0, (x, y, x + w, y + h)))
        groups = canvas._groups(ops)
        index = {id(op): n for n, op in enumerate(ops)}
        found = {(tuple(index[id(op)] for op in members), box) for members, box in groups}
        # The same partition and boxes, each group's ops in the order they are drawn.
        assert found == _reference(canvas, ops)
        for (_, a), (_, b) in ((g, h) for g in groups for h in groups if g is not h):
            assert intersection(a, b) is None
