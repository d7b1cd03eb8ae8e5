"""The server under load: 1,000 malformed, oversized and concurrent requests, then the page still works.

The load is bench/load_explorer.py's, against the real server
(``convarith serve --port 0 --no-browser`` in a subprocess) on 127.0.0.1.
It is bounded in count (1,000 requests) and in time (each request 60 s at
most, the whole load four times that).  Rendering in worker threads is
checked too: the page answers while a long download renders.
"""

from __future__ import annotations

import importlib.util
import threading
import urllib.request
from pathlib import Path
from types import ModuleType

import pytest

from support.tools import PROJECT


def _bench() -> ModuleType:
    path = PROJECT / "bench" / "load_explorer.py"
    spec = importlib.util.spec_from_file_location("load_explorer", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_a_thousand_bad_and_concurrent_requests() -> None:
    bench = _bench()
    with bench.running_server() as (url, process):
        result = bench.load(url, total=1000, concurrency=50, timeout=60)
        peak = bench.peak_rss_mb(process.pid)
    counts = result["counts"]
    print(f"by status: {counts}; {result['elapsed']:.1f} s; server peak {peak} MB")
    assert result["problems"] == []
    assert sum(counts.values()) == 1000
    assert all(code.isdigit() and int(code) < 500 for code in counts)
    for code in ("200", "400", "404", "413", "414", "422"):
        assert counts.get(code, 0) > 0, code
    assert result["after"] == (200, 200, 9)


def test_the_page_answers_while_a_file_renders(live_url: str, tmp_path: Path) -> None:
    done = threading.Event()
    sizes: list[int] = []

    def download() -> None:
        with urllib.request.urlopen(
            f"{live_url}api/download?input=32x32&padding=1&format=gif", timeout=120
        ) as r:
            sizes.append(len(r.read()))
        done.set()

    worker = threading.Thread(target=download)
    worker.start()
    try:
        # The GIF of 1,024 frames takes seconds; the page and a view answer meanwhile.
        for path in ("", "api/controls", "api/view?input=4x4"):
            with urllib.request.urlopen(f"{live_url}{path}", timeout=60) as r:
                assert r.status == 200
        assert not done.is_set()
    finally:
        worker.join(timeout=120)
    assert sizes and sizes[0] > 0
