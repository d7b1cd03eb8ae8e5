"""Run the explorer: a uvicorn server on a local port, and the browser opened on it.

:func:`serve` binds the socket itself, so that ``port=0`` takes a free port
and the URL printed is the real one.  It opens the browser only where a
display exists, and leaves signals to the caller: uvicorn shuts down on
Ctrl-C and hands the signal back, which ``convarith``'s command line turns
into a clean exit.

>>> url_of("127.0.0.1", 8000)
'http://127.0.0.1:8000/'
>>> url_of("::1", 8000)
'http://[::1]:8000/'
"""

from __future__ import annotations

import errno
import os
import socket
import sys
import threading
from collections.abc import Callable
from typing import Any, TextIO

from convarith.core.errors import ConvArithError
from convarith.core.text import brief

__all__ = ["bind", "can_open_browser", "make_server", "serve", "url_of"]

#: Where the server listens unless told otherwise: this machine only.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def url_of(host: str, port: int) -> str:
    """The page's URL for a host and port (IPv6 addresses in brackets; any-address as localhost).

    >>> url_of("0.0.0.0", 80)
    'http://127.0.0.1:80/'
    """
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def can_open_browser() -> bool:
    """Whether a browser can show a window here: macOS, Windows, or a Linux display.

    >>> isinstance(can_open_browser(), bool)
    True
    """
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (``port=0``: a free one), or a one-line refusal.

    >>> sock = bind("127.0.0.1", 0)
    >>> sock.getsockname()[1] > 0
    True
    >>> sock.close()
    """
    if not 0 <= port <= 65535:
        raise ConvArithError(f"--port {port} must be from 0 to 65535 (0: any free port)")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError):
        raise ConvArithError(f"--host {brief(host)} is not an address of this machine") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise ConvArithError(
                f"--port {port} is in use on {host}; choose another, or --port 0 for a free one"
            ) from None
        if error.errno in (errno.EADDRNOTAVAIL, errno.EACCES):
            raise ConvArithError(
                f"--host {brief(host)} --port {port}: cannot listen there ({error.strerror})"
            ) from None
        raise
    sock.setblocking(False)
    return sock


def make_server(app: Any = None) -> Any:
    """A uvicorn server for the explorer's app, quiet but for errors.

    >>> make_server().config.log_level
    'warning'
    """
    import uvicorn

    from convarith.explorer.app import create_app

    config = uvicorn.Config(
        create_app() if app is None else app,
        log_level="warning",
        lifespan="off",
        access_log=False,
        timeout_graceful_shutdown=2,
        # A page keeps its connection between changes; closing one as it is reused fails a request.
        timeout_keep_alive=60,
        h11_max_incomplete_event_size=16 * 1024,
    )
    return uvicorn.Server(config)


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    open_browser: bool = True,
    opener: Callable[[str], Any] | None = None,
    out: TextIO | None = None,
    ready: Callable[[str], Any] | None = None,
) -> int:
    """Serve the explorer until stopped; return 0.

    Parameters
    ----------
    host, port : str, int
        Where to listen (``port=0``: any free port).
    open_browser : bool
        Open the page in a browser once the server listens (where a display exists).
    opener : callable, optional
        Opens a URL (default :func:`webbrowser.open`); tests replace it.
    out : text stream, optional
        Where the URL is printed (default standard output).
    ready : callable, optional
        Called with the URL once the server is listening.

    Returns
    -------
    int
        0 once the server has stopped.
    """
    try:
        server = make_server()
    except ImportError as error:
        raise ConvArithError(
            f"convarith serve needs {error.name or 'starlette and uvicorn'}: "
            "pip install 'convarith[serve]'"
        ) from None
    sock = bind(host, port)
    _warm()
    url = url_of(host, sock.getsockname()[1])
    stream = sys.stdout if out is None else out
    print(f"convarith explorer: {url}  (Ctrl-C stops it)", file=stream, flush=True)
    if not _loopback(host):
        print(
            f"listening on {host}: other machines on your network can open it too",
            file=stream,
            flush=True,
        )
    if open_browser and (opener is not None or can_open_browser()):
        import webbrowser

        launch = webbrowser.open if opener is None else opener
        threading.Thread(target=_when_started, args=(server, launch, url), daemon=True).start()
    if ready is not None:
        threading.Thread(target=_when_started, args=(server, ready, url), daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return 0


def _loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only.

    >>> _loopback("127.0.0.1"), _loopback("localhost"), _loopback("0.0.0.0")
    (True, True, False)
    """
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _warm() -> None:
    """Draw one small view before the first visitor: the drawing layers are imported now, not then.

    What stays in memory from here on is moved out of the garbage collector's
    way (:func:`gc.freeze`), so that its pauses stay short while pages draw.
    """
    import gc

    from convarith.explorer.controls import request_of
    from convarith.explorer.render import page_data

    page_data(request_of({}))
    gc.collect()
    gc.freeze()


def _when_started(server: Any, call: Callable[[str], Any], url: str) -> None:
    """Call ``call(url)`` once the server accepts connections (or give up after 30 s)."""
    import time

    deadline = time.monotonic() + 30
    while not server.started and not server.should_exit and time.monotonic() < deadline:
        time.sleep(0.02)
    if server.started:
        call(url)
