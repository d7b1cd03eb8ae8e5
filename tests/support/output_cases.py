"""Shared helpers of the output tests: a small animation, external tools, read-back helpers."""

from __future__ import annotations

import math
import re
import subprocess
from pathlib import Path

import convarith
from support.tools import require_tool

#: The guide's "padding, strides": 9 frames; short frames and a pause to read back.
PARAMS = {"kernel_size": 3, "stride": 2, "padding": 1}
FRAME_MS, PAUSE_MS = 200, 600
FRAMES = 9


def animation(**style):
    return convarith.animate(
        "conv", (5, 5), frame_ms=FRAME_MS, pause_ms=PAUSE_MS, **PARAMS, **style
    )


def raster_size(anim, scale: float = 1.0) -> tuple[int, int]:
    return (math.ceil(anim.figure.width * scale), math.ceil(anim.figure.height * scale))


def need(tool: str) -> str:
    """The tool's path, or skip (fail under CI=true): see support.tools."""
    return require_tool(tool)


def pdf_pages(path: Path) -> int:
    out = subprocess.run(
        [need("pdfinfo"), str(path)], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"^Pages:\s+(\d+)", out, re.M)
    assert match, out
    return int(match.group(1))


def pdf_page_size(path: Path) -> tuple[float, float]:
    out = subprocess.run(
        [need("pdfinfo"), str(path)], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", out, re.M)
    assert match, out
    return float(match.group(1)), float(match.group(2))


def pdf_text(path: Path) -> str:
    return subprocess.run(
        [need("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def listing(folder: Path) -> list[str]:
    """Every entry in ``folder`` (hidden ones too), sorted."""
    return sorted(p.name for p in folder.iterdir())
