"""One rule per limit: the named numbers, and the scale rule every output obeys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from convarith import ConvArithError
from convarith.core.limits import MAX_SCALE, MIN_SCALE, check_scale
from convarith.figure.primitives import Figure, Polygon, StaticLayer

RULE = r" must be a number between 0\.1 and 20$"


@pytest.mark.parametrize("good", [MIN_SCALE, 0.5, 1, 2.5, MAX_SCALE])
def test_scales_in_range_are_floats(good: float) -> None:
    assert check_scale(good) == float(good)
    assert isinstance(check_scale(good), float)


@pytest.mark.parametrize(
    "bad", [0, -2, 0.099, 20.01, 1e9, float("inf"), float("-inf"), float("nan"), True, "1", None]
)
def test_scales_out_of_range_or_not_numbers_are_refused(bad: Any) -> None:
    with pytest.raises(ConvArithError, match=r"^scale=.*" + RULE):
        check_scale(bad)


def _figure() -> Figure:
    square = Polygon(((0, 0), (10, 0), (10, 10), (0, 10)), fill=(255, 0, 0))
    return Figure(10, 10, (StaticLayer((square,)),), (100,))


def _svg(figure: Figure, scale: float) -> object:
    from convarith.backends.svg import animated_svg

    return animated_svg(figure, scale=scale)


def _pdf(figure: Figure, scale: float) -> object:
    from convarith.backends.pdf import pdf_document

    return pdf_document(figure, scale=scale)


def _tikz(figure: Figure, scale: float) -> object:
    from convarith.backends.tikz import tikz_document

    return tikz_document(figure, scale=scale)


def _raster(figure: Figure, scale: float) -> object:
    from convarith.backends.raster import render_frame

    return render_frame(figure, scale=scale)


def _save(figure: Figure, scale: float, tmp: Any) -> object:
    from convarith.formats.save import save_figure

    return save_figure(figure, tmp / "x.svg", scale=scale)


BACKENDS: list[Callable[..., object]] = [_svg, _pdf, _tikz, _raster]


@pytest.mark.parametrize("render", BACKENDS, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("scale", [0.05, 25])
def test_every_backend_refuses_by_the_same_rule(
    render: Callable[..., object], scale: float
) -> None:
    with pytest.raises(ConvArithError, match=f"^scale={scale}" + RULE):
        render(_figure(), scale)


@pytest.mark.parametrize("render", BACKENDS, ids=lambda f: f.__name__.strip("_"))
def test_every_backend_accepts_the_rule_s_ends(render: Callable[..., object]) -> None:
    for scale in (MIN_SCALE, MAX_SCALE):
        render(_figure(), scale)


def test_saving_refuses_by_the_same_rule_and_writes_nothing(tmp_path: Any) -> None:
    with pytest.raises(ConvArithError, match="^scale=25" + RULE):
        _save(_figure(), 25, tmp_path)
    assert list(tmp_path.iterdir()) == []
