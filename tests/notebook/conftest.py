"""The browser's side of the notebook widget, without a browser.

A widget talks to its front end through a *comm*: the kernel sends the whole
state when the widget opens, then every change; the front end sends back the
traits its user changed.  :class:`FrontEnd` stands in for the browser at that
boundary: it keeps the model the browser would hold, built only from the
messages the kernel sends, and sends changes the way the ES module does
(``model.set("state", ...)`` then ``save_changes()``).  A test then reads what
the browser would show from ``front_end.model``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import comm
import pytest
from comm.base_comm import BaseComm

import convarith
from convarith.notebook.widget import ExplorerWidget


class RecordingComm(BaseComm):
    """A comm that keeps what the kernel publishes instead of sending it."""

    def __init__(self, **kwargs: Any) -> None:
        self.published: list[tuple[str, dict[str, Any]]] = []
        super().__init__(**kwargs)

    def publish_msg(
        self,
        msg_type: str,
        data: Any = None,
        metadata: Any = None,
        buffers: Any = None,
        **keys: Any,
    ) -> None:
        self.published.append((msg_type, data or {}))


class FrontEnd:
    """The model a browser holds for one widget, fed only by the kernel's messages."""

    def __init__(self, widget: ExplorerWidget) -> None:
        self.widget = widget
        self.comm = widget.comm
        assert isinstance(self.comm, RecordingComm)
        self.model: dict[str, Any] = {}
        self._read = 0
        self.receive()

    def receive(self) -> dict[str, Any]:
        """Apply the messages the kernel sent since the last call; return the model."""
        for msg_type, data in self.comm.published[self._read :]:
            if msg_type == "comm_open" or (
                msg_type == "comm_msg" and data.get("method") in ("update", "echo_update")
            ):
                self.model.update(data["state"])
        self._read = len(self.comm.published)
        return self.model

    def send(self, **traits: Any) -> dict[str, Any]:
        """Send trait values as the front end does, and return the model after the kernel's answer."""
        self.model.update(traits)
        self.widget._handle_msg({"content": {"data": {"method": "update", "state": traits}}})
        return self.receive()

    def change(self, **controls: str) -> dict[str, Any]:
        """Change controls as a user does in the page: the whole new state goes to the kernel."""
        return self.send(state={**self.model["state"], **controls})


@pytest.fixture(autouse=True)
def recording_comms(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every widget made in these tests opens a recording comm."""
    monkeypatch.setattr(comm, "create_comm", lambda **kwargs: RecordingComm(**kwargs))


@pytest.fixture(autouse=True)
def no_swallowed_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A front-end message the widget fails on is only logged by ipywidgets: fail the test on it."""
    with caplog.at_level(logging.WARNING):
        yield
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not problems, [r.getMessage() for r in problems]


@pytest.fixture
def open_widget() -> Any:
    """Make a widget with :func:`convarith.explore` and attach a front end to it."""

    def make(*args: Any, **kwargs: Any) -> FrontEnd:
        return FrontEnd(convarith.explore(*args, **kwargs))

    return make
