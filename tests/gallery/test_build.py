"""``build_gallery``: layout, counts, up-to-date skipping, force, formats, and parallel determinism."""

from __future__ import annotations

import os
import time
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


def test_a_changed_file_of_the_same_size_is_rendered_again(tmp_path) -> None:
    build_gallery(tmp_path, ["gif", "png"], items=ITEMS[:1], jobs=1)
    frame = tmp_path / "png" / "no_padding_no_strides_01.png"
    good = frame.read_bytes()
    frame.write_bytes(bytes(len(good)))  # same size, other content
    report = build_gallery(tmp_path, ["gif", "png"], items=ITEMS[:1], jobs=1)
    assert report.written == ["no_padding_no_strides"]
    assert frame.read_bytes() == good


def test_a_rerender_removes_stale_frames_and_nothing_else(tmp_path) -> None:
    build_gallery(tmp_path, ["png", "pdf"], items=ITEMS[:1], jobs=1)  # 4 frames
    stale = [f"no_padding_no_strides_{n:02d}" for n in range(4, 100)]
    unrelated = ["other.txt", "no_padding_no_strides2_00.png", "no_padding_no_strides_00.txt"]
    for fmt in ("png", "pdf"):
        for name in stale:
            (tmp_path / fmt / f"{name}.{fmt}").write_bytes(b"an older render's frame")
        for name in unrelated:
            (tmp_path / fmt / name).write_text("unrelated")
    build_gallery(tmp_path, ["png", "pdf"], items=ITEMS[:1], jobs=1, force=True)
    assert set(tree(tmp_path)) == expected_files(ITEMS[:1], ("png", "pdf")) | {MANIFEST} | {
        f"{fmt}/{name}" for fmt in ("png", "pdf") for name in unrelated
    }


@pytest.mark.parametrize("in_the_way", ["png", "pdf", MANIFEST])
def test_a_refused_build_creates_nothing(tmp_path, in_the_way) -> None:
    out = tmp_path / "out"
    out.mkdir()
    if in_the_way == MANIFEST:
        (out / MANIFEST).mkdir()
    else:
        (out / in_the_way).write_text("a file where a folder goes")
    before = sorted(p.name for p in out.iterdir())
    with pytest.raises(ConvArithError, match=r"^cannot write .*out=") as info:
        build_gallery(out, items=ITEMS[:1], jobs=1)
    assert in_the_way in str(info.value)
    assert sorted(p.name for p in out.iterdir()) == before  # no gif/ made before the refusal
    with pytest.raises(ConvArithError):
        build_gallery(tmp_path / "new" / "out", items=ITEMS[:1], jobs=1, scale=0)
    assert not (tmp_path / "new").exists()


class Stop(Exception):
    pass


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_stopped_build_keeps_each_animation_whole(tmp_path, monkeypatch, jobs) -> None:
    import convarith.backends.raster as raster

    items = ITEMS[:2]
    build_gallery(tmp_path, items=items, jobs=1)
    # Make each animation's files recognisable as the previous build's.
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.name != MANIFEST:
            path.write_bytes(b"previous " + path.name.encode())
    before = {p: (tmp_path / p).read_bytes() for p in tree(tmp_path) if p != MANIFEST}
    real = raster.render_frames

    def breaking(figure, **kwargs):
        frames = real(figure, **kwargs)
        for n, frame in enumerate(frames):
            if n == 2:
                raise Stop("stopped mid-animation")
            yield frame

    monkeypatch.setattr(raster, "render_frames", breaking)
    with pytest.raises(Stop):
        build_gallery(tmp_path, items=items, jobs=jobs, force=True)
    monkeypatch.undo()
    after = {p: (tmp_path / p).read_bytes() for p in tree(tmp_path) if p != MANIFEST}
    # The same files, and each animation's set in each format is either the
    # previous build's or a new one, whole: never some of each.  The raster
    # sets (GIF, PNG) were stopped: they are the previous ones.
    assert set(after) == set(before)
    for item in items:
        for fmt in ("gif", "png", "pdf"):
            mine = [p for p in after if p.startswith(f"{fmt}/{item.name}")]
            kept = {after[p] == before[p] for p in mine}
            assert len(kept) == 1, (item.name, fmt)
            if fmt != "pdf":
                assert kept == {True}
    assert not [p for p in tmp_path.rglob("*") if ".part" in p.name]
    # The manifest still vouches for nothing that changed: the next build renders both.
    report = build_gallery(tmp_path, items=items, jobs=1)
    assert sorted(report.written) == sorted(item.name for item in items)


