"""The one-line errors the tracer raises."""

from __future__ import annotations

from convarith.core.errors import ConvArithError


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


# --- output shapes of the operations convarith knows --------------------------


def _located(message: str) -> ConvArithError:
    """An error that already names where it happened."""
    error = ConvArithError(message)
    error.located = True  # type: ignore[attr-defined]
    return error
