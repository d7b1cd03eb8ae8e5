"""The HTML guide in a real headless Chromium: phone and desktop widths, links, figures, offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from convarith.guide import build_guide
from support.tools import CHROMIUM_FLAGS, require_tool

CHROMIUM_ARGS = list(CHROMIUM_FLAGS)


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("guide") / "guide.html"
    path.write_bytes(build_guide("html"))
    return path


@pytest.fixture(scope="module")
def browser():
    executable = require_tool("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _open(browser, page_file: Path, width: int, scheme: str = "light"):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_file.as_uri(), wait_until="load")
    page.wait_for_function("Array.from(document.images).every(i => i.complete)")
    return context, page, requests


@pytest.mark.slow
@pytest.mark.parametrize("width", [375, 1280])
def test_reads_at_phone_and_desktop_width(browser, page_file: Path, width: int, tmp_path) -> None:
    context, page, requests = _open(browser, page_file, width)
    try:
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page scrolls sideways by {overflow} px at {width} px"
        # Every figure loads, and is no wider than the text column.
        broken = page.evaluate(
            "Array.from(document.images).filter(i => !i.naturalWidth).map(i => i.alt)"
        )
        assert broken == []
        column = page.evaluate("document.body.clientWidth")
        widest = page.evaluate(
            "Math.max(...Array.from(document.images).map(i => i.getBoundingClientRect().width))"
        )
        assert 0 < widest <= column
        # Every internal link leads somewhere.
        missing = page.evaluate(
            """Array.from(document.querySelectorAll('a[href^="#"]'))
                 .map(a => a.getAttribute('href').slice(1))
                 .filter(id => !document.getElementById(decodeURIComponent(id)))"""
        )
        assert missing == []
        # Nothing was fetched but the page itself and its data URLs.
        outside = [url for url in requests if not url.startswith(("data:", page_file.as_uri()))]
        assert outside == []
        # MathML is rendered with the embedded math font.
        assert page.evaluate("document.querySelectorAll('math').length") > 60
        assert page.evaluate("document.fonts.check('16px \"Convarith Math\"')")
        page.goto(page_file.as_uri() + "#relationship-6")
        page.screenshot(path=str(tmp_path / f"guide-{width}.png"))
    finally:
        context.close()


@pytest.mark.slow
def test_dark_readers_get_dark_figures(browser, page_file: Path) -> None:
    for scheme, expected in (("light", "light"), ("dark", "dark")):
        context, page, _ = _open(browser, page_file, 1280, scheme)
        try:
            chosen = page.evaluate(
                """Array.from(document.querySelectorAll('picture')).map(p => {
                     const img = p.querySelector('img');
                     const dark = p.querySelector('source').getAttribute('srcset');
                     return img.currentSrc === dark ? 'dark' : 'light';
                   })"""
            )
            assert chosen and set(chosen) == {expected}
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert (background == "rgb(21, 24, 28)") == (scheme == "dark")
        finally:
            context.close()


@pytest.mark.slow
def test_figures_play(browser, page_file: Path) -> None:
    """The animated SVGs run their clocks: a figure looks different a frame later."""
    context, page, _ = _open(browser, page_file, 1280)
    try:
        figure = page.locator("#fig-no_padding_no_strides img")
        figure.scroll_into_view_if_needed()
        first = figure.screenshot()
        page.wait_for_timeout(1100)
        assert figure.screenshot() != first
    finally:
        context.close()
