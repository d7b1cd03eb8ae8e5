"""The widget's ES module in a real browser (headless Chromium), wired to the kernel's side by hand.

The page mounts ``static/explorer.js`` as anywidget does: ``render({model, el})``
with a model that holds the traits the kernel sent.  What the module sends
(``model.set`` then ``save_changes``) is handed to the Python widget through
the test's front end, and the kernel's answer is set back on the page's model,
so the module and the widget run together as they do in Jupyter.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import convarith
from convarith.explorer.controls import CONTROLS, OPERATIONS, applies
from convarith.notebook.widget import STATIC
from support.tools import require_tool

pytestmark = pytest.mark.slow

HARNESS = """<!doctype html><html><head><meta charset="utf-8"><style>{css}</style></head>
<body><div id="out"></div><script type="module">
const data = {state};
const handlers = {{}};
let pending = {{}};
window.sent = [];
const model = {{
  get: (key) => data[key],
  set: (key, value) => {{
    data[key] = value;
    pending[key] = value;
    for (const cb of handlers["change:" + key] || []) cb();
  }},
  on: (name, cb) => {{ (handlers[name] ||= []).push(cb); }},
  off: (name, cb) => {{ handlers[name] = (handlers[name] || []).filter((f) => f !== cb); }},
  save_changes: () => {{ window.sent.push(pending); pending = {{}}; }},
}};
// The kernel's answer: traits set from outside, as a comm message sets them.
window.receive = (traits) => {{
  Object.assign(data, traits);
  for (const key of Object.keys(traits)) for (const cb of handlers["change:" + key] || []) cb();
}};
const source = {js};
const module = await import(URL.createObjectURL(new Blob([source], {{ type: "text/javascript" }})));
module.default.render({{ model, el: document.getElementById("out") }});
window.ready = true;
</script></body></html>"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = require_tool("chromium", "chromium-browser")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-gpu"]
        )
        yield chromium
        chromium.close()


class Session:
    """One widget: the Python side (a test front end) and the page that runs the ES module."""

    def __init__(self, front: Any, page: Any) -> None:
        self.front = front
        self.page = page

    def relay(self) -> None:
        """Hand what the page sent to the kernel, and the kernel's answer back to the page."""
        sent = self.page.evaluate("window.sent.splice(0)")
        for traits in sent:
            published = len(self.front.comm.published)
            self.front.send(**traits)
            answer: dict[str, Any] = {}
            for msg_type, data in self.front.comm.published[published:]:
                if msg_type == "comm_msg" and data["method"] == "update":
                    answer.update(data["state"])
            if answer:
                self.page.evaluate("(traits) => window.receive(traits)", answer)
        self.page.wait_for_timeout(50)

    def text(self, selector: str) -> str:
        return str(self.page.inner_text(selector))


