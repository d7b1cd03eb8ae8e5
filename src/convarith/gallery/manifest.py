"""The gallery's record of what it wrote, so that up-to-date animations are skipped.

The manifest (``DIR/.convarith-gallery.json``) maps ``NAME:FORMAT`` to a key
(the animation's parameters, the format, the scale and a hash of convarith's
code and fonts) and the SHA-256 of every file written.  An entry is current
when its key matches and its files are all there with that content: a file
changed in place is noticed even when its size stays the same.

The manifest is a cache.  One that cannot be read, is not JSON, or holds
anything of the wrong shape (a truncated file, another program's JSON, a
number where a hash belongs) costs a rebuild of what it cannot vouch for,
never a crash: :func:`load` keeps the entries that are well formed and drops
the rest, and the next :func:`save` writes a sound one.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path, PurePosixPath
from typing import Any

from convarith.files.atomic import atomic_output

__all__ = [
    "MANIFEST",
    "Entry",
    "code_fingerprint",
    "entry_key",
    "file_digest",
    "is_current",
    "load",
    "save",
]

MANIFEST = ".convarith-gallery.json"
#: The manifest's layout; a manifest of another version is rebuilt.
VERSION = 2

#: ``{"key": str, "files": {relative path: sha256 hex}}``
Entry = dict[str, Any]

_DIGEST = re.compile(r"[0-9a-f]{64}")


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


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's content."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load(path: Path) -> dict[str, Entry]:
    """The manifest's well-formed entries; none when it is missing, unreadable or not a manifest."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return {}
    entries = data.get("entries")
    if not isinstance(entries, dict):
        return {}
    return {name: entry for name, entry in entries.items() if _well_formed(name, entry)}


def _well_formed(name: object, entry: object) -> bool:
    if not isinstance(name, str) or not isinstance(entry, dict):
        return False
    files = entry.get("files")
    if not isinstance(entry.get("key"), str) or not isinstance(files, dict) or not files:
        return False
    return all(
        isinstance(file, str)
        and _inside(file)
        and isinstance(digest, str)
        and _DIGEST.fullmatch(digest)
        for file, digest in files.items()
    )


def _inside(name: str) -> bool:
    """Whether ``name`` is a relative path that stays inside the gallery's folder."""
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def is_current(entry: Entry | None, key: str, root: Path) -> bool:
    """Whether a manifest entry matches ``key`` and its files are all there, unchanged."""
    if not entry or entry.get("key") != key:
        return False
    for name, digest in entry["files"].items():
        try:
            if file_digest(root / name) != digest:
                return False
        except OSError:
            return False
    return True


def save(path: Path, entries: dict[str, Entry]) -> None:
    """Write the manifest atomically."""
    data = {"version": VERSION, "entries": entries}
    with atomic_output(path) as temporary:
        Path(temporary).write_text(json.dumps(data, indent=1, sort_keys=True))