def test_the_parent_loads_the_renderers_once_for_its_workers() -> None:
    """Before forking, the build imports what rendering needs and reads the joined font."""
    import subprocess
    import sys

    code = (
        "import sys; from convarith.gallery.build import _import_renderers; "
        "from convarith.figure.fonts import subset; _import_renderers(); "
        "print(all(m in sys.modules for m in ('convarith.figure.fonts.truetype', 'convarith.backends.pdf',"
        " 'convarith.backends.raster.rasterizer', 'convarith.encoders.gif')),"
        " subset._base.cache_info().currsize)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "1"]


def test_a_finished_build_lets_its_workers_exit_without_signals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers of a build that finished are closed and joined, never sent SIGTERM."""
    import multiprocessing.pool

    terminated: list[bool] = []
    original = multiprocessing.pool.Pool.terminate

    def spy(self: multiprocessing.pool.Pool) -> None:
        terminated.append(True)
        original(self)

    monkeypatch.setattr(multiprocessing.pool.Pool, "terminate", spy)
    report = build_gallery(tmp_path, ["gif"], items=ORIGINAL[:2], jobs=2)
    assert len(report.written) == 2
    assert terminated == []


def _swallowing_first_stop() -> None:
    """A worker's set-up that loses its first SIGTERM, as a signal missed by a wait is lost."""
    import signal

    from convarith.gallery.build import _start_worker, _stop_worker

    _start_worker()

    def lose_first(signum, frame):  # type: ignore[no-untyped-def]
        signal.signal(signum, _stop_worker)

    signal.signal(signal.SIGTERM, lose_first)


def _forever(seconds: float) -> None:
    while True:
        time.sleep(seconds)


@pytest.mark.skipif(os.name != "posix", reason="workers are forked on POSIX")
def test_a_stopping_build_tells_its_workers_again_until_they_stop() -> None:
    # A worker that missed the first SIGTERM (a stop that came just before
    # it began to wait is noted, not handled, until the wait ends) must not
    # leave the build waiting for it for good.
    import multiprocessing
    import threading

    from convarith.gallery.build import _terminate

    pool = multiprocessing.get_context("fork").Pool(1, initializer=_swallowing_first_stop)
    pool.apply_async(_forever, (0.01,))
    time.sleep(0.5)  # the task is running
    [worker] = pool._pool
    stopping = threading.Thread(target=_terminate, args=(pool,), daemon=True)
    stopping.start()
    stopping.join(30)
    if stopping.is_alive():
        os.kill(worker.pid, 9)
    assert not stopping.is_alive(), "the worker that missed a stop was never told again"
    assert worker.exitcode == 128 + 15


_GROUP_STOPPED = """
import signal, sys
signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
from convarith.gallery.build import build_gallery
from convarith.gallery.catalogue import ALL
by = {item.name: item for item in ALL}
items = [by["full_padding_no_strides"], by["no_padding_no_strides"]]
build_gallery(sys.argv[1], ["gif", "png"], items=items, jobs=2, force=True)
"""


@pytest.mark.skipif(os.name != "posix", reason="process groups are POSIX")
def test_a_build_stopped_as_a_group_while_a_worker_is_idle_ends(tmp_path) -> None:
    # SIGTERM to the whole group (timeout, a CI runner) when one worker has
    # finished and waits for a task: holding the task queue's lock, it must
    # unwind (letting the lock go), not just die, or the build waits for good.
    import signal
    import subprocess
    import sys

    out = tmp_path / "g"
    process = subprocess.Popen(
        [sys.executable, "-c", _GROUP_STOPPED, str(out)],
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not (out / "gif" / "no_padding_no_strides.gif").exists():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.005)
        time.sleep(0.2)  # the short one's worker now waits for a task
        os.killpg(process.pid, signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert not [p for p in out.rglob("*") if ".part" in p.name]


def test_a_worker_told_to_stop_exits_even_if_the_stop_was_swallowed(monkeypatch) -> None:
    # A stop handled inside a finalizer raises where Python drops the
    # exception: the task runs on, and the worker must still not go back to
    # waiting for tasks.
    import contextlib
    import signal

    import convarith.gallery.build as build

    def render(task):  # type: ignore[no-untyped-def]
        with contextlib.suppress(SystemExit):  # what an exception in a finalizer comes to
            build._stop_worker(signal.SIGTERM, None)
        finished.append(True)
        return []

    finished: list[bool] = []
    previous = {stop: signal.getsignal(stop) for stop in build._STOPS}
    monkeypatch.setattr(build, "_render", render)
    try:
        with pytest.raises(SystemExit) as stopped:
            build._render_indexed((0, None))  # type: ignore[arg-type]
    finally:
        for stop, handler in previous.items():
            signal.signal(stop, handler)
        build._told.clear()
    assert finished == [True]
    assert stopped.value.code == 128 + signal.SIGTERM
