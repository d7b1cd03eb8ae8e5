"""The explorer's web application: Starlette routes over :mod:`convarith.explorer.render`.

Routes (every one a ``GET``):

- ``/``: the page; ``/static/...``: its script and style; ``/fonts/...``: the bundled font.
- ``/api/controls``: the controls and which downloads this machine can write.
- ``/api/view?QUERY``: everything the page shows for a state (JSON).
- ``/api/frame?QUERY&frame=N``: frame ``N`` as SVG.
- ``/api/download?QUERY&format=gif``: the file, as ``convarith animate`` writes it.
- ``/guide``: the guide, as HTML.

Every refusal is a JSON answer ``{"error": ..., "limit": ...}`` with a 4xx
status: 400 for a value the library refuses, 413/414 for a request beyond its
sizes, 422 for a picture beyond the explorer's limits, 429 when the renders
waiting exceed their queue.  Renders run in worker threads, a few at a time,
and a render whose page has gone away is not started.

>>> app = create_app()
>>> sorted(route.path for route in app.routes)[:3]
['/', '/api/controls', '/api/download']
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from convarith.core.errors import ConvArithError
from convarith.core.text import brief
from convarith.explorer.limits import (
    EXPLORER_MAX_QUERY_BYTES,
    LimitError,
    check_request_size,
)

__all__ = ["STATIC", "create_app"]

#: The page's files, inside the package.
STATIC = Path(__file__).resolve().parent / "static"
#: Renders at once, and renders that may wait for one of them.
RENDERS = 4
QUEUE = 64
#: File downloads at once (a GIF of hundreds of frames takes seconds), and waiting.
DOWNLOADS_AT_ONCE = 2
DOWNLOAD_QUEUE = 8
#: Keys of the routes that are not controls.
_FRAME, _FORMAT = "frame", "format"


def _error(status: int, message: str, limit: str | None = None, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, "limit": limit, **extra}, status_code=status)


def _refusal(error: ConvArithError) -> JSONResponse:
    if isinstance(error, LimitError):
        status = 414 if error.limit == "request_size" else 422
        return _error(status, str(error), error.limit, maximum=error.maximum)
    return _error(400, str(error))


class _Gate:
    """At most ``width`` jobs at once and ``queue`` waiting; beyond that, a 429."""

    def __init__(self, width: int, queue: int, name: str) -> None:
        self.limiter = anyio.Semaphore(width)
        self.waiting = 0
        self.queue = queue
        self.name = name

    async def run(self, request: Request, job: Any, *args: Any) -> Any:
        if self.waiting >= self.queue:
            raise _Busy(self.name, self.queue)
        self.waiting += 1
        try:
            async with self.limiter:
                if await request.is_disconnected():  # a stale render: its page moved on
                    raise _Gone
                return await run_in_threadpool(job, *args)
        finally:
            self.waiting -= 1


class _Busy(Exception):
    def __init__(self, name: str, queue: int) -> None:
        super().__init__(name)
        self.name = name
        self.queue = queue


class _Gone(Exception):
    """The client left before its render started."""


def _state(request: Request, extra: tuple[str, ...] = ()) -> tuple[dict[str, str], dict[str, str]]:
    """The controls' values and the route's own keys, refusing a key given twice."""
    state: dict[str, str] = {}
    own: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        target = own if key in extra else state
        if key in target:
            raise ConvArithError(f"{brief(key)[1:-1]} is given twice; give each parameter once")
        target[key] = value
    return state, own


def _request_of(state: dict[str, str]) -> Any:
    from convarith.explorer.controls import request_of

    return request_of(state)


async def _page(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")


def _controls_data() -> dict[str, Any]:
    from convarith.explorer.controls import CONTROLS, OPERATIONS, VIEWS, applies
    from convarith.explorer.downloads import DOWNLOADS, unavailable

    return {
        "controls": [
            {
                **c._asdict(),
                "choices": list(c.choices),
                "ops": [op for op in OPERATIONS if applies(c.name, op)],
            }
            for c in CONTROLS
        ],
        "labels": {**OPERATIONS, **VIEWS},
        "downloads": [{"format": k, "unavailable": unavailable(k)} for k in DOWNLOADS],
    }


async def _controls(request: Request) -> Response:
    return JSONResponse(await run_in_threadpool(_controls_data))


def _view_job(state: dict[str, str]) -> dict[str, Any]:
    from convarith.explorer.render import page_data

    return page_data(_request_of(state))


def _frame_job(state: dict[str, str], frame: str) -> str:
    from convarith.explorer.render import animation_of, frame_svg_of

    request = _request_of(state)
    if not (frame.isascii() and frame.isdigit() and len(frame) < 7):
        raise ConvArithError(f"frame={brief(frame)} must be a frame number from 0")
    _check_drawable(request)
    query = request.query()
    count = animation_of(query).frame_count
    index = int(frame)
    if index >= count:
        raise ConvArithError(f"frame={index} must be less than the animation's {count} frames")
    return frame_svg_of(query, index)


def _check_drawable(request: Any) -> None:
    """The explorer's limits, from the arithmetic, before anything is drawn (3-D: the library refuses)."""
    if request.ndim <= 2:
        from convarith.core.arithmetic import configure
        from convarith.explorer.limits import check_drawable

        check_drawable(configure(request.op, request.input_shape, **request.params))


