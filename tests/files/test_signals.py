"""Signals held back for the steps that must all happen: a probe, a swap of frames."""

from __future__ import annotations

import os
import signal
import tempfile
import threading
import time
from pathlib import Path

import pytest

from convarith.files import places
from convarith.files.signals import uninterrupted


@pytest.mark.parametrize("threads", [0, 1])
def test_signals_wait_for_the_block(threads: int) -> None:
    # Another thread (numpy's, in a real render) must not let the signal through:
    # a mask would send it there, and Python would still run the handler here.
    received: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: received.append(signum))
    stop = threading.Event()
    helpers = [threading.Thread(target=stop.wait) for _ in range(threads)]
    for helper in helpers:
        helper.start()
    try:
        with uninterrupted():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.2)  # time for a handler to run, if it were let
            assert received == []  # held back
        assert received == [signal.SIGTERM]  # delivered when the block ends
    finally:
        stop.set()
        for helper in helpers:
            helper.join()
        signal.signal(signal.SIGTERM, previous)


def test_a_signal_held_back_is_handled_as_before(tmp_path: Path) -> None:
    previous = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        with uninterrupted():
            os.kill(os.getpid(), signal.SIGTERM)
        # Ignored before, ignored after; and a KeyboardInterrupt comes out of the block.
        with pytest.raises(KeyboardInterrupt), uninterrupted():
            os.kill(os.getpid(), signal.SIGINT)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_outside_the_main_thread_signals_are_masked() -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with uninterrupted():
                assert signal.SIGTERM in signal.pthread_sigmask(signal.SIG_BLOCK, [])
            assert signal.SIGTERM not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert errors == []


def test_a_signal_during_the_probe_leaves_no_probe_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tempfile.mkstemp

    def mkstemp_then_signal(**kwargs: object) -> tuple[int, str]:
        made = real(**kwargs)  # type: ignore[call-overload]
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C right after the probe file is made
        return made  # type: ignore[no-any-return]

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp_then_signal)
    with pytest.raises(KeyboardInterrupt):
        places.check_file_place(tmp_path / "a.gif")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("what", ["file", "frame set"])
def test_a_stop_while_a_temporary_is_made_leaves_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    from convarith.files import atomic

    real_open, real_mkdtemp = os.open, tempfile.mkdtemp

    def open_then_signal(*args: object, **kwargs: object) -> int:
        made = real_open(*args, **kwargs)  # type: ignore[arg-type]
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C right after the temporary is made
        return made

    def mkdtemp_then_signal(**kwargs: object) -> str:
        made = real_mkdtemp(**kwargs)  # type: ignore[call-overload]
        os.kill(os.getpid(), signal.SIGINT)
        return made  # type: ignore[no-any-return]

    with pytest.raises(KeyboardInterrupt):
        if what == "file":
            monkeypatch.setattr(atomic.os, "open", open_then_signal)
            with atomic.atomic_output(tmp_path / "a.gif"):
                pass
        else:
            monkeypatch.setattr(atomic.tempfile, "mkdtemp", mkdtemp_then_signal)
            with atomic.FrameSet(tmp_path, "f", ".png"):
                pass
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []
