"""``Animation._repr_html_``: Jupyter shows the animated SVG inline, playing, with a caption."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import convarith
from support.tools import require_tool

ANIMATIONS = {
    "padding_strides": lambda: convarith.animate(
        "conv", (5, 5), kernel_size=3, stride=2, padding=1
    ),
    "numerical_dark": lambda: convarith.animate(
        "max_pool", (5, 5), kernel_size=3, stride=1, view="numerical", theme="dark"
    ),
    "compare": lambda: convarith.animate(
        "conv_transpose", (3, 3), kernel_size=3, stride=2, padding=1, view="compare"
    ),
    "one_d": lambda: convarith.animate("conv", (7,), kernel_size=3, dilation=2),
}

IMG = re.compile(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')


def embedded(page: str) -> bytes:
    (data,) = IMG.findall(page)
    return base64.b64decode(data, validate=True)


@pytest.mark.parametrize("name", sorted(ANIMATIONS))
def test_the_page_embeds_the_svg_file_byte_for_byte(name: str, tmp_path: Path) -> None:
    anim = ANIMATIONS[name]()
    (path,) = anim.save(tmp_path / "a.svg")
    assert embedded(anim._repr_html_()) == path.read_bytes()


def test_the_svg_plays_by_itself_and_needs_nothing_from_outside() -> None:
    anim = ANIMATIONS["padding_strides"]()
    page = anim._repr_html_()
    svg = embedded(page).decode("utf-8")
    # One visibility animation per frame: it plays without a script.
    animations = svg.count('<animate attributeName="visibility"')
    assert animations > 0 and animations % anim.frame_count == 0
    assert {f'keyTimes="0;{n / 9:.6f}'.rstrip("0") for n in range(1, 9)} <= {
        t.rstrip("0") for t in re.findall(r'keyTimes="0;[0-9.]+', svg)
    }
    assert 'repeatCount="indefinite"' in svg
    assert "<script" not in page.lower() and "<script" not in svg.lower()
    # No network: the only URLs are data URLs (the page's image, the SVG's embedded font).
    assert re.findall(r"url\((?!data:)", svg) == []
    assert "href" not in svg and "http" not in page.replace(IMG.findall(page)[0], "")


def test_the_caption_names_the_parameters() -> None:
    anim = ANIMATIONS["padding_strides"]()
    page = anim._repr_html_()
    caption = html.unescape(
        re.sub(r"<[^>]+>", "\n", page.split("<figcaption", 1)[1].split(">", 1)[1])
    )
    lines = [line for line in caption.split("\n") if line]
    assert lines == [
        "convolution: input 5x5 -> output 3x3",
        "kernel 3, stride 2, padding 1, dilation 1",
        "arithmetic view, 9 frames",
    ]
    assert f'alt="{anim.name}"' in page


def test_the_caption_follows_the_core_for_every_operation() -> None:
    anim = ANIMATIONS["compare"]()
    head = convarith.describe("conv_transpose", (3, 3), kernel_size=3, stride=2, padding=1).text()
    assert html.escape(head.splitlines()[0]) in anim._repr_html_()
    assert "compare view, " in anim._repr_html_()


def test_the_image_keeps_the_figure_s_width() -> None:
    anim = ANIMATIONS["one_d"]()
    width = round(anim.figure.width)
    assert f'width="{width}" style="max-width:100%;height:auto"' in anim._repr_html_()


@pytest.mark.slow
def test_the_page_plays_in_a_browser(tmp_path: Path) -> None:
    """Headless Chromium shows frame after frame of the image, as convarith's own raster draws them."""
    browser = require_tool("chromium", "chromium-browser")
    sync_api = pytest.importorskip("playwright.sync_api")
    from convarith.backends.raster import render_frames

    anim = convarith.animate("conv", (5, 5), kernel_size=3, stride=2, padding=1, frame_ms=500)
    page_file = tmp_path / "page.html"
    page_file.write_text(
        "<!doctype html><html><body style='margin:0'>" + anim._repr_html_() + "</body></html>",
        encoding="utf-8",
    )
    frames = [np.asarray(f, dtype=float) for f in render_frames(anim.figure)]
    height, width = frames[0].shape[:2]
    seen = []
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=browser, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = chromium.new_page(viewport={"width": 800, "height": 700})
            page.goto(page_file.as_uri())
            for wait_ms in (100, 1200, 2000):  # at about 0.1 s, 1.3 s and 3.3 s
                page.wait_for_timeout(wait_ms)
                shot = tmp_path / f"shot_{len(seen)}.png"
                page.screenshot(path=str(shot))
                image = np.asarray(Image.open(shot).convert("RGB"), dtype=float)[:height, :width]
                distances = [np.abs(image - frame).mean() for frame in frames]
                best = min(range(len(frames)), key=distances.__getitem__)
                # The browser's picture is one of the frames, clearly closer to it than to any other.
                assert distances[best] < 0.5 * sorted(distances)[1]
                seen.append(best)
        finally:
            chromium.close()
    # 500 ms a frame: the image moves forward as time passes, by itself.
    assert seen[0] < seen[1] < seen[2], seen


def test_a_padding_rule_is_named_as_it_was_asked_for() -> None:
    page = convarith.animate("conv", (5, 5), kernel_size=3, padding="same")._repr_html_()
    assert "kernel 3, stride 1, padding 1 (&#x27;same&#x27;), dilation 1" in page