def _download_job(state: dict[str, str], kind: str) -> tuple[bytes, str, str]:
    from convarith.explorer.downloads import download

    request = _request_of(state)
    _check_drawable(request)
    return download(request, kind)


def create_app(guide: Any = None) -> Starlette:
    """The explorer as an ASGI application.

    Parameters
    ----------
    guide : callable, optional
        Returns the guide's HTML as bytes (default:
        ``convarith.guide.build_guide("html")``, built once on first visit).

    Returns
    -------
    Starlette
    """
    renders = _Gate(RENDERS, QUEUE, "renders")
    downloads = _Gate(DOWNLOADS_AT_ONCE, DOWNLOAD_QUEUE, "downloads")
    guide_cache: dict[str, bytes] = {}
    guide_lock = anyio.Lock()

    async def gated(request: Request, gate: _Gate, job: Any, *args: Any) -> Any:
        try:
            return await gate.run(request, job, *args)
        except _Busy as busy:
            raise _BusyResponse(busy) from None

    async def view(request: Request) -> Response:
        state, _ = _state(request)
        data = await gated(request, renders, _view_job, state)
        return Response(json.dumps(data, separators=(",", ":")), media_type="application/json")

    async def frame(request: Request) -> Response:
        state, own = _state(request, (_FRAME,))
        svg = await gated(request, renders, _frame_job, state, own.get(_FRAME, "0"))
        return Response(svg, media_type="image/svg+xml")

    async def download(request: Request) -> Response:
        state, own = _state(request, (_FORMAT,))
        kind = own.get(_FORMAT, "gif")
        content, name, media = await gated(request, downloads, _download_job, state, kind)
        return Response(
            content,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    async def guide_page(request: Request) -> Response:
        async with guide_lock:  # built once, however many pages ask at first
            if "html" not in guide_cache:
                try:
                    build = guide if guide is not None else _guide_builder()
                except (ImportError, AttributeError):
                    return _error(404, "the guide is not part of this installation")
                guide_cache["html"] = await run_in_threadpool(build)
        return Response(guide_cache["html"], media_type="text/html; charset=utf-8")

    async def font(request: Request) -> Response:
        from convarith.figure.fonts import font_path

        name = request.path_params["name"]
        choices = {font_path(False).name: False, font_path(True).name: True}
        if name not in choices:
            return _error(404, f"font {brief(name)} is not served; fonts: {', '.join(choices)}")
        return FileResponse(font_path(choices[name]), media_type="font/ttf")

    routes = [
        Route("/", _page),
        Route("/api/controls", _controls),
        Route("/api/view", view),
        Route("/api/frame", frame),
        Route("/api/download", download),
        Route("/guide", guide_page),
        Route("/fonts/{name}", font),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]

    async def refused(request: Request, error: Exception) -> Response:
        if isinstance(error, ConvArithError):
            return _refusal(error)
        if isinstance(error, _BusyResponse):
            return _error(
                429,
                f"the server has {error.busy.queue} {error.busy.name} waiting already; try again shortly",
                error.busy.name,
                maximum=error.busy.queue,
            )
        return Response(status_code=204)  # _Gone: nobody is listening

    async def failed(request: Request, error: Exception) -> Response:
        # A fault of the explorer itself: still an answer the page can read.
        return _error(500, f"the explorer failed on this request ({type(error).__name__})")

    async def not_found(request: Request, error: Exception) -> Response:
        status = int(getattr(error, "status_code", 404))
        detail = str(getattr(error, "detail", "not found"))
        return _error(status, f"{request.url.path}: {detail}")

    app = Starlette(
        routes=routes,
        exception_handlers={
            ConvArithError: refused,
            _BusyResponse: refused,
            _Gone: refused,
            404: not_found,
            405: not_found,
            Exception: failed,
        },
    )
    return _SizeLimit(app)  # type: ignore[return-value]


class _BusyResponse(Exception):
    def __init__(self, busy: _Busy) -> None:
        super().__init__(busy.name)
        self.busy = busy


def _guide_builder() -> Any:
    from convarith import guide

    build = guide.build_guide  # an AttributeError until the guide is built in

    return lambda: build("html")


#: Bytes of a refused body read anyway, so that the connection can serve the next request.
_DRAIN_BYTES = 2_000_000


async def _drained(receive: Receive, length: int) -> bool:
    """Read and drop a refused body of ``length`` bytes if it is small; whether it was read whole."""
    if length > _DRAIN_BYTES:
        return False
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return bool(message["type"] == "http.request")


class _SizeLimit:
    """Refuse, before any route runs, a query string or a body beyond the explorer's sizes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.routes = getattr(app, "routes", [])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = 0
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                length = int(value) if value.isdigit() else EXPLORER_MAX_QUERY_BYTES + 1
        query = scope.get("query_string", b"")
        try:
            check_request_size(len(query) + len(scope.get("path", "")), length)
        except LimitError as error:
            status = 413 if "body" in str(error) else 414
            response = _error(status, str(error), error.limit, maximum=error.maximum)
            if length and not await _drained(receive, length):
                response.headers["connection"] = "close"  # too much to read: end the connection
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
