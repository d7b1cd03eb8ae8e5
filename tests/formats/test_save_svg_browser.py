"""The animated SVG plays in a real browser (headless Chromium, where installed)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image

import convarith
from support.tools import CHROMIUM_FLAGS, require_tool

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def chromium() -> str:
    """The browser, or skip (fail under CI=true)."""
    return require_tool("chromium", "chromium-browser")


FLAGS = ("--headless", *CHROMIUM_FLAGS)


def screenshot(browser: str, svg: Path, at_s: float, tmp: Path) -> Image.Image:
    """The SVG as a browser shows it at ``at_s`` seconds into its animation.

    The SVG is inlined in a page whose script pauses the animation clock and
    seeks it (``setCurrentTime``), so the time does not depend on how fast the
    browser loads the page.
    """
    page = tmp / f"at_{at_s}.html"
    page.write_text(
        "<!doctype html><html><body style='margin:0'>"
        + svg.read_text()
        + "<script>const s = document.querySelector('svg'); s.pauseAnimations();"
        + f" s.setCurrentTime({at_s});</script></body></html>"
    )
    shot = tmp / f"at_{at_s}.png"
    subprocess.run(
        [
            browser,
            *FLAGS,
            f"--user-data-dir={tmp / f'profile_{at_s}'}",
            "--virtual-time-budget=2000",
            "--window-size=1000,1200",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return Image.open(shot).convert("RGB")


def test_frames_follow_each_other_in_time(chromium: str, tmp_path: Path) -> None:
    import numpy as np

    from convarith.backends.raster import render_frames

    anim = convarith.animate("conv", (5, 5), kernel_size=3, stride=2, padding=1, frame_ms=500)
    svg = anim.save(tmp_path / "a.svg")[0]
    frames = [np.asarray(f, dtype=float) for f in render_frames(anim.figure)]
    height, width = frames[0].shape[:2]
    seen = {}
    for at_s in (0.1, 1.3, 3.3, 4.6):
        shot = np.asarray(screenshot(chromium, svg, at_s, tmp_path), dtype=float)[:height, :width]
        # The browser's frame is the one convarith's own raster of that frame resembles most.
        seen[at_s] = min(range(len(frames)), key=lambda n: np.abs(shot - frames[n]).mean())
    # 500 ms a frame, 9 frames, looping after 4.5 s.
    assert seen == {0.1: 0, 1.3: 2, 3.3: 6, 4.6: 0}
