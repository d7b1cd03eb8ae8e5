"""Holding back the signals that stop a run, for the few steps that must all happen or none.

Ctrl-C (SIGINT), SIGTERM and SIGHUP stop a run by unwinding it as an
exception, so that every temporary is removed on the way out.  A handful of
steps must not be cut in two by that exception: making a temporary and
recording it, creating and removing a probe file, swapping a set of frames
into place.  :func:`uninterrupted` holds the signals back while they run and
delivers them, to whatever handled them before, when they are done.

It replaces the handlers for the time being rather than masking the signals:
a process-wide signal that this thread masks is delivered to another thread
(numpy's, say), and Python still runs its handler in the main thread.
:func:`blocked` masks them, for what a mask is right for: a process forked
meanwhile is born with them blocked, until it has its own handlers.

>>> with uninterrupted():
...     pass
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from types import FrameType

__all__ = ["STOPPING", "blocked", "uninterrupted"]

#: The signals that stop a run.
STOPPING = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """Hold back SIGINT, SIGTERM and SIGHUP until the block ends, then deliver them.

    A signal that arrives meanwhile is raised again when the block ends, and
    handled as it would have been (an exception, the default action, or
    nothing if ignored).  Outside the main thread, where handlers cannot be
    set, the signals are masked in this thread instead.

    >>> import os
    >>> received = []
    >>> previous = signal.signal(signal.SIGTERM, lambda signum, frame: received.append(signum))
    >>> with uninterrupted():
    ...     os.kill(os.getpid(), signal.SIGTERM)
    ...     print(received)
    []
    >>> received == [signal.SIGTERM]
    True
    >>> _ = signal.signal(signal.SIGTERM, previous)
    """
    held: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        if signum not in held:
            held.append(signum)

    previous = {}
    try:
        try:
            for stopping in STOPPING:
                previous[stopping] = signal.signal(stopping, hold)
        except ValueError:  # not the main thread
            with blocked():
                yield
            return
        yield
    finally:
        for stopping, handler in previous.items():
            signal.signal(stopping, handler)
        for signum in held:
            signal.raise_signal(signum)


@contextlib.contextmanager
def blocked() -> Iterator[None]:
    """Mask SIGINT, SIGTERM and SIGHUP in this thread until the block ends (where there are masks).

    Threads started and processes forked meanwhile inherit the mask.

    >>> with blocked():
    ...     pass
    """
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None:
        yield
        return
    previous = mask(signal.SIG_BLOCK, STOPPING)
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, previous)
