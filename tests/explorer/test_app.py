"""The explorer's routes through Starlette's test client: answers, refusals, downloads, static files."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from convarith.explorer.app import create_app
from convarith.explorer.downloads import DOWNLOADS, unavailable
from support.filechecks import check_download


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(guide=lambda: b"<html><h2 id='relationship-6'>R6</h2></html>"))


def test_page_and_its_files(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    for path in ("/static/explorer.js", "/static/explorer.css"):
        assert path in page.text
        assert client.get(path).status_code == 200
    # Nothing from the network: every script, style and font comes from this server.
    for text in (
        page.text,
        client.get("/static/explorer.css").text,
        client.get("/static/explorer.js").text,
    ):
        assert "http://" not in text.replace("http://www.w3.org", "") and "https://" not in text
    assert client.get("/fonts/ConvarithSans.ttf").content[:4] == b"\x00\x01\x00\x00"


def test_controls(client: TestClient) -> None:
    data = client.get("/api/controls").json()
    names = [c["name"] for c in data["controls"]]
    assert names[:3] == ["op", "input", "kernel"]
    output_padding = next(c for c in data["controls"] if c["name"] == "output_padding")
    assert output_padding["ops"] == ["conv_transpose"]
    assert [d["format"] for d in data["downloads"]] == list(DOWNLOADS)


def test_view(client: TestClient) -> None:
    response = client.get("/api/view?op=conv&input=5x5&kernel=3&stride=2&padding=1")
    assert response.status_code == 200
    data = response.json()
    assert data["frames"] == 9 and data["numbers"]["output_shape"] == [3, 3]


def test_frame(client: TestClient) -> None:
    response = client.get("/api/frame?input=4x4&frame=3")
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "image/svg+xml"
    )
    assert response.text.startswith("<svg")
    assert response.text != client.get("/api/frame?input=4x4&frame=2").text


@pytest.mark.parametrize(
    ("url", "status", "words", "limit"),
    [
        ("/api/view?input=abc", 400, "input 'abc' must be integers", None),
        ("/api/view?kernel=0", 400, "kernel_size=0 must be at least 1", None),
        ("/api/view?zoom=2", 400, "unknown parameter zoom='2'", None),
        ("/api/view?input=4&input=5", 400, "input is given twice", None),
        ("/api/view?input=33x33", 422, "the explorer draws at most 1024", "input_cells"),
        ("/api/view?op=conv_transpose&input=30x30&stride=2", 422, "frames", "frames"),
        ("/api/view?input=" + "1" * 3000, 414, "the explorer takes at most 2048", "request_size"),
        ("/api/view?input=99999999999999999999999999", 400, "at most", None),
        (
            "/api/frame?input=4x4&frame=4",
            400,
            "frame=4 must be less than the animation's 4 frames",
            None,
        ),
        ("/api/frame?input=4x4&frame=-1", 400, "frame='-1' must be a frame number", None),
        ("/api/frame?input=4x4x4&frame=0", 400, "3-D is answered in numbers", None),
        ("/api/frame?input=100x100&frame=0", 422, "at most 1024", "input_cells"),
        ("/api/frame?op=conv_transpose&input=30x30&stride=2&frame=0", 422, "frames", "frames"),
        ("/api/download?input=4x4&format=zip", 400, "format='zip' must be one of", None),
        ("/api/download?input=4x4x4&format=gif", 400, "3-D is answered in numbers", None),
        ("/api/download?input=40x40&format=gif", 422, "at most 1024", "input_cells"),
        ("/nowhere", 404, "/nowhere", None),
        ("/static/../app.py", 404, "", None),
        ("/static/%2e%2e/app.py", 404, "", None),
        ("/static/..%2fcontrols.py", 404, "", None),
        ("/fonts/..%2f..%2f__init__.py", 404, "", None),
    ],
)
def test_refusals_are_json(
    client: TestClient, url: str, status: int, words: str, limit: str | None
) -> None:
    response = client.get(url)
    assert response.status_code == status
    body = response.json()
    assert words in body["error"]
    assert body["limit"] == limit


def test_a_body_is_refused_by_its_size(client: TestClient) -> None:
    response = client.request("GET", "/api/view", content=b"x" * 5000)
    assert response.status_code == 413
    assert response.json()["limit"] == "request_size"
    assert client.post("/api/view").status_code == 405


@pytest.mark.parametrize("kind", list(DOWNLOADS))
def test_each_download_is_a_valid_file(client: TestClient, kind: str) -> None:
    if unavailable(kind):
        response = client.get(f"/api/download?input=3x3&kernel=2&format={kind}")
        assert response.status_code == 400 and "pip install" in response.json()["error"]
        return
    response = client.get(f"/api/download?input=3x3&kernel=2&format={kind}")
    assert response.status_code == 200
    extension = DOWNLOADS[kind][0]
    assert (
        response.headers["content-disposition"]
        == f'attachment; filename="conv_3x3_k2_s1_p0{extension}"'
    )
    check_download(kind, response.content, frames=4)


def test_guide_is_served(client: TestClient) -> None:
    response = client.get("/guide")
    assert response.status_code == 200 and "relationship-6" in response.text


def test_missing_guide_is_a_json_404() -> None:
    from convarith.explorer import app as app_module

    original = app_module._guide_builder
    app_module._guide_builder = lambda: (_ for _ in ()).throw(ImportError("no guide"))  # type: ignore[assignment]
    try:
        response = TestClient(create_app()).get("/guide")
    finally:
        app_module._guide_builder = original
    assert response.status_code == 404 and "guide" in response.json()["error"]


def test_a_render_whose_page_left_is_not_started() -> None:
    import anyio

    from convarith.explorer.app import _Gate, _Gone

    calls: list[int] = []

    class Left:
        async def is_disconnected(self) -> bool:
            return True

    class Staying:
        async def is_disconnected(self) -> bool:
            return False

    async def scenario() -> int:
        gate = _Gate(1, 4, "renders")
        with pytest.raises(_Gone):
            await gate.run(Left(), calls.append, 1)  # type: ignore[arg-type]
        return int(await gate.run(Staying(), lambda: len(calls) + 10))  # type: ignore[arg-type]

    assert anyio.run(scenario) == 10
    assert calls == []


def test_a_full_queue_answers_429() -> None:
    import anyio

    from convarith.explorer.app import _Busy, _Gate

    async def scenario() -> str:
        gate = _Gate(1, 0, "renders")

        class Staying:
            async def is_disconnected(self) -> bool:
                return False

        try:
            await gate.run(Staying(), lambda: None)  # type: ignore[arg-type]
        except _Busy as busy:
            return busy.name
        return "served"

    assert anyio.run(scenario) == "renders"


def test_every_guide_link_of_the_page_lands_on_a_section() -> None:
    import re

    pytest.importorskip("typst")
    response = TestClient(create_app()).get("/guide")
    assert response.status_code == 200 and response.text.startswith("<!DOCTYPE html>")
    anchors = set(re.findall(r'id="([a-z0-9-]+)"', response.text))
    linked = {f"relationship-{n}" for n in range(1, 16)} | {
        "convolution-arithmetic",
        "transposed-convolution",
        "pooling",
        "dilated-convolution",
        "beyond-the-original",
    }
    assert linked <= anchors
    # The page writes these: its script and the explanation's links.
    script = (Path(create_app.__code__.co_filename).parent / "static" / "explorer.js").read_text()
    assert "/guide#relationship-" in script and "/guide#beyond-the-original" in script


def test_a_fault_of_the_explorer_is_a_json_500(monkeypatch: pytest.MonkeyPatch) -> None:
    from convarith.explorer import app as app_module

    def broken(state: dict[str, str]) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(app_module, "_view_job", broken)
    response = TestClient(create_app(), raise_server_exceptions=False).get("/api/view")
    assert response.status_code == 500
    assert response.json()["error"] == "the explorer failed on this request (RuntimeError)"
