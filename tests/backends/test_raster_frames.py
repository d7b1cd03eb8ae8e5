"""The raster backend on the classic figure: sizes, colours, layers, dirty boxes."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from convarith.backends.raster import Rasterizer, render_frame, render_frames
from convarith.core.errors import ConvArithError
from convarith.figure.primitives import DynamicLayer, Figure, StaticLayer
from support.raster_figures import (
    BLUE,
    CYAN,
    SHADE,
    SHADE_OPACITY,
    WHITE,
    classic_layout,
)

LAYOUT = classic_layout(5, 1, 3, 2, 30.0)


def rgb(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"), dtype=np.int16)


def pixel(image: Image.Image, point: tuple[float, float]) -> tuple[int, ...]:
    value = image.convert("RGB").getpixel((int(point[0]), int(point[1])))
    assert isinstance(value, tuple)
    return value


def shaded(color: tuple[int, int, int]) -> tuple[int, ...]:
    return tuple(round(SHADE_OPACITY * s + (1 - SHADE_OPACITY) * c) for s, c in zip(SHADE, color))


def close(found: tuple[int, ...], expected: tuple[int, ...]) -> bool:
    # Blending rounds in 8 bits.
    return all(abs(a - b) <= 1 for a, b in zip(found, expected, strict=True))


def test_frame_count_and_size(classic: Figure, rgb_frames: list[Image.Image]) -> None:
    size = (math.ceil(classic.width), math.ceil(classic.height))
    assert len(rgb_frames) == classic.frame_count == 9
    assert {f.size for f in rgb_frames} == {size}
    assert {f.mode for f in rgb_frames} == {"RGB"}


def test_scale_multiplies_the_size(classic: Figure) -> None:
    frames = render_frames(classic, scale=2, mode="P")
    assert len(frames) == 9
    first = next(frames)
    assert len(frames) == 8  # the stream counts what is left
    assert first.size == (math.ceil(classic.width * 2), math.ceil(classic.height * 2))


def test_palette_frames_share_one_small_palette(p_frames: list[Image.Image]) -> None:
    palettes = {tuple(f.getpalette() or ()) for f in p_frames}
    assert len(palettes) == 1
    assert 16 <= len(palettes.pop()) // 3 <= 128
    assert {f.mode for f in p_frames} == {"P"}


def test_palette_frames_match_full_colour_frames(
    p_frames: list[Image.Image], rgb_frames: list[Image.Image]
) -> None:
    for p, full in zip(p_frames, rgb_frames, strict=True):
        error = np.abs(rgb(p) - rgb(full)).max(axis=2)
        # Flat colours are exact; a few antialiased edge pixels move a little.
        assert np.mean(error == 0) > 0.97
        assert np.percentile(error, 99.9) <= 24


@pytest.mark.parametrize("mode", ["RGB", "P"])
def test_colours_at_known_points(classic: Figure, mode: str) -> None:
    frames = list(render_frames(classic, mode=mode))  # type: ignore[arg-type]
    cell = LAYOUT.inputs.corner
    first, last = frames[0], frames[-1]
    # Frame 0: the window covers padded cells (0..2, 0..2); frame 8 covers (4..6, 4..6).
    assert pixel(first, cell(5.5, 5.5)) == BLUE  # an inner cell far from the window
    assert close(pixel(first, cell(2.5, 2.5)), shaded(BLUE))  # an inner cell under the window
    assert close(pixel(first, cell(0.5, 0.5)), shaded(WHITE))  # a padding cell under the window
    assert pixel(last, cell(2.5, 2.5)) == BLUE  # the window has moved on
    assert pixel(first, (3, 3)) == WHITE  # background
    out = LAYOUT.outputs.corner
    assert close(pixel(first, out(0.5, 0.5)), shaded(CYAN))  # current output cell
    assert pixel(first, out(2.5, 2.5)) == CYAN
    assert close(pixel(last, out(2.5, 2.5)), shaded(CYAN))


def test_frames_differ_from_the_static_image_only_in_their_dirty_box(
    raster: Rasterizer, rgb_frames: list[Image.Image]
) -> None:
    static = rgb(raster.static_image())
    width, height = raster.size
    for index, frame in enumerate(rgb_frames):
        box = raster.dirty_box(index)
        assert box is not None
        changed = np.any(rgb(frame) != static, axis=2)
        inside = np.zeros_like(changed)
        inside[box[1] : box[3], box[0] : box[2]] = True
        assert changed.any()
        assert not (changed & ~inside).any()
        assert (box[2] - box[0]) * (box[3] - box[1]) < 0.5 * width * height


def test_static_layer_above_hides_the_lines_below(classic: Figure) -> None:
    # Without the connector lines, nothing may change inside the output grid.
    without = Figure(
        classic.width,
        classic.height,
        tuple(layer for i, layer in enumerate(classic.layers) if i != 2),
        classic.durations,
    )
    grid = Image.new("L", render_frame(classic).size, 0)
    ImageDraw.Draw(grid).polygon(LAYOUT.outputs.quad(0, 0, 3, 3), fill=255)
    interior = np.asarray(grid.filter(ImageFilter.MinFilter(5))) > 0
    for index in (0, 4, 8):
        with_lines = rgb(render_frame(classic, index))
        without_lines = rgb(render_frame(without, index))
        differs = np.any(with_lines != without_lines, axis=2)
        assert differs.sum() > 50  # the lines are drawn between the grids...
        assert not (differs & interior).any()  # ...and hidden under the output grid


def test_edges_are_antialiased(rgb_frames: list[Image.Image]) -> None:
    colors = rgb_frames[0].getcolors(1 << 16)
    assert colors is not None and len(colors) > 100


def test_dirty_box_of_a_figure_without_dynamic_layers_is_none() -> None:
    figure = Figure(10, 10, (), (100, 100))
    raster = Rasterizer(figure)
    assert raster.dirty_box(1) is None
    assert raster.frame(1).getpixel((5, 5)) == (255, 255, 255)


def test_a_dynamic_layer_alone_is_drawn() -> None:
    from convarith.figure.primitives import Polygon

    def square(x: float) -> Polygon:
        return Polygon(((x, 2), (x + 4, 2), (x + 4, 6), (x, 6)), fill=(200, 0, 0))

    figure = Figure(16, 8, (DynamicLayer(((square(2),), (square(10),))),), (1, 1))
    first, second = render_frames(figure)
    assert first.getpixel((4, 4)) == (200, 0, 0) and first.getpixel((12, 4)) == (255, 255, 255)
    assert second.getpixel((4, 4)) == (255, 255, 255) and second.getpixel((12, 4)) == (200, 0, 0)


def test_bad_arguments_raise_one_line_errors(classic: Figure) -> None:
    with pytest.raises(ConvArithError, match=r"^mode='RGBA' must be 'RGB' or 'P'$"):
        render_frames(classic, mode="RGBA")  # type: ignore[arg-type]
    with pytest.raises(ConvArithError, match=r"^scale=0 must be a number between 0.1 and 20$"):
        render_frames(classic, scale=0)
    with pytest.raises(ConvArithError, match=r"^index=9 must be a frame number from 0 to 8"):
        Rasterizer(classic).frame(9)
    with pytest.raises(ConvArithError, match="more than"):
        Rasterizer(classic, scale=20)  # 7940x9596 px


def test_a_large_canvas_is_supersampled_less() -> None:
    from convarith.figure.primitives import Polygon

    square = Polygon(((100, 100), (200, 100), (200, 200), (100, 200)), fill=(0, 0, 0))
    figure = Figure(2000, 1500, (StaticLayer((square,)),), (100,))
    raster = Rasterizer(figure)
    assert raster.supersample == 3  # 4x would be 48 M supersampled pixels
    frame = raster.frame(0)
    assert frame.size == (2000, 1500)
    assert frame.getpixel((150, 150)) == (0, 0, 0) and frame.getpixel((250, 150)) == WHITE


def test_static_groups_far_apart_are_drawn_as_one_box_would_draw_them(
    classic: Figure, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Overlays split into groups of ops that share pixels give the very same frames."""
    import convarith.backends.raster.rasterizer as rasterizer
    from convarith.figure.primitives import Text

    labels = StaticLayer(
        (
            Text((40, 12), "top label", 12, (0, 43, 54)),
            Text((classic.width - 40, classic.height - 12), "bottom", 12, (0, 43, 54), bold=True),
        )
    )
    figure = Figure(classic.width, classic.height, (*classic.layers, labels), classic.durations)
    raster = Rasterizer(figure)
    overlays = [item for item in raster._canvases[0]._rest if isinstance(item, rasterizer._Overlay)]
    assert len(overlays) >= 2  # the two labels are far apart: boxes of their own
    split = [np.asarray(raster.frame(i)) for i in range(figure.frame_count)]

    def one_group(self: object, ops: list[object]) -> list[tuple[list[object], object]]:
        boxes = [b for b in (self._box([op]) for op in ops) if b is not None]  # type: ignore[attr-defined]
        return [(list(ops), rasterizer.union(boxes))] if boxes else []

    monkeypatch.setattr(rasterizer._Canvas, "_groups", one_group)
    whole = Rasterizer(figure)
    assert len([i for i in whole._canvases[0]._rest if isinstance(i, rasterizer._Overlay)]) < len(
        overlays
    )
    for index, frame in enumerate(split):
        assert np.array_equal(frame, np.asarray(whole.frame(index))), index


