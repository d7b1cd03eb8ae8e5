"""The gallery's record of what it wrote, so that up-to-date animations are skipped.

The manifest (``DIR/.convarith-gallery.json``) maps ``NAME:FORMAT`` to a key
(the animation's parameters, the format, the scale and a hash of convarith's
code and fonts) and the size of every file written.  An entry is current when
its key matches and its files are all there with those sizes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from convarith.files.atomic import atomic_output

__all__ = ["MANIFEST", "code_fingerprint", "entry_key", "is_current", "load", "save"]

MANIFEST = ".convarith-gallery.json"


def code_fingerprint() -> str:
    """A hash of convarith's code and fonts: outputs made by other code are rebuilt."""
    root = Path(__file__).resolve().parent.parent  # the whole package
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".ttf", ".json") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def entry_key(code: str, item_key: str, fmt: str, scale: float) -> str:
    """What one animation in one format depends on."""
    return hashlib.sha256(f"{code}|{item_key}|{fmt}|{scale}".encode()).hexdigest()


def load(path: Path) -> dict[str, Any]:
    """The manifest's entries, or none when it is missing or unreadable."""
    try:
        data = json.loads(path.read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def is_current(entry: dict[str, Any] | None, key: str, root: Path) -> bool:
    """Whether a manifest entry matches ``key`` and its files are all there, unchanged."""
    if not entry or entry.get("key") != key:
        return False
    for name, size in entry.get("files", {}).items():
        try:
            if (root / name).stat().st_size != size:
                return False
        except OSError:
            return False
    return True


def save(path: Path, data: dict[str, Any]) -> None:
    """Write the manifest atomically."""
    with atomic_output(path) as temporary:
        Path(temporary).write_text(json.dumps(data, indent=1, sort_keys=True))
