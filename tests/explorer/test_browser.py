"""The explorer's page in a real headless Chromium (Debian's), driven by Playwright.

The server is the real one (uvicorn on a free port of 127.0.0.1).  Without
Chromium these tests skip, and fail under ``CI=true``.  Screenshots go to
``$CONVARITH_SCREENSHOTS`` when set (to look at), else to a temporary folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from convarith.explorer.controls import request_of
from convarith.explorer.downloads import DOWNLOADS, unavailable
from support.filechecks import check_download
from support.tools import missing, require_tool
from support.torch_connectivity import input_sets, weight_sets

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT = 15_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = require_tool("chromium", "chromium-browser")
    try:
        from playwright import sync_api
    except ImportError:
        missing("playwright is not installed (pip install '.[test]')")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=path, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    yield page
    context.close()
    assert errors == [], errors


def open_page(page: Any, url: str, query: str = "") -> None:
    page.goto(f"{url}?{query}" if query else url)
    page.wait_for_selector("body[data-ready=true]")


def applied(page: Any) -> int:
    return int(page.evaluate("explorer.applied"))


def wait_applied(page: Any, before: int) -> None:
    page.wait_for_function("(n) => explorer.applied > n", arg=before)


def picture(page: Any) -> str:
    return str(page.inner_html("#picture"))


def url_state(page: Any) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(page.url).query, keep_blank_values=True))


def test_page_loads(page: Any, live_url: str) -> None:
    open_page(page, live_url)
    assert page.title() == "convarith explorer"
    assert page.locator("#picture svg").count() == 1
    assert page.inner_text("#numbers .size") == "output 3×3"
    assert page.inner_text("#frame-label") == "1 / 9"
    assert page.locator("#grids rect[data-kind=output]").count() == 9
    # The bundled font is loaded from the server, not from the network.
    assert page.evaluate("document.fonts.check(\"16px 'Convarith Sans'\")")


#: (starting query, control, how to change it, value, what the URL then holds)
CHANGES = [
    ("", "op", "select", "conv_transpose", "op=conv_transpose"),
    ("", "input", "fill", "6x6", "input=6x6"),
    ("", "input", "slider", "7", "input=7x7"),
    ("", "kernel", "fill", "2", "kernel=2"),
    ("", "stride", "fill", "2", "stride=2"),
    ("", "padding", "fill", "1:2", "padding=1:2"),
    ("", "padding", "preset", "causal", "padding=causal"),
    ("input=7", "padding", "preset", "same", "padding=same"),
    ("", "dilation", "fill", "2", "dilation=2"),
    ("op=conv_transpose&input=3x3&stride=2", "output_padding", "fill", "1", "output_padding=1"),
    ("op=max_pool&input=5x5&kernel=2", "ceil_mode", "check", True, "ceil_mode=true"),
    ("op=avg_pool&input=4x4&kernel=3&stride=1&padding=1&view=numerical", "count_include_pad", "check", False, "count_include_pad=false"),
    ("", "view", "select", "numerical", "view=numerical"),
    ("op=conv_transpose&input=3x3&stride=2", "view", "select", "scatter", "view=scatter"),
    ("input=3x3&kernel=2", "view", "select", "matrix", "view=matrix"),
    ("op=conv_transpose&input=2x2&stride=2", "view", "select", "compare", "view=compare"),
    ("", "theme", "select", "dark", "theme=dark"),
    ("view=numerical", "seed", "fill", "5", "seed=5"),
]  # fmt: skip


@pytest.mark.parametrize(("start", "name", "how", "value", "held"), CHANGES, ids=lambda v: str(v))
def test_each_control_redraws(
    page: Any, live_url: str, start: str, name: str, how: str, value: Any, held: str
) -> None:
    open_page(page, live_url, start)
    before, count = picture(page), applied(page)
    if how == "select":
        page.select_option(f"#c-{name}", str(value))
    elif how == "fill":
        page.fill(f"#c-{name}", str(value))
    elif how == "slider":
        page.fill(f"#s-{name}", str(value))
    elif how == "preset":
        page.click(f".field[data-name={name}] button[data-preset={value}]")
    else:
        page.set_checked(f"#c-{name}", bool(value))
    wait_applied(page, count)
    assert picture(page) != before
    key, _, shown = held.partition("=")
    assert url_state(page)[key] == shown
    assert page.is_hidden("#error")


def test_a_moving_slider_is_debounced(page: Any, live_url: str) -> None:
    open_page(page, live_url, "input=5x5")
    requests, count = page.evaluate("explorer.requests"), applied(page)
    # Twenty positions of the input slider in one burst, as a dragging thumb sends them.
    page.evaluate(
        """() => { const s = document.getElementById('s-input');
        for (let n = 3; n <= 22; n += 1) { s.value = String(n); s.dispatchEvent(new Event('input', {bubbles: true})); } }"""
    )
    page.wait_for_function("() => new URLSearchParams(location.search).get('input') === '22x22'")
    # The first change goes at once; the rest wait for the burst to end and go as one.
    assert page.evaluate("explorer.requests") - requests <= 2
    assert applied(page) - count <= 2
    assert page.input_value("#c-input") == "22x22"
    assert page.inner_text("#numbers .size") == "output 20×20"


#: Configurations whose hover map is checked cell by cell in the page, against PyTorch.
HOVERS = [
    "op=conv&input=5x5&kernel=3&stride=2&padding=1",
    "op=conv&input=9&kernel=3&dilation=2&padding=causal",
    "op=conv_transpose&input=3x3&kernel=3&stride=2&padding=1&output_padding=1",
    "op=conv_transpose&input=3&kernel=2&stride=2&dilation=3",
    "op=max_pool&input=5x5&kernel=3&stride=2&padding=1&ceil_mode=true",
    "op=avg_pool&input=6&kernel=3&stride=2&padding=1&count_include_pad=false",
]


def lit(page: Any, kind: str) -> set[int]:
    return set(
        page.eval_on_selector_all(
            f"#grids rect.lit[data-kind={kind}]", "cells => cells.map(c => +c.dataset.index)"
        )
    )


@pytest.mark.parametrize("query", HOVERS)
def test_hover_lights_pytorchs_connectivity(page: Any, live_url: str, query: str) -> None:
    open_page(page, live_url, query)
    request = request_of(dict(parse_qsl(query)))
    inputs = input_sets(request.op, request.input_shape, request.params)
    weights = (
        weight_sets(request.op, request.input_shape, request.params)
        if request.op in ("conv", "conv_transpose")
        else None
    )
    assert page.locator("#grids rect[data-kind=output]").count() == len(inputs)
    for o, expected in enumerate(inputs):
        page.hover(f"#grids rect[data-kind=output][data-index='{o}']")
        assert lit(page, "input") == expected, f"output {o}"
        if weights is not None:
            assert lit(page, "weight") == weights[o], f"output {o}"
        # The picture follows: frame o is output cell o.
        page.wait_for_function(
            "(n) => document.querySelector('#frame-label').textContent.startsWith(n + ' /')",
            arg=o + 1,
        )
    cells = page.locator("#grids rect[data-kind=input]").count()
    for i in range(cells):
        page.hover(f"#grids rect[data-kind=input][data-index='{i}']")
        assert lit(page, "output") == {o for o, s in enumerate(inputs) if i in s}, f"input {i}"


def test_invalid_value_shows_the_message_and_keeps_the_picture(page: Any, live_url: str) -> None:
    open_page(page, live_url)
    before = picture(page)
    page.fill("#c-kernel", "0")
    page.wait_for_selector("#error:not([hidden])")
    assert page.inner_text("#error") == "kernel_size=0 must be at least 1"
    assert page.get_attribute("#c-kernel", "aria-invalid") == "true"
    assert picture(page) == before
    count = applied(page)
    page.fill("#c-kernel", "2")
    wait_applied(page, count)
    assert page.is_hidden("#error")
    drawn = picture(page)
    assert drawn != before
    page.fill("#c-input", "40x40")
    page.wait_for_selector("#error:not([hidden])")
    assert "input 40x40 has 1600 cells: the explorer draws at most 1024" in page.inner_text(
        "#error"
    )
    assert picture(page) == drawn
    count = applied(page)
    page.fill("#c-input", "5x5")
    wait_applied(page, count)
    assert page.is_hidden("#error")
    assert page.get_attribute("#c-kernel", "aria-invalid") is None


def test_an_invalid_link_says_why_and_draws_the_defaults(page: Any, live_url: str) -> None:
    open_page(page, live_url, "op=conv&padding=nope")
    assert "padding 'nope'" in page.inner_text("#error")
    assert page.locator("#picture svg").count() == 1


@pytest.mark.parametrize("kind", list(DOWNLOADS))
def test_each_download_is_a_valid_file(page: Any, live_url: str, kind: str) -> None:
    open_page(page, live_url, "input=3x3&kernel=2&view=numerical")
    reason = unavailable(kind)
    if reason is not None:
        assert page.locator(f"#downloads span.off[data-format={kind}]").count() == 1
        assert reason in page.inner_text("#download-note")
        return
    with page.expect_download() as info:
        page.click(f"#downloads a[data-format={kind}]")
    download = info.value
    assert download.suggested_filename == f"conv_3x3_k2_s1_p0_numerical{DOWNLOADS[kind][0]}"
    check_download(kind, Path(download.path()).read_bytes(), frames=4)


def test_an_unavailable_format_says_why(
    page: Any, live_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from convarith.explorer import downloads

    reason = "MP4 needs imageio-ffmpeg: pip install 'convarith[mp4]'"
    monkeypatch.setattr(downloads, "unavailable", lambda kind: reason if kind == "mp4" else None)
    open_page(page, live_url, "input=3x3&kernel=2")
    assert page.locator("#downloads span.off[data-format=mp4]").count() == 1
    assert page.locator("#downloads a[data-format=mp4]").count() == 0
    assert page.inner_text("#download-note") == f"MP4 is unavailable: {reason}"
    assert page.locator("#downloads a[data-format=gif]").count() == 1


def test_a_url_reproduces_the_view(page: Any, browser: Any, live_url: str) -> None:
    open_page(page, live_url)
    for name, value in (
        ("op", "conv_transpose"),
        ("input", "4x3"),
        ("stride", "2"),
        ("padding", "1"),
        ("output_padding", "1"),
        ("view", "numerical"),
        ("theme", "dark"),
        ("seed", "3"),
    ):
        count = applied(page)
        if name in ("op", "view", "theme"):
            page.select_option(f"#c-{name}", value)
        else:
            page.fill(f"#c-{name}", value)
        wait_applied(page, count)
    link = page.url
    assert "output_padding=1" in link and "seed=3" in link and "theme=dark" in link
    other = browser.new_page()
    try:
        open_page(other, link)
        for name in ("op", "input", "stride", "padding", "output_padding", "view", "theme", "seed"):
            assert other.input_value(f"#c-{name}") == page.input_value(f"#c-{name}"), name
        assert picture(other) == picture(page)
        assert other.inner_text("#numbers") == page.inner_text("#numbers")
        assert other.evaluate("document.body.classList.contains('dark')")
    finally:
        other.close()


def test_playback_and_keys(page: Any, live_url: str) -> None:
    open_page(page, live_url, "input=5x5&stride=2&padding=1")
    label = "#frame-label"
    first = picture(page)
    page.click("#picture")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('#frame-label').textContent === '2 / 9'")
    assert picture(page) != first
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("document.querySelector('#frame-label').textContent === '1 / 9'")
    assert picture(page) == first
    page.keyboard.press("End")
    page.wait_for_function("document.querySelector('#frame-label').textContent === '9 / 9'")
    page.click("#forward")
    page.wait_for_function("document.querySelector('#frame-label').textContent === '1 / 9'")
    page.fill("#frame", "4")  # jump to a frame
    page.wait_for_function("document.querySelector('#frame-label').textContent === '5 / 9'")
    expected = page.evaluate(
        "fetch('/api/frame?' + explorer.view.query + '&frame=4').then(r => r.text())"
    )
    page.wait_for_function(
        "(svg) => { const d = document.createElement('div'); d.innerHTML = svg;"
        " return d.innerHTML === document.querySelector('#picture').innerHTML; }",
        arg=expected,
    )
    page.click("#back")
    page.wait_for_function("document.querySelector('#frame-label').textContent === '4 / 9'")
    page.select_option("#speed", "4")
    page.click("#play")
    assert page.inner_text("#play") == "pause"
    page.wait_for_function("document.querySelector('#frame-label').textContent === '6 / 9'")
    page.keyboard.press(" ")
    assert page.evaluate("explorer.playing") is False
    assert page.inner_text("#play") == "play"
    stopped = page.inner_text(label)
    page.keyboard.press("Home")
    page.wait_for_function("document.querySelector('#frame-label').textContent === '1 / 9'")
    assert stopped != "1 / 9"


def test_three_d_is_answered_in_numbers(page: Any, live_url: str) -> None:
    open_page(page, live_url)
    count = applied(page)
    page.fill("#c-input", "4x4x4")
    wait_applied(page, count)
    assert "3-D is answered in numbers" in page.inner_text("#nodraw")
    assert page.is_hidden("#picture") and page.is_hidden("#connections")
    assert page.inner_text("#numbers .size") == "output 2×2×2"
    assert page.locator("#downloads a").count() == 0


def test_explanation_links_to_the_guide(page: Any, live_url: str) -> None:
    open_page(page, live_url, "input=5x5&stride=2&padding=1")
    hrefs = page.eval_on_selector_all(
        "#numbers a", "links => links.map(a => a.getAttribute('href'))"
    )
    assert "/guide#relationship-6" in hrefs and "/guide#convolution-arithmetic" in hrefs
    assert "rounds the division down" in page.inner_text("#numbers")
    page.click("#numbers a[href='/guide#relationship-6']")
    page.wait_for_url("**/guide#relationship-6")
    assert page.locator("#relationship-6").count() == 1
    open_page(page, live_url, "op=max_pool&input=5x5&kernel=3&stride=2&dilation=2")
    hrefs = page.eval_on_selector_all(
        "#numbers a", "links => links.map(a => a.getAttribute('href'))"
    )
    assert "/guide#pooling" in hrefs and "/guide#dilated-convolution" in hrefs


@pytest.mark.parametrize("width", [375, 1280])
def test_screenshots(browser: Any, live_url: str, width: int, tmp_path: Path) -> None:
    context = browser.new_context(
        viewport={"width": width, "height": 900}, has_touch=width < 500, is_mobile=width < 500
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    try:
        open_page(page, live_url, "op=conv&input=5x5&kernel=3&stride=2&padding=1")
        cell = "#grids rect[data-kind=output][data-index='4']"
        if width < 500:
            page.tap(cell)  # a phone: a tap lights the cells
        else:
            page.hover(cell)
        assert lit(page, "input") == {6, 7, 8, 11, 12, 13, 16, 17, 18}
        # Nothing wider than the screen: no sideways scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # Buttons a thumb can hit.
        heights = page.eval_on_selector_all(
            ".playback button", "bs => bs.map(b => b.getBoundingClientRect().height)"
        )
        assert min(heights) >= 36
        folder = Path(os.environ.get("CONVARITH_SCREENSHOTS", tmp_path))
        folder.mkdir(parents=True, exist_ok=True)
        shot = folder / f"explorer_{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        from PIL import Image

        with Image.open(shot) as image:
            assert image.width == width and image.height > 600
    finally:
        context.close()