@pytest.mark.parametrize("mode", ["RGB", "P"])
def test_each_frame_notes_where_it_may_differ_from_the_static_image(
    raster: Rasterizer, mode: str
) -> None:
    # Encoders compare consecutive frames only inside these notes
    # (convarith.pixels.changes): a note too small would lose changes.
    from convarith.pixels.changes import KEY

    frames = [raster.frame(index, mode) for index in range(raster.frame_count)]
    assert len({id(frame.info[KEY][0]) for frame in frames}) == 1  # one static image
    assert [frame.info[KEY][1] for frame in frames] == [
        raster.dirty_box(index) for index in range(raster.frame_count)
    ]
    for before, after in itertools.pairwise(frames):
        a, b = before.info[KEY][1], after.info[KEY][1]
        left, top = min(a[0], b[0]), min(a[1], b[1])
        right, bottom = max(a[2], b[2]), max(a[3], b[3])
        differ = np.asarray(before) != np.asarray(after)
        if differ.ndim == 3:
            differ = differ.any(axis=2)
        assert differ.any()
        differ[top:bottom, left:right] = False
        assert not differ.any()  # outside both boxes, the two frames agree


def _rect(x: float, y: float, w: float, h: float, color, opacity: float = 1.0):  # type: ignore[no-untyped-def]
    from convarith.figure.primitives import Polygon

    return Polygon(
        ((x, y), (x + w, y), (x + w, y + h), (x, y + h)), fill=color, fill_opacity=opacity
    )


