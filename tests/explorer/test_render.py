"""What the page shows: the hover map against PyTorch's connectivity, the numbers, the limits."""

from __future__ import annotations

import pytest

from convarith.core.errors import ConvArithError
from convarith.explorer.controls import request_of
from convarith.explorer.limits import LimitError
from convarith.explorer.render import animation_of, frame_svg_of, page_data
from support.core_torch import conv_taps, pool_window_taps
from support.torch_connectivity import input_sets, weight_sets

#: Every operation; strided, padded (asymmetric, same, same_tf, causal), dilated,
#: transposed with output_padding, ceil mode; 1-D and 2-D.
CASES = [
    {"op": "conv", "input": "5x5", "kernel": "3", "stride": "2", "padding": "1"},
    {"op": "conv", "input": "9", "kernel": "3", "dilation": "2", "padding": "causal"},
    {"op": "conv", "input": "6x5", "kernel": "3x2", "stride": "2", "padding": "same_tf"},
    {"op": "conv", "input": "6", "kernel": "4", "padding": "same"},
    {"op": "conv", "input": "6x6", "kernel": "3", "dilation": "2", "padding": "1:2x0:1"},
    {"op": "conv_transpose", "input": "3x3", "kernel": "3", "stride": "2", "padding": "1", "output_padding": "1"},
    {"op": "conv_transpose", "input": "4", "kernel": "3", "stride": "3", "dilation": "2", "padding": "2"},
    {"op": "conv_transpose", "input": "2x3", "kernel": "2x3", "stride": "2x1", "dilation": "1x2"},
    {"op": "max_pool", "input": "6x6", "kernel": "3", "stride": "2", "padding": "1", "ceil_mode": "true"},
    {"op": "max_pool", "input": "8", "kernel": "3", "stride": "2", "dilation": "2", "padding": "1", "ceil_mode": "true"},
    {"op": "avg_pool", "input": "5x5", "kernel": "3", "stride": "2", "padding": "1", "ceil_mode": "true", "count_include_pad": "false"},
    {"op": "avg_pool", "input": "7", "kernel": "2"},
]  # fmt: skip


def _ids(case: dict[str, str]) -> str:
    return "-".join(f"{k}{v}" for k, v in case.items() if k != "op").join((case["op"] + "(", ")"))


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_hover_map_is_pytorchs_connectivity(case: dict[str, str]) -> None:
    request = request_of(case)
    conn = page_data(request)["connectivity"]
    shape = request.input_shape
    pairs = [{tuple(p) for p in cell} for cell in conn["taps"]]
    inputs = [{i for i, _ in cell} for cell in pairs]
    expected_inputs = input_sets(request.op, shape, request.params)
    assert inputs == expected_inputs
    # Both directions: each input cell feeds exactly the outputs whose Jacobian row holds it.
    for i in range(_count(shape)):
        fed = {o for o, cells in enumerate(inputs) if i in cells}
        assert fed == {o for o, cells in enumerate(expected_inputs) if i in cells}
    if request.op in ("conv", "conv_transpose"):
        assert [{k for _, k in cell} for cell in pairs] == weight_sets(
            request.op, shape, request.params
        )
    # The exact pairing of input cell and weight (window position for pooling).
    oracle = (conv_taps if request.op in ("conv", "conv_transpose") else pool_window_taps)(
        request.op, shape, request.params
    )
    out_shape = tuple(conn["output_shape"])
    expected = [set() for _ in pairs]
    kshape = tuple(conn["kernel_shape"])
    for out_cell, taps in oracle.items():
        expected[_flat(out_cell, out_shape)] = {
            (_flat(q, shape), _flat(t, kshape)) for q, t in taps
        }
    if request.op == "max_pool":
        # The oracle's windows read padding as zeros; the window's real cells are the forward's.
        expected = [
            {p for p in cell if p[0] in window} for cell, window in zip(expected, expected_inputs)
        ]
    assert pairs == expected


def _count(shape: tuple[int, ...]) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


def _flat(index: tuple[int, ...], shape: tuple[int, ...]) -> int:
    flat = 0
    for i, n in zip(index, shape):
        flat = flat * n + i
    return flat


def test_page_data_of_a_drawn_view() -> None:
    request = request_of({"input": "5x5", "stride": "2", "padding": "1"})
    data = page_data(request)
    assert data["drawn"] and data["frames"] == 9 and len(data["durations"]) == 9
    assert data["query"] == "op=conv&input=5x5&kernel=3&stride=2&padding=1"
    assert data["svg"].startswith("<svg") and "@font-face" not in data["svg"]
    assert data["frame_is_output"] is True
    numbers = data["numbers"]
    assert numbers["output_shape"] == [3, 3]
    assert numbers["axes"][0]["worked"].endswith("= 3")
    assert numbers["axes"][0]["relationship"] == 6
    assert {"text": "relationship 6", "href": "/guide#relationship-6"} in numbers["links"]
    assert numbers["links"][0]["href"] == "/guide#convolution-arithmetic"
    assert any("rounds the division down" in note for note in numbers["notes"])


def test_frames_differ_and_match_the_animation() -> None:
    query = request_of({"input": "4x4"}).query()
    frames = [frame_svg_of(query, n) for n in range(animation_of(query).frame_count)]
    assert len(set(frames)) == 4
    from convarith.backends.svg import frame_svg

    assert frames[2] == frame_svg(
        request_of({"input": "4x4"}).animation().figure, 2, embed_font=False
    )


