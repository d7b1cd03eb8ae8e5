"""``build_gallery``: layout, counts, up-to-date skipping, force, formats, and parallel determinism."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

import convarith
from convarith.core.errors import ConvArithError
from convarith.gallery.build import build_gallery
from convarith.gallery.catalogue import ORIGINAL, GalleryItem

BY_NAME = {item.name: item for item in ORIGINAL}
# Small and fast: 4 + 4 + 9 frames, arithmetic, transposed and numerical.
ITEMS = [
    BY_NAME["no_padding_no_strides"],
    BY_NAME["no_padding_strides"],
    BY_NAME["numerical_max_pooling"],
]
FRAMES = {"no_padding_no_strides": 4, "no_padding_strides": 4, "numerical_max_pooling": 9}
MANIFEST = ".convarith-gallery.json"


def tree(root: Path) -> dict[str, tuple[int, int, int]]:
    """Every file under ``root``: relative path -> (inode, mtime, ctime): changes when rewritten."""
    return {
        p.relative_to(root).as_posix(): (
            p.stat().st_ino,
            p.stat().st_mtime_ns,
            p.stat().st_ctime_ns,
        )
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def expected_files(items, formats=("gif", "png", "pdf")) -> set[str]:
    names = set()
    for item in items:
        n = FRAMES[item.name]
        if "gif" in formats:
            names.add(f"gif/{item.name}.gif")
        for fmt in ("png", "pdf"):
            if fmt in formats:
                names |= {f"{fmt}/{item.name}_{k:02d}.{fmt}" for k in range(n)}
    return names


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The three items in all formats, one worker; and the report."""
    root = tmp_path_factory.mktemp("gallery")
    calls = []
    report = build_gallery(
        root, items=ITEMS, jobs=1, progress=lambda d, t, n: calls.append((d, t, n))
    )
    return root, report, calls


def test_layout_and_counts(built) -> None:
    root, report, calls = built
    files = tree(root)
    assert set(files) == expected_files(ITEMS) | {MANIFEST}
    assert sorted(report.written) == sorted(item.name for item in ITEMS)
    assert report.up_to_date == []
    assert {p.relative_to(root).as_posix() for p in report.files} == expected_files(ITEMS)
    for item in ITEMS:
        with Image.open(root / "gif" / f"{item.name}.gif") as gif:
            assert gif.n_frames == FRAMES[item.name]
            size = gif.size
        with Image.open(root / "png" / f"{item.name}_00.png") as png:
            assert png.size == size
    # Progress: once per animation, counting up to the total.
    assert [(d, t) for d, t, _ in calls] == [(1, 3), (2, 3), (3, 3)]
    assert sorted(n for _, _, n in calls) == sorted(item.name for item in ITEMS)


def test_second_run_writes_nothing(built) -> None:
    root, _, _ = built
    before = tree(root)
    report = build_gallery(root, items=ITEMS, jobs=1)
    assert report.written == []
    assert sorted(report.up_to_date) == sorted(item.name for item in ITEMS)
    after = tree(root)
    del before[MANIFEST], after[MANIFEST]
    assert after == before


def test_deleting_one_file_renders_only_that_animation(tmp_path) -> None:
    build_gallery(tmp_path, items=ITEMS, jobs=1)
    before = tree(tmp_path)
    (tmp_path / "png" / "no_padding_strides_02.png").unlink()
    report = build_gallery(tmp_path, items=ITEMS, jobs=1)
    assert report.written == ["no_padding_strides"]
    assert sorted(report.up_to_date) == ["no_padding_no_strides", "numerical_max_pooling"]
    after = tree(tmp_path)
    assert set(after) == set(before)
    changed = {name for name in after if after[name] != before[name]} - {MANIFEST}
    # Only that animation's PNG frames were written again: not its GIF, not the others.
    assert changed == {f"png/no_padding_strides_{k:02d}.png" for k in range(4)}
    # A changed file (same name, other size) counts as out of date too.
    gif = tmp_path / "gif" / "numerical_max_pooling.gif"
    gif.write_bytes(b"GIF89a truncated")
    report = build_gallery(tmp_path, items=ITEMS, jobs=1)
    assert report.written == ["numerical_max_pooling"]
    with Image.open(gif) as image:
        assert image.n_frames == 9


def test_force_renders_everything(tmp_path) -> None:
    build_gallery(tmp_path, ["gif"], items=ITEMS[:2], jobs=1)
    before = tree(tmp_path)
    report = build_gallery(tmp_path, ["gif"], items=ITEMS[:2], jobs=1, force=True)
    assert sorted(report.written) == sorted(item.name for item in ITEMS[:2])
    assert report.up_to_date == []
    after = tree(tmp_path)
    assert all(after[name] != before[name] for name in before)


def test_formats_subset(tmp_path) -> None:
    report = build_gallery(tmp_path, ["pdf", " GIF "], items=ITEMS[:1], jobs=1)
    assert set(tree(tmp_path)) == expected_files(ITEMS[:1], ("gif", "pdf")) | {MANIFEST}
    assert not (tmp_path / "png").exists()
    assert report.written == ["no_padding_no_strides"]
    # Asking for PNG later renders only the PNGs.
    report = build_gallery(tmp_path, ["png"], items=ITEMS[:1], jobs=1)
    assert report.written == ["no_padding_no_strides"]
    assert set(tree(tmp_path)) == expected_files(ITEMS[:1]) | {MANIFEST}


@pytest.mark.parametrize(
    ("formats", "words"), [(["gif", "jpg"], "'jpg'"), ([], "empty"), (["", " "], "empty")]
)
def test_bad_formats_refused(tmp_path, formats, words) -> None:
    out = tmp_path / "out"
    with pytest.raises(ConvArithError) as info:
        build_gallery(out, formats, items=ITEMS[:1], jobs=1)
    assert words in str(info.value) and "\n" not in str(info.value)
    assert not out.exists()


def test_unwritable_destination_refused(tmp_path) -> None:
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ConvArithError, match="not a folder"):
        build_gallery(tmp_path / "afile" / "out", ["gif"], items=ITEMS[:1], jobs=1)


def test_one_and_two_jobs_give_identical_files(tmp_path, built) -> None:
    one, _, _ = built
    two = tmp_path / "two"
    report = build_gallery(two, items=ITEMS, jobs=2)
    assert sorted(report.written) == sorted(item.name for item in ITEMS)
    names = sorted(p.relative_to(one).as_posix() for p in one.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(two).as_posix() for p in two.rglob("*") if p.is_file())
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_gallery_gif_is_the_animation_of_its_item(built, tmp_path) -> None:
    root, _, _ = built
    item = ITEMS[0]
    anim = convarith.animate(item.op, item.input_shape, view=item.view, **item.params)
    anim.save(tmp_path / "same.gif")
    assert (tmp_path / "same.gif").read_bytes() == (root / "gif" / f"{item.name}.gif").read_bytes()


def test_a_hundred_frame_item(tmp_path) -> None:
    item = GalleryItem("hundred", "conv", (10, 10), {"kernel_size": 1}, group="extra")
    report = build_gallery(tmp_path, ["png"], items=[item], jobs=1)
    assert len(report.files) == 100 and all(p.exists() for p in report.files)
    assert build_gallery(tmp_path, ["png"], items=[item], jobs=1).written == []


def test_default_jobs_use_the_cores(tmp_path) -> None:
    report = build_gallery(tmp_path, ["gif"], items=ITEMS[:2])
    assert sorted(report.written) == sorted(item.name for item in ITEMS[:2])
    assert os.path.exists(tmp_path / "gif" / "no_padding_strides.gif")
