"""The gallery's manifest: content hashes, and a damaged manifest rebuilt instead of a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from convarith.gallery import manifest
from convarith.gallery.build import build_gallery
from convarith.gallery.catalogue import ORIGINAL

ITEM = next(item for item in ORIGINAL if item.name == "no_padding_no_strides")  # 4 frames
DIGEST = "0" * 64


def _write(path: Path, data: object) -> None:
    path.write_text(json.dumps(data))


def test_an_entry_is_current_only_with_the_same_content(tmp_path: Path) -> None:
    (tmp_path / "gif").mkdir()
    gif = tmp_path / "gif" / "a.gif"
    gif.write_bytes(b"GIF89a one")
    entry = {"key": "k", "files": {"gif/a.gif": manifest.file_digest(gif)}}
    assert manifest.is_current(entry, "k", tmp_path)
    assert not manifest.is_current(entry, "other key", tmp_path)
    gif.write_bytes(b"GIF89a two")  # same size, other content
    assert not manifest.is_current(entry, "k", tmp_path)
    gif.unlink()
    assert not manifest.is_current(entry, "k", tmp_path)


DAMAGED = {
    "truncated": b'{"version": 2, "entries": {"a:gif": {"key": "k", "fil',
    "garbage": b"\x00\xff\xfe not json at all",
    "not utf-8": b'{"version": 2, "entries": "\xff"}',
    "deeply nested": b"[" * 100_000 + b"]" * 100_000,
    "empty": b"",
    "a list": b"[1, 2, 3]",
    "old layout (sizes)": json.dumps(
        {"entries": {"a:gif": {"key": "k", "files": {"gif/a.gif": 120}}}}
    ).encode(),
    "entries a list": json.dumps({"version": 2, "entries": ["a:gif"]}).encode(),
}


@pytest.mark.parametrize("content", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_manifest_loads_as_empty(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / manifest.MANIFEST
    path.write_bytes(content)
    assert manifest.load(path) == {}


WRONG_ENTRIES = {
    "entry a string": "k",
    "entry a list": ["k", {}],
    "key a number": {"key": 3, "files": {"gif/a.gif": DIGEST}},
    "files a list": {"key": "k", "files": ["gif/a.gif"]},
    "no files": {"key": "k", "files": {}},
    "hash a number": {"key": "k", "files": {"gif/a.gif": 120}},
    "hash not a hash": {"key": "k", "files": {"gif/a.gif": "abc"}},
    "a path outside": {"key": "k", "files": {"../../etc/passwd": DIGEST}},
    "an absolute path": {"key": "k", "files": {"/etc/passwd": DIGEST}},
}


@pytest.mark.parametrize("entry", WRONG_ENTRIES.values(), ids=WRONG_ENTRIES.keys())
def test_entries_of_the_wrong_shape_are_dropped_and_the_rest_kept(
    tmp_path: Path, entry: object
) -> None:
    path = tmp_path / manifest.MANIFEST
    good = {"key": "k", "files": {"gif/b.gif": DIGEST}}
    _write(path, {"version": 2, "entries": {"a:gif": entry, "b:gif": good}})
    assert manifest.load(path) == {"b:gif": good}


@pytest.mark.parametrize(
    "content",
    [
        DAMAGED["truncated"],
        DAMAGED["garbage"],
        json.dumps({"version": 2, "entries": {"no_padding_no_strides:gif": ["x"]}}).encode(),
        json.dumps(
            {"version": 2, "entries": {"no_padding_no_strides:gif": {"key": 1, "files": 2}}}
        ).encode(),
    ],
    ids=["truncated", "garbage", "entry a list", "wrong types"],
)
def test_a_build_over_a_damaged_manifest_rebuilds_it(tmp_path: Path, content: bytes) -> None:
    build_gallery(tmp_path, ["gif"], items=[ITEM], jobs=1)
    path = tmp_path / manifest.MANIFEST
    path.write_bytes(content)
    report = build_gallery(tmp_path, ["gif"], items=[ITEM], jobs=1)
    assert report.written == [ITEM.name]  # what the manifest cannot vouch for is rendered
    assert set(manifest.load(path)) == {f"{ITEM.name}:gif"}  # and it is sound again
    assert build_gallery(tmp_path, ["gif"], items=[ITEM], jobs=1).written == []
