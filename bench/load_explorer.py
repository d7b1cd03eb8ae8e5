"""Load the explorer's server with malformed, oversized and concurrent requests, then check it still works.

Starts ``convarith serve --port 0 --no-browser`` (the real server, as users
run it), sends ``--total`` requests (1,000 by default) from ``--concurrency``
clients at once on 127.0.0.1, and prints the answers counted by status code,
the time taken and the server's peak memory (VmHWM, Linux).  Then the page
and a view must still answer 200.

    python bench/load_explorer.py [--total 1000] [--concurrency 50]

tests/explorer/test_load.py runs :func:`load` against the same server.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: Requests the load is made of: (method, path and query, body), in kinds.
MALFORMED = [
    ("GET", "/api/view?input=abc", None),
    ("GET", "/api/view?input=5x5x5x5", None),
    ("GET", "/api/view?kernel=-1", None),
    ("GET", "/api/view?kernel=0", None),
    ("GET", "/api/view?padding=1:2:3", None),
    ("GET", "/api/view?padding=same&stride=2", None),
    ("GET", "/api/view?op=fft", None),
    ("GET", "/api/view?zoom=9", None),
    ("GET", "/api/view?input=4&input=5", None),
    ("GET", "/api/view?seed=-1", None),
    ("GET", "/api/view?seed=" + "9" * 60, None),
    ("GET", "/api/view?input=" + "9" * 400, None),
    ("GET", "/api/view?input=%ff%fe%00", None),
    ("GET", "/api/view?%ff=%fe", None),
    ("GET", "/api/view?&&&==&", None),
    ("GET", "/api/view?ceil_mode=perhaps", None),
    ("GET", "/api/view?op=conv&output_padding=1", None),
    ("GET", "/api/frame?input=4x4&frame=abc", None),
    ("GET", "/api/frame?input=4x4&frame=99999999", None),
    ("GET", "/api/frame?input=4x4&frame=-1", None),
    ("GET", "/api/download?input=4x4&format=exe", None),
    ("GET", "/static/../../../../etc/passwd", None),
    ("GET", "/static/%2e%2e/%2e%2e/core/limits.py", None),
    ("GET", "/static/..%2f..%2fcore%2flimits.py", None),
    ("GET", "/fonts/..%2f..%2f__init__.py", None),
    ("GET", "/nowhere", None),
    ("POST", "/api/view", b"{}"),
    ("PUT", "/api/view?input=4", b"x"),
    ("DELETE", "/", None),
]
OVERSIZED = [
    ("GET", "/api/view?input=" + "1x" * 1500 + "1", None),
    ("GET", "/api/view?padding=" + "1" * 8000, None),
    ("GET", "/api/view?input=1000x1000", None),
    ("GET", "/api/view?input=64x64", None),
    ("GET", "/api/view?input=1000", None),
    ("GET", "/api/view?op=conv_transpose&input=32x32&stride=8", None),
    ("GET", "/api/view?input=32x32&kernel=9&padding=4", None),
    ("GET", "/api/view?input=32x32&kernel=35&padding=17", None),
    ("GET", "/api/download?input=500x500&format=gif", None),
    ("GET", "/api/view?input=4x4", b"x" * 100_000),
    ("POST", "/api/download?input=4x4", b"y" * 1_000_000),
]


def _valid(rng: random.Random) -> tuple[str, str, None]:
    op = rng.choice(["conv", "conv_transpose", "max_pool", "avg_pool"])
    size = rng.randint(3, 16)
    params = {"op": op, "input": f"{size}x{size}" if rng.random() < 0.7 else str(size)}
    params["kernel"] = str(rng.randint(1, 3))
    if op == "conv_transpose":
        params["stride"] = str(rng.randint(1, 2))
    elif rng.random() < 0.5:
        params["stride"] = str(rng.randint(1, 3))
    params["view"] = rng.choice(["arithmetic", "numerical"])
    query = "&".join(f"{k}={v}" for k, v in params.items())
    route = rng.random()
    if route < 0.75:
        return ("GET", f"/api/view?{query}", None)
    if route < 0.97:
        return ("GET", f"/api/frame?{query}&frame=0", None)
    return (
        "GET",
        f"/api/download?op=conv&input=3x3&kernel=2&format={rng.choice(['gif', 'svg', 'json'])}",
        None,
    )


def requests(total: int, seed: int = 0) -> list[tuple[str, str, bytes | None]]:
    """``total`` requests: a third malformed, a sixth oversized, the rest valid renders, shuffled."""
    rng = random.Random(seed)
    out: list[tuple[str, str, bytes | None]] = []
    for n in range(total):
        kind = n % 6
        if kind in (0, 1):
            out.append(MALFORMED[(n // 6 * 2 + kind) % len(MALFORMED)])
        elif kind == 2:
            out.append(OVERSIZED[(n // 6) % len(OVERSIZED)])
        else:
            out.append(_valid(rng))
    rng.shuffle(out)
    return out


async def _load(url: str, total: int, concurrency: int, timeout: float) -> dict[str, Any]:
    import httpx

    counts: collections.Counter[str] = collections.Counter()
    problems: list[str] = []
    queue: asyncio.Queue[tuple[str, str, bytes | None]] = asyncio.Queue()
    for item in requests(total):
        queue.put_nowait(item)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient) -> None:
        while True:
            try:
                method, path, body = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            try:
                response = await client.request(method, url.rstrip("/") + path, content=body)
            except httpx.HTTPError as error:
                counts[type(error).__name__] += 1
                problems.append(f"{method} {path[:60]}: {type(error).__name__}")
                continue
            counts[str(response.status_code)] += 1
            if response.status_code >= 500:
                problems.append(f"{method} {path[:60]}: {response.status_code}")
            elif response.status_code >= 400 and path.startswith(
                ("/api", "/static", "/fonts", "/n")
            ):
                try:
                    body_json = response.json()
                    assert isinstance(body_json.get("error"), str) and body_json["error"]
                except (ValueError, AssertionError):
                    if response.status_code not in (400,) or "Invalid HTTP" not in response.text:
                        problems.append(
                            f"{method} {path[:60]}: {response.status_code} without a JSON error"
                        )

    start = time.perf_counter()
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
        await asyncio.wait_for(
            asyncio.gather(*(worker(client) for _ in range(concurrency))), timeout=timeout * 4
        )
        elapsed = time.perf_counter() - start
        page = await client.get(url)
        view = await client.get(url.rstrip("/") + "/api/view?op=conv&input=5x5&kernel=3")
    return {
        "counts": dict(sorted(counts.items())),
        "problems": problems,
        "elapsed": elapsed,
        "after": (page.status_code, view.status_code, view.json().get("frames")),
    }


def load(
    url: str, total: int = 1000, concurrency: int = 50, timeout: float = 60.0
) -> dict[str, Any]:
    """Send the load to a running explorer at ``url``; return counts by status, problems, time, and the page after."""
    return asyncio.run(_load(url, total, concurrency, timeout))


def peak_rss_mb(pid: int) -> float | None:
    """The peak resident memory of process ``pid`` in MB (Linux), or None."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


@contextmanager
def running_server() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``convarith serve --port 0 --no-browser`` in a subprocess: its URL and process."""
    process = subprocess.Popen(
        [sys.executable, "-m", "convarith", "serve", "--port", "0", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"http://\S+", line)
        if not found:
            raise RuntimeError(
                f"the server did not start: {line!r} {process.stderr.read() if process.stderr else ''}"
            )
        yield found.group(0), process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    with running_server() as (url, process):
        before = peak_rss_mb(process.pid)
        result = load(url, args.total, args.concurrency)
        after = peak_rss_mb(process.pid)
    print(f"{args.total} requests, {args.concurrency} at once, in {result['elapsed']:.1f} s")
    print("by status:", json.dumps(result["counts"]))
    print(
        f"after the load: page {result['after'][0]}, view {result['after'][1]} ({result['after'][2]} frames)"
    )
    if before is not None and after is not None:
        print(f"server peak memory: {before:.0f} MB at start, {after:.0f} MB after the load")
    if result["problems"]:
        print(f"{len(result['problems'])} problems:", *result["problems"][:20], sep="\n  ")
        sys.exit(1)


if __name__ == "__main__":
    main()