def test_three_d_gives_numbers_only() -> None:
    data = page_data(request_of({"input": "4x4x4", "padding": "1"}))
    assert data["drawn"] is False and "svg" not in data
    assert data["numbers"]["output_shape"] == [4, 4, 4]
    assert "3-D is answered in numbers" in data["why"]


def test_other_views_keep_the_operations_connectivity() -> None:
    for view in ("scatter", "compare", "matrix"):
        data = page_data(
            request_of({"op": "conv_transpose", "input": "3x3", "stride": "2", "view": view})
        )
        assert data["frame_is_output"] is False
        assert data["connectivity"]["output_shape"] == [7, 7]


@pytest.mark.parametrize(
    ("state", "limit"),
    [
        ({"input": "33x32"}, "input_cells"),
        ({"input": "2000"}, "input_cells"),
        ({"op": "conv_transpose", "input": "30x30", "kernel": "3", "stride": "2"}, "frames"),
        ({"op": "conv_transpose", "input": "8x8", "kernel": "2", "stride": "9"}, "frames"),
        ({"input": "32x32", "kernel": "35", "padding": "17"}, "grid_cells"),
        ({"input": "32x32", "kernel": "9", "padding": "4"}, "taps"),
    ],
)
def test_limits_are_named(state: dict[str, str], limit: str) -> None:
    with pytest.raises(LimitError) as caught:
        page_data(request_of(state))
    assert caught.value.limit == limit
    assert isinstance(caught.value, ConvArithError)


@pytest.mark.parametrize("view", ["arithmetic", "numerical"])
@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_the_first_frame_drawn_alone_is_the_animations_first_frame(
    case: dict[str, str], view: str
) -> None:
    from convarith.backends.svg import frame_svg
    from convarith.explorer.render import first_frame

    for theme in ("light", "original"):
        animation = request_of({**case, "view": view, "theme": theme}).animation()
        first, count = first_frame(animation)
        assert first.frame_count == 1 and count == animation.frame_count
        assert frame_svg(first, 0) == frame_svg(animation.figure, 0)
        assert list(animation.style.durations(count)) == list(animation.figure.durations)


def test_page_data_paints_what_the_svg_file_holds() -> None:
    from convarith.backends.svg import frame_svg

    request = request_of({"input": "6x6", "kernel": "3", "view": "numerical", "seed": "4"})
    data = page_data(request)
    assert data["svg"] == frame_svg(request.animation().figure, 0, embed_font=False)


@pytest.mark.parametrize("view", ["arithmetic", "numerical"])
@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_outlines_sent_are_the_pictures_cells(case: dict[str, str], view: str) -> None:
    """Each input and output cell's outline, numbered as the hover map numbers them, to 0.1."""
    from convarith.draw.views import cell_outlines
    from convarith.scenes.model import Scene

    request = request_of({**case, "view": view})
    data = page_data(request)
    sent = data["outlines"]
    animation = request.animation()
    assert isinstance(animation.scene, Scene)
    found = cell_outlines(animation.scene, view, animation.style)
    assert (found.width, found.height) == (data["width"], data["height"])
    shape, out_shape = request.input_shape, tuple(data["connectivity"]["output_shape"])
    assert len(sent["input"]) == _count(shape) and len(sent["output"]) == _count(out_shape)
    shown = found.inputs()
    for i, points in enumerate(sent["input"]):
        cell = shown.get(_unflat(i, shape))
        if cell is None:
            assert points is None
            # A cell the grid does not show feeds no output.
            assert all(i not in {p[0] for p in taps} for taps in data["connectivity"]["taps"])
        else:
            assert _parsed(points) == pytest.approx(_flat_points(cell.points), abs=0.051)
    for o, points in enumerate(sent["output"]):
        assert found.output[o].at == _unflat(o, out_shape)
        assert _parsed(points) == pytest.approx(_flat_points(found.output[o].points), abs=0.051)


def _unflat(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    index: list[int] = []
    for n in reversed(shape):
        flat, i = divmod(flat, n)
        index.insert(0, i)
    return tuple(index)


def _parsed(points: str) -> list[float]:
    return [float(n) for p in points.split(" ") for n in p.split(",")]


def _flat_points(points: tuple[tuple[float, float], ...]) -> list[float]:
    return [n for p in points for n in p]


def test_outlines_only_where_frames_are_output_cells() -> None:
    for view in ("scatter", "compare", "matrix"):
        data = page_data(
            request_of({"op": "conv_transpose", "input": "3x3", "stride": "2", "view": view})
        )
        assert "outlines" not in data
    data = page_data(request_of({"input": "16x16", "kernel": "3", "padding": "1"}))
    # Small: four corners to 0.1 unit, a few tens of bytes a cell.
    size = sum(len(p) for p in data["outlines"]["input"] + data["outlines"]["output"])
    assert size < 50 * (256 + 256)


@pytest.mark.parametrize("view", ["arithmetic", "numerical"])
def test_cropped_input_cells_have_no_outline(view: str) -> None:
    """A transposed convolution's padding beyond its kernel crops input cells from the grid."""
    state = {"op": "conv_transpose", "input": "6x3", "kernel": "3", "stride": "2"}
    data = page_data(request_of({**state, "dilation": "2", "padding": "5x1", "view": view}))
    hidden = [i for i, points in enumerate(data["outlines"]["input"]) if points is None]
    assert hidden == [0, 1, 2, 15, 16, 17]  # the first and last rows
    fed = {i for taps in data["connectivity"]["taps"] for i, _ in taps}
    request = request_of({**state, "dilation": "2", "padding": "5x1"})
    expected = input_sets(request.op, request.input_shape, request.params)
    assert fed == set().union(*expected) == set(range(18)) - set(hidden)