@pytest.fixture
def session(browser: Any, open_widget: Any, tmp_path: Path) -> Iterator[Session]:
    front = open_widget("conv", (5, 5), kernel_size=3, stride=2, padding=1)
    page_file = tmp_path / "widget.html"
    page_file.write_text(
        HARNESS.format(
            css=(STATIC / "explorer.css").read_text(encoding="utf-8"),
            state=json.dumps(front.model),
            js=json.dumps((STATIC / "explorer.js").read_text(encoding="utf-8")),
        ),
        encoding="utf-8",
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(page_file.as_uri())
    page.wait_for_function("window.ready === true")
    yield Session(front, page)
    page.close()
    assert errors == []


def test_the_controls_are_the_page_s(session: Session) -> None:
    page = session.page
    names = page.eval_on_selector_all(".cx-field", "fields => fields.map(f => f.dataset.name)")
    assert names == [c.name for c in CONTROLS]
    for control in CONTROLS:
        field = f'.cx-field[data-name="{control.name}"]'
        assert session.text(f"{field} label") == control.label
        disabled = page.eval_on_selector(f"{field} input, {field} select", "e => e.disabled")
        assert disabled is (not applies(control.name, "conv"))
        if control.kind == "choice":
            values = page.eval_on_selector_all(f"{field} option", "os => os.map(o => o.value)")
            assert values == list(control.choices)
    labels = page.eval_on_selector_all(
        '[data-name="op"] option', "os => os.map(o => o.textContent)"
    )
    assert labels == list(OPERATIONS.values())
    assert page.input_value('[data-name="stride"] input') == "2"
    assert page.input_value('[data-name="padding"] input') == "1"


def test_the_picture_and_the_numbers(session: Session) -> None:
    page = session.page
    anim = convarith.animate("conv", (5, 5), kernel_size=3, stride=2, padding=1)
    svg = anim._repr_svg_()
    assert (
        page.get_attribute(".cx-picture svg", "viewBox") == svg.split('viewBox="')[1].split('"')[0]
    )
    assert page.eval_on_selector(
        ".cx-picture svg", "s => s.querySelectorAll('animate').length"
    ) == svg.count("<animate ")
    info = session.text(".cx-info")
    description = convarith.describe("conv", (5, 5), kernel_size=3, stride=2, padding=1)
    assert "output 3x3" in info
    assert description.worked[0] in info
    assert str(description.relationships[0]) in info
    for note in description.notes:
        assert note in info
    assert session.text(".cx-counter") == "frame 1 / 9"
    assert page.is_hidden(".cx-error")


def test_playback_moves_the_svg_clock_frame_by_frame(session: Session) -> None:
    page = session.page
    page.click(".cx-play")  # pause
    session.relay()
    assert session.front.widget.playing is False
    for _ in range(3):
        page.click("text=step ▶")
    session.relay()
    assert session.text(".cx-counter") == "frame 4 / 9"
    assert session.front.widget.frame == 3
    # The SVG's own clock stands in frame 3's time slot (1000 ms a frame).
    seconds = page.eval_on_selector(".cx-picture svg", "s => s.getCurrentTime()")
    assert 3.0 < seconds < 4.0
    page.fill('.cx-playback input[type="range"]', "8")
    page.dispatch_event('.cx-playback input[type="range"]', "input")
    session.relay()
    assert session.front.widget.frame == 8
    # Python jumps, the page follows.
    session.front.widget.frame = 2
    session.page.evaluate("(t) => window.receive(t)", {"frame": 2})
    session.page.wait_for_timeout(50)
    assert session.text(".cx-counter") == "frame 3 / 9"


def test_playing_advances_by_itself_at_the_chosen_speed(session: Session) -> None:
    page = session.page
    page.select_option(".cx-speed select", "4")
    session.relay()
    assert session.front.widget.speed == 4.0
    page.wait_for_timeout(800)  # 250 ms a frame at 4x
    frame = int(session.text(".cx-counter").split()[1])
    assert frame >= 3


def test_a_change_redraws_and_a_refusal_keeps_the_picture(session: Session) -> None:
    page = session.page
    page.select_option('[data-name="op"] select', "conv_transpose")
    session.relay()
    expected = convarith.animate("conv_transpose", (5, 5), kernel_size=3, stride=2, padding=1)
    assert session.front.model["svg"] == expected._repr_svg_()
    assert session.text(".cx-counter") == f"frame 1 / {expected.frame_count}"
    assert "output 9x9" in session.text(".cx-info")
    assert page.eval_on_selector('[data-name="output_padding"] input', "e => e.disabled") is False

    page.fill('[data-name="stride"] input', "0")
    page.press('[data-name="stride"] input', "Enter")
    session.relay()
    assert session.text(".cx-error") == "stride=0 must be at least 1"
    assert page.is_visible(".cx-stale-label")
    assert (
        page.get_attribute(".cx-picture svg", "viewBox")
        == expected._repr_svg_().split('viewBox="')[1].split('"')[0]
    )

    page.fill('[data-name="stride"] input', "1")
    page.press('[data-name="stride"] input', "Enter")
    session.relay()
    assert page.is_hidden(".cx-error") and page.is_hidden(".cx-stale-label")
    assert "output 5x5" in session.text(".cx-info")


def test_changing_the_operation_resets_what_does_not_apply(session: Session) -> None:
    page = session.page
    page.select_option('[data-name="op"] select', "conv_transpose")
    session.relay()
    page.fill('[data-name="output_padding"] input', "1")
    page.press('[data-name="output_padding"] input', "Enter")
    session.relay()
    assert "output 10x10" in session.text(".cx-info")
    page.select_option('[data-name="op"] select', "max_pool")
    session.relay()
    assert session.front.widget.state["output_padding"] == "0"
    assert session.front.widget.error == ""
    assert page.eval_on_selector('[data-name="ceil_mode"] input', "e => e.disabled") is False


def test_a_3d_input_shows_its_numbers_and_no_player(session: Session) -> None:
    page = session.page
    page.fill('[data-name="input"] input', "4x4x4")
    page.press('[data-name="input"] input', "Enter")
    session.relay()
    assert "3-D is answered in numbers" in session.text(".cx-note")
    assert page.is_hidden(".cx-playback") and page.is_hidden(".cx-picture")
    assert "output 2x2x2" in session.text(".cx-info")