@pytest.mark.parametrize("seed", range(6))
def test_a_frame_equals_its_layers_drawn_as_a_static_figure(seed: int) -> None:
    # Whatever the dirty box of a frame's first dynamic layers ("head") and
    # that of a later one: the same box, the head inside it, sharing its
    # corner or not.  Rectangles on whole pixels, so that where a box puts
    # the image's corner changes no pixel, and the frame must equal the
    # figure drawn with that frame's primitives in static layers (kept
    # apart by empty dynamic layers, so that each is laid over as before).
    rng = np.random.default_rng(seed)
    below = StaticLayer(tuple(_rect(2 * i, 0, 2, 40, (30 * i % 256, 90, 200)) for i in range(20)))
    above = StaticLayer((_rect(0, 18, 40, 3, (250, 200, 0), 0.7),))
    heads, laters = [], []
    for _ in range(5):
        x, y = (int(v) for v in rng.integers(0, 30, 2))
        w, h = (int(v) for v in rng.integers(1, 10, 2))
        heads.append((_rect(x, y, w, h, (200, 0, 0), 0.5), _rect(x + 1, y, 1, h, (0, 0, 0))))
        kind = rng.integers(0, 3)
        if kind == 0:  # the same box
            later = (_rect(x, y, w, h, (0, 150, 0), 0.4),)
        elif kind == 1:  # the same corner, larger
            later = (_rect(x, y, w + 5, h + 3, (0, 150, 0), 0.4),)
        else:  # elsewhere
            later = (_rect(39 - x, 39 - y, w, 1, (0, 150, 0), 0.4),)
        laters.append(later)
    figure = Figure(
        40, 40, (below, DynamicLayer(tuple(heads)), above, DynamicLayer(tuple(laters))), (100,) * 5
    )
    raster = Rasterizer(figure, scale=1.0)
    nothing = DynamicLayer(((),))
    for index in range(5):
        drawn = Figure(
            40,
            40,
            (below, StaticLayer(heads[index]), nothing, above, nothing, StaticLayer(laters[index])),
            (100,),
        )
        expected = Rasterizer(drawn, scale=1.0).static_image()
        assert raster.frame(index).tobytes() == expected.tobytes(), (seed, index)
