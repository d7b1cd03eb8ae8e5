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
from support.tools import CHROMIUM_FLAGS, missing, require_tool
from support.torch_connectivity import input_sets, weight_sets

ARGS = list(CHROMIUM_FLAGS)
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


# ---------------------------------------------------------------- hovering the picture itself

#: Configurations hovered on the picture: dilated, transposed (stride 2, padding, output
#: padding; 1-D dilated, its padding cropping the input), max and average pooling in ceil
#: mode, 1-D causal, in both views.
PICTURE_HOVERS = [
    "op=conv&input=7x7&kernel=3&dilation=2&padding=1",
    "op=conv_transpose&input=3x3&kernel=3&stride=2&padding=1&output_padding=1",
    "op=max_pool&input=5x5&kernel=3&stride=2&padding=1&ceil_mode=true",
    "op=conv&input=9&kernel=3&dilation=2&padding=causal",
    "op=conv_transpose&input=6&kernel=3&stride=2&dilation=2&padding=5",
    "op=conv_transpose&input=3x3&kernel=3&stride=2&padding=1&output_padding=1&view=numerical",
    "op=conv&input=9&kernel=3&dilation=2&padding=causal&view=numerical",
    "op=avg_pool&input=6x5&kernel=3&stride=2&padding=1&ceil_mode=true&view=numerical",
]


def wait_overlay(page: Any) -> None:
    page.wait_for_selector("#overlay:not([hidden]) polygon[data-kind=output]", state="attached")


def centres(page: Any, kind: str) -> dict[int, tuple[float, float]]:
    """The centre (CSS pixels of the page) of each of the overlay's cells of ``kind``."""
    found = page.eval_on_selector_all(
        f"#overlay polygon[data-kind={kind}]",
        """ps => ps.map(p => { const r = p.getBoundingClientRect();
            return [+p.dataset.index, r.x + r.width / 2, r.y + r.height / 2]; })""",
    )
    return {int(i): (x, y) for i, x, y in found}


def lit_on_picture(page: Any, kind: str) -> set[int]:
    return set(
        page.eval_on_selector_all(
            f"#overlay polygon.lit[data-kind={kind}]", "cells => cells.map(c => +c.dataset.index)"
        )
    )


def source_on_picture(page: Any) -> list[str]:
    return list(
        page.eval_on_selector_all(
            "#overlay polygon.source", "cells => cells.map(c => c.dataset.kind + c.dataset.index)"
        )
    )


def frame_is(page: Any, number: int) -> None:
    page.wait_for_function(
        "(n) => document.querySelector('#frame-label').textContent.startsWith(n + ' /')",
        arg=number,
    )


def assert_overlay_fits(page: Any) -> None:
    """The overlay has the picture's viewBox and lies exactly on the picture's box."""
    boxes = page.evaluate(
        """() => { const svg = document.querySelector('#picture svg');
            const overlay = document.getElementById('overlay');
            const box = (e) => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; };
            return [box(svg), box(overlay), svg.getAttribute('viewBox'), overlay.getAttribute('viewBox')]; }"""
    )
    picture_box, overlay_box, picture_view, overlay_view = boxes
    assert overlay_view == picture_view
    assert overlay_box == pytest.approx(picture_box, abs=0.5)


@pytest.mark.parametrize("query", PICTURE_HOVERS)
def test_hovering_the_picture_lights_pytorchs_connectivity(
    page: Any, live_url: str, query: str
) -> None:
    open_page(page, live_url, query)
    wait_overlay(page)
    assert_overlay_fits(page)
    request = request_of(dict(parse_qsl(query)))
    inputs = input_sets(request.op, request.input_shape, request.params)
    weights = (
        weight_sets(request.op, request.input_shape, request.params)
        if request.op in ("conv", "conv_transpose")
        else None
    )
    outputs = centres(page, "output")
    assert sorted(outputs) == list(range(len(inputs)))
    for o, expected in enumerate(inputs):
        page.mouse.move(*outputs[o])
        assert lit_on_picture(page, "input") == expected, f"output {o}"
        assert lit_on_picture(page, "output") == set()
        assert source_on_picture(page) == [f"output{o}"]
        # The panel lights the same cells, and the weights used.
        assert lit(page, "input") == expected, f"output {o}"
        if weights is not None:
            assert lit(page, "weight") == weights[o], f"output {o}"
        frame_is(page, o + 1)  # the picture follows: frame o is output cell o
    cells = centres(page, "input")
    # Every input cell is on the picture, except those a transposed convolution's padding crops
    # (and those feed no output).
    fed = {
        i: {o for o, s in enumerate(inputs) if i in s} for i in range(_cells(request.input_shape))
    }
    assert {i for i in fed if fed[i]} <= set(cells)
    for i, at in cells.items():
        page.mouse.move(*at)
        assert lit_on_picture(page, "output") == fed[i], f"input {i}"
        assert lit_on_picture(page, "input") == set()
        assert source_on_picture(page) == [f"input{i}"]
        assert lit(page, "output") == fed[i], f"input {i}"
    # Off the cells, nothing is lit; leaving the picture, nothing is lit.
    page.mouse.move(*cells[min(cells)])
    page.mouse.move(1, 1)
    assert lit_on_picture(page, "output") == set() and source_on_picture(page) == []


