"""A real explorer server on a free port of 127.0.0.1, in a thread, for the browser and load tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def live_url() -> Iterator[str]:
    from convarith.explorer.server import bind, make_server, url_of

    server = make_server()
    sock = bind("127.0.0.1", 0)
    url = url_of("127.0.0.1", sock.getsockname()[1])
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the explorer's server did not start"
        time.sleep(0.02)
    yield url
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
