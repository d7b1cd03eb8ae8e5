"""Every figure of the guide: its strip, its command, and that the command draws it again."""

from __future__ import annotations

import html
import re
import shlex
from functools import lru_cache

import numpy as np
import pytest

from convarith.backends.raster.frames import render_frames
from convarith.backends.svg import animated_svg
from convarith.cli import main
from convarith.guide import build_guide
from convarith.guide.document import guide_figures
from convarith.guide.embedding import strip_columns
from convarith.guide.figures import GuideFigure, from_gallery, strip_frames
from support.read_back import read_back

FIGURES = guide_figures()


@pytest.mark.parametrize("count", range(1, 40))
@pytest.mark.parametrize("most", [4, 6, 8])
def test_a_strip_shows_the_first_and_the_last_frame_in_order(count: int, most: int) -> None:
    frames = strip_frames(count, most)
    assert frames[0] == 0 and frames[-1] == count - 1
    assert list(frames) == sorted(set(frames))
    assert len(frames) == min(count, most)


def test_strip_columns_narrow_as_frames_widen() -> None:
    assert [strip_columns(w, 100) for w in (50, 99, 100, 159, 160, 400)] == [4, 4, 4, 4, 2, 2]


def test_figure_names_are_unique_and_every_chapter_has_figures() -> None:
    names = [f.name for f in FIGURES]
    assert len(names) == len(set(names))
    assert len(FIGURES) >= 25


def test_the_gallery_figures_are_the_gallery_animations() -> None:
    from convarith.gallery.catalogue import ALL

    by_name = {item.name: item for item in ALL}
    for fig in FIGURES:
        item = by_name.get(fig.name)
        if item is not None and not item.values:
            assert (fig.op, fig.input_shape, fig.params, fig.view) == (
                item.op,
                item.input_shape,
                dict(item.params),
                item.view,
            )


def test_command_leaves_out_only_defaults() -> None:
    fig = GuideFigure(
        "p", "max_pool", (5, 5), {"kernel_size": 2, "stride": 2, "ceil_mode": True, "padding": 0}
    )
    assert fig.command() == (
        "convarith animate max-pool --input 5x5 --kernel 2 --stride 2 --ceil-mode -o p.gif"
    )
    conv = GuideFigure(
        "c",
        "conv",
        (8,),
        {"kernel_size": 3, "stride": 1, "padding": ((4, 0),)},
        view="numerical",
        seed=3,
    )
    assert conv.command() == (
        "convarith animate conv --input 8 --kernel 3 --padding 4:0 --view numerical --seed 3 "
        "-o c.gif"
    )


def test_from_gallery_refuses_unknown_and_valued_animations() -> None:
    from convarith.core.errors import ConvArithError

    with pytest.raises(ConvArithError, match="no gallery animation"):
        from_gallery("nope", "")
    with pytest.raises(ConvArithError, match="values of its own"):
        from_gallery("numerical_max_pooling", "")


@lru_cache(maxsize=1)
def printed_commands() -> dict[str, str]:
    """Figure id -> the command printed under it, read from the HTML the guide writes."""
    page = build_guide("html").decode()
    found = re.findall(
        r'<figure id="fig-([a-z0-9_]+)">.*?</figure><pre class="command"><code>(.*?)</code></pre>',
        page,
        flags=re.S,
    )
    return {name: html.unescape(command) for name, command in found}


def test_every_figure_prints_its_command() -> None:
    assert sorted(printed_commands()) == sorted(f.name for f in FIGURES)


@pytest.mark.slow
@pytest.mark.parametrize("fig", FIGURES, ids=[f.name for f in FIGURES])
def test_the_printed_command_draws_the_figure_again(
    fig: GuideFigure, tmp_path, capsys, monkeypatch
) -> None:
    """Run the command exactly as the guide prints it; its GIF's frames are the figure's."""
    words = shlex.split(printed_commands()[fig.name])
    assert words[:2] == ["convarith", "animate"]
    monkeypatch.chdir(tmp_path)
    assert main(words[1:]) == 0, capsys.readouterr().err
    written = tmp_path / words[-1]
    frames, _, _ = read_back(written)
    figure = fig.animation().figure
    expected = [np.asarray(f.convert("RGB")) for f in render_frames(figure, mode="P")]
    assert len(frames) == figure.frame_count == len(expected)
    for n, (got, want) in enumerate(zip(frames, expected)):
        assert np.array_equal(got, want), f"{fig.name}: frame {n} differs"


def test_the_html_embeds_each_figure_in_both_themes() -> None:
    """The page's images are the library's animated SVGs, with a cut-down font added."""
    import base64
    import re

    from convarith.guide.embedding import _animated_svg

    fig = FIGURES[1]
    for theme in ("light", "dark"):
        svg = _animated_svg(fig, theme)
        plain = animated_svg(fig.animation(theme).figure, embed_font=False)
        without_font = re.sub(r"<style>@font-face.*?</style>\n", "", svg, count=1)
        assert without_font == plain
        font = re.search(r"base64,([A-Za-z0-9+/=]+)\) format\('woff'\)", svg)
        assert font is not None and base64.b64decode(font.group(1))[:4] == b"wOFF"