def _cells(shape: tuple[int, ...]) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


def test_the_picture_follows_playback_and_taps(page: Any, live_url: str) -> None:
    open_page(page, live_url, "op=conv&input=5x5&kernel=3&stride=2&padding=1")
    wait_overlay(page)
    outputs, inputs = centres(page, "output"), centres(page, "input")
    page.select_option("#speed", "4")
    page.click("#play")
    # While it plays, hovering lights the cells but leaves the animation running.
    page.mouse.move(*outputs[4])
    assert lit_on_picture(page, "input") == {6, 7, 8, 11, 12, 13, 16, 17, 18}
    label = page.inner_text("#frame-label")
    page.wait_for_function(
        "(l) => document.querySelector('#frame-label').textContent !== l", arg=label
    )
    assert page.evaluate("explorer.playing") is True
    # A click on an output cell stops it there.
    page.mouse.click(*outputs[7])
    assert page.evaluate("explorer.playing") is False
    frame_is(page, 8)
    assert lit_on_picture(page, "input") == {16, 17, 18, 21, 22, 23}
    # Frames painted later keep the overlay on the picture.
    page.keyboard.press("ArrowRight")
    frame_is(page, 9)
    assert_overlay_fits(page)
    page.mouse.move(*inputs[0])
    assert lit_on_picture(page, "output") == {0}
    # A view without outlines takes the overlay away; back again, it returns.
    count = applied(page)
    page.select_option("#c-view", "matrix")
    wait_applied(page, count)
    assert page.locator("#overlay polygon").count() == 0
    assert page.evaluate("document.getElementById('overlay').hasAttribute('hidden')")
    count = applied(page)
    page.select_option("#c-view", "numerical")
    wait_applied(page, count)
    wait_overlay(page)
    assert_overlay_fits(page)


@pytest.mark.parametrize("width", [375, 1280])
def test_picture_hover_screenshots(browser: Any, live_url: str, width: int, tmp_path: Path) -> None:
    """A tap (phone) or hover (desktop) on the picture, at both widths: the overlay scales with it."""
    phone = width < 500
    context = browser.new_context(
        viewport={"width": width, "height": 900}, has_touch=phone, is_mobile=phone
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    folder = Path(os.environ.get("CONVARITH_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    shots = [
        ("op=conv&input=5x5&kernel=3&stride=2&padding=1", "output", 4, {6, 7, 8, 11, 12, 13, 16, 17, 18}),
        ("op=conv_transpose&input=3x3&kernel=3&stride=2&padding=1&output_padding=1", "input", 4, {7, 8, 9, 13, 14, 15, 19, 20, 21}),
        ("op=conv&input=6x6&kernel=3&stride=2&padding=1&view=numerical", "output", 4, {7, 8, 9, 13, 14, 15, 19, 20, 21}),
    ]  # fmt: skip
    try:
        for query, kind, index, expected in shots:
            open_page(page, live_url, query)
            wait_overlay(page)
            assert_overlay_fits(page)
            at = centres(page, kind)[index]
            if phone:
                page.touchscreen.tap(*at)
            else:
                page.mouse.move(*at)
            other = "input" if kind == "output" else "output"
            assert lit_on_picture(page, other) == expected
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            view = "numerical" if "numerical" in query else request_of(dict(parse_qsl(query))).op
            shot = folder / f"explorer_picture_{view}_{kind}_{width}.png"
            page.wait_for_timeout(100)  # the frame the hover asked for
            page.locator("#picture-wrap").screenshot(path=str(shot))
    finally:
        context.close()


def test_the_overlay_follows_the_picture_when_the_window_resizes(page: Any, live_url: str) -> None:
    open_page(page, live_url, "op=conv_transpose&input=4x4&kernel=3&stride=2&padding=1")
    wait_overlay(page)
    for width, height in ((1280, 900), (900, 700), (375, 700), (1280, 500)):
        page.set_viewport_size({"width": width, "height": height})
        # The observer places the overlay after the next layout, before that frame's paint.
        page.wait_for_function(
            """() => { const a = document.querySelector('#picture svg').getBoundingClientRect();
                const b = document.getElementById('overlay').getBoundingClientRect();
                return Math.abs(a.width - b.width) < 0.5 && Math.abs(a.x - b.x) < 0.5; }"""
        )
        assert_overlay_fits(page)
        page.mouse.move(*centres(page, "input")[5])
        assert lit_on_picture(page, "output") == _fed_by(5)
        page.mouse.move(0, 0)


def _fed_by(cell: int) -> set[int]:
    """The outputs of the transposed convolution above that an input cell feeds, by PyTorch."""
    request = request_of(
        {"op": "conv_transpose", "input": "4x4", "kernel": "3", "stride": "2", "padding": "1"}
    )
    inputs = input_sets(request.op, request.input_shape, request.params)
    return {o for o, s in enumerate(inputs) if cell in s}
