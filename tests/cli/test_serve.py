"""``convarith serve``: the URL with the real port, the browser opener, Ctrl-C, refusals."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from typing import Any

import pytest

from convarith.cli import main
from support.cli import run


def _start(*options: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "convarith", "serve", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"http://\S+", line)
    assert found, (line, process.stderr.read() if process.stderr else "")
    return process, found.group(0)


@pytest.mark.parametrize(
    ("stop", "status", "words"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "stopped by SIGTERM")],
)
def test_serve_prints_the_real_url_and_stops_cleanly(stop: int, status: int, words: str) -> None:
    process, url = _start("--port", "0", "--no-browser")
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url)
        assert not url.endswith(":0/")
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200 and b"convarith explorer" in response.read()
    finally:
        process.send_signal(stop)
        out, err = process.communicate(timeout=20)
    assert process.returncode == status
    assert err.strip() == f"convarith serve: {words}"
    assert "Traceback" not in out + err


def _serve_in_thread(
    monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> tuple[Any, threading.Thread, list[int]]:
    """Run ``main(argv)`` in a thread; return the uvicorn server it made, the thread and the status."""
    from convarith.explorer import server as server_module

    made: list[Any] = []
    original = server_module.make_server

    def capture(app: Any = None) -> Any:
        made.append(original(app))
        return made[-1]

    monkeypatch.setattr(server_module, "make_server", capture)
    status: list[int] = []
    thread = threading.Thread(target=lambda: status.append(main(argv)), daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not (made and made[0].started):
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    return made[0], thread, status


def test_serve_opens_the_browser_where_a_display_exists(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import webbrowser

    opened: list[str] = []
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url))
    server, thread, status = _serve_in_thread(monkeypatch, ["serve", "--port", "0"])
    deadline = time.monotonic() + 10
    while not opened and time.monotonic() < deadline:
        time.sleep(0.02)
    server.should_exit = True
    thread.join(timeout=20)
    out = capsys.readouterr().out
    assert status == [0]
    assert opened and opened[0] in out
    assert opened[0].startswith("http://127.0.0.1:")


@pytest.mark.parametrize(
    ("argv", "env"),
    [(["serve", "--port", "0", "--no-browser"], ":0"), (["serve", "--port", "0"], None)],
)
def test_no_browser_without_a_display_or_when_told(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], env: str | None
) -> None:
    import webbrowser

    opened: list[str] = []
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    if env is None:
        monkeypatch.delenv("DISPLAY", raising=False)
        monkeypatch.setattr(sys, "platform", "linux")
    else:
        monkeypatch.setenv("DISPLAY", env)
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url))
    server, thread, status = _serve_in_thread(monkeypatch, argv)
    server.should_exit = True
    thread.join(timeout=20)
    assert status == [0] and opened == []


def test_a_port_in_use_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    try:
        code, _, err = run(capsys, "serve", "--port", str(port), "--no-browser")
    finally:
        taken.close()
    assert code == 2
    assert (
        err
        == f"convarith serve: error: --port {port} is in use on 127.0.0.1; choose another, or --port 0 for a free one\n"
    )


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--port", "70000"], "--port 70000 must be from 0 to 65535"),
        (["--port", "-1"], "--port -1 must be from 0 to 65535"),
        (
            ["--host", "no.such.host.invalid"],
            "--host 'no.such.host.invalid' is not an address of this machine",
        ),
    ],
)
def test_bad_options(capsys: pytest.CaptureFixture[str], argv: list[str], words: str) -> None:
    code, _, err = run(capsys, "serve", "--no-browser", *argv)
    assert code == 2
    assert words in err and err.count("\n") == 1


def test_missing_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    code, _, err = run(capsys, "serve", "--port", "0", "--no-browser")
    assert code == 2
    assert "pip install 'convarith[serve]'" in err


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "serve", "--help")
    assert code == 0
    for option in ("--port", "--host", "--no-browser", "127.0.0.1"):
        assert option in out


def test_the_command_line_does_not_import_the_web_stack() -> None:
    code = (
        "import sys, convarith, convarith.cli, convarith.cli.serve, convarith.explorer.controls, "
        "convarith.explorer.render, convarith.explorer.server; "
        "from convarith.cli import build_parser; build_parser(); "
        "print(sorted(m for m in ('starlette', 'uvicorn', 'anyio') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
