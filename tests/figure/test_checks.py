"""Every renderer and encoder checks a figure's frames by the same rule, in the same words."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from convarith import ConvArithError
from convarith.backends.pdf import pdf_document, pdf_frame
from convarith.backends.raster import render_frame, render_frames
from convarith.backends.svg import animated_svg, frame_svg
from convarith.backends.tikz import tikz_document
from convarith.encoders import write_apng, write_gif, write_webp
from convarith.figure.checks import check_frame
from convarith.figure.primitives import Figure, Polygon, StaticLayer

SQUARE = Polygon(((0, 0), (8, 0), (8, 8), (0, 8)), fill=(0, 0, 200))


def _figure(durations: tuple[int, ...]) -> Figure:
    return Figure(8, 8, (StaticLayer((SQUARE,)),), durations)


DOCUMENTS: list[Callable[[Figure], object]] = [animated_svg, pdf_document, tikz_document]


@pytest.mark.parametrize("render", DOCUMENTS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    ("durations", "message"),
    [
        ((), r"^durations=\(\) must hold at least one frame$"),
        ((1000, 0), r"^durations\[1\]=0 must be a whole number of ms, at least 1$"),
    ],
)
def test_documents_check_durations_alike(
    render: Callable[[Figure], object], durations: tuple[int, ...], message: str
) -> None:
    with pytest.raises(ConvArithError, match=message):
        render(_figure(durations))


@pytest.mark.parametrize("write", [write_gif, write_webp, write_apng], ids=lambda f: f.__name__)
def test_encoders_check_durations_alike(write: Callable[..., object], tmp_path: Path) -> None:
    frames = render_frames(_figure((100, 100)), mode="P" if write is write_gif else "RGB")
    with pytest.raises(ConvArithError, match=r"^durations\[1\]=-5 must be a whole number of ms"):
        write(frames, [100, -5], tmp_path / "a.out")
    assert list(tmp_path.iterdir()) == []


FRAMES: list[Callable[[Figure, int], object]] = [frame_svg, pdf_frame, render_frame]


@pytest.mark.parametrize("render", FRAMES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("index", [2, -1, True, 1.0])
def test_frame_numbers_are_checked_alike(
    render: Callable[[Figure, int], object], index: object
) -> None:
    with pytest.raises(
        ConvArithError, match=r"must be a frame number from 0 to 1 \(the figure has 2 frames\)$"
    ):
        render(_figure((100, 100)), index)  # type: ignore[arg-type]


def test_check_frame_names_the_parameter_and_the_range() -> None:
    figure = Figure(1, 1, (), (10, 10, 10))
    assert check_frame(figure, 2) == 2
    with pytest.raises(ConvArithError, match=r"^frames\[1\]=3 must be a frame number from 0 to 2 "):
        check_frame(figure, 3, name="frames[1]")
    with pytest.raises(ConvArithError, match=r"^index=1.0 must be"):
        check_frame(figure, 1.0)  # type: ignore[arg-type]
