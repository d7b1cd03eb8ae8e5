"""First-frame latency of the explorer: from a parameter's input event to the new animation's first frame painted.

Starts the real server (``convarith serve --port 0 --no-browser``), opens the
page in headless Chromium (Debian's ``chromium``, driven by Playwright) on a
16x16 convolution, and changes a parameter ``--changes`` times (110 by
default), each change a configuration not seen before (so nothing comes from
the server's cache).  The page marks each input event and measures, with
``performance.measure("explorer-first-frame")``, the time until the browser
has painted the new first frame (a task queued from the next animation
frame's callback runs after that frame's paint).  Prints the median and the
95th percentile; the bar is 100 ms at the 95th percentile.  In the arithmetic
and numerical views it also prints how long laying the cells' outlines over
the picture takes, which the page does after that paint.

    python bench/bench_explorer.py [--changes 110] [--view numerical] [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import itertools
import re
import shutil
import statistics
import subprocess
import sys
import time

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: One input event sets these fields at once, then fires on the kernel's field.
_CHANGE = """([kernel, stride, padding, dilation]) => {
  const set = (name, value) => { document.getElementById(`c-${name}`).value = value; };
  set("stride", stride); set("padding", padding); set("dilation", dilation); set("kernel", kernel);
  document.getElementById("c-kernel").dispatchEvent(new Event("input", { bubbles: true }));
}"""


def _states() -> list[tuple[str, str, str, str]]:
    """Distinct valid 16x16 convolutions: kernel, stride, padding, dilation."""
    combos = itertools.product(
        ("2", "3", "4", "5", "1"), ("1", "2"), ("0", "1", "2", "3"), ("1", "2", "3")
    )
    return [c for c in combos if not (c[0] == "3" and c[1:] == ("1", "1", "1"))]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    rank = q * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=110)
    parser.add_argument("--view", default="arithmetic", help="the view drawn (default arithmetic)")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    server = subprocess.Popen(
        [sys.executable, "-m", "convarith", "serve", "--port", "0", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        found = re.search(r"http://\S+", server.stdout.readline())
        if not found:
            raise SystemExit("the server did not start")
        url = found.group(0)
        states = _states()
        if args.changes > len(states):
            raise SystemExit(f"--changes: at most {len(states)} distinct configurations")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{url}?op=conv&input=16x16&kernel=3&padding=1&view={args.view}")
            page.wait_for_selector("body[data-ready=true]")
            # Warm-up: the server's first draws import the drawing layers.
            for kernel in ("2", "4", "2", "4"):
                before = page.evaluate("explorer.latencies.length + explorer.refused")
                page.evaluate(_CHANGE, [kernel, "2", "4", "1"])  # not a state of the run
                page.wait_for_function(
                    "(n) => explorer.latencies.length + explorer.refused > n", arg=before
                )
                page.wait_for_timeout(200)
            page.evaluate(
                "performance.clearMeasures('explorer-first-frame');"
                " explorer.latencies.length = 0; explorer.timings.length = 0"
            )
            refused_before = page.evaluate("explorer.refused")
            start = time.perf_counter()
            for state in states[: args.changes]:
                done = page.evaluate("explorer.latencies.length + explorer.refused")
                page.evaluate(_CHANGE, list(state))
                page.wait_for_function(
                    "(n) => explorer.latencies.length + explorer.refused > n", arg=done
                )
                page.wait_for_timeout(200)  # a pause between changes, as a student's clicks
            elapsed = time.perf_counter() - start
            measures = page.evaluate(
                "performance.getEntriesByName('explorer-first-frame').map(m => m.duration)"
            )
            refused = page.evaluate("explorer.refused") - refused_before
            timings = page.evaluate("explorer.timings.slice(-explorer.latencies.length)")
            page.wait_for_timeout(200)  # the last picture's cells, laid over it after its paint
            overlays = page.evaluate("(explorer.overlays || []).slice(-explorer.latencies.length)")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(
        f"{len(measures)} parameter changes on a 16x16 input, {args.view} view, "
        f"in {elapsed:.1f} s ({refused} refused)"
    )
    print(
        f"first frame painted after the input event: median {statistics.median(measures):.1f} ms, "
        f"p95 {_percentile(measures, 0.95):.1f} ms, max {max(measures):.1f} ms (bar: p95 <= 100 ms)"
    )
    for part in ("request", "apply"):
        values = [t[part] for t in timings]
        print(
            f"  {part:8} median {statistics.median(values):.1f} ms, p95 {_percentile(values, 0.95):.1f} ms"
        )
    if overlays:  # the views whose cells are outlined on the picture, after the first paint
        print(
            f"  then the picture's cells for hovering: median {statistics.median(overlays):.1f} ms, "
            f"p95 {_percentile(overlays, 0.95):.1f} ms"
        )


if __name__ == "__main__":
    main()
