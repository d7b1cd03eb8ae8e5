"""Writing all at once or not at all: a file, a whole set of frames, and the leftovers of killed runs."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

from convarith.core.errors import ConvArithError
from convarith.files.atomic import (
    FrameSet,
    atomic_output,
    making_folder,
    remove_stale,
    writer_is_running,
)
from convarith.files.names import temporary_name, temporary_writer


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_atomic_output_replaces_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with atomic_output(target) as temporary:
        assert temporary.parent == tmp_path and temporary.suffix == ".txt"
        assert temporary_writer(temporary.name) == os.getpid()  # the writer's pid is in its name
        temporary.write_text("first")
        assert not target.exists()
    assert target.read_text() == "first"
    with pytest.raises(KeyboardInterrupt), atomic_output(target) as temporary:
        temporary.write_text("second")
        raise KeyboardInterrupt
    assert target.read_text() == "first"
    assert list(tmp_path.iterdir()) == [target]


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()  # reaped: no zombie that would still answer os.kill(pid, 0)
    return process.pid


def _as_written_by(name: str, pid: int) -> str:
    return name.replace(f"-{os.getpid()}-", f"-{pid}-")


@pytest.fixture
def live_pid():
    """A process that runs while the test does."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        yield process.pid
    finally:
        process.kill()
        process.wait()


def test_writer_is_running(live_pid: int) -> None:
    assert writer_is_running(os.getpid()) and writer_is_running(live_pid)
    assert not writer_is_running(_dead_pid())


def test_leftovers_of_a_dead_writer_go_and_a_live_writers_stay(tmp_path: Path, live_pid) -> None:
    dead = _dead_pid()
    stale_file = tmp_path / _as_written_by(temporary_name("a", "0a1b2c3d", ".gif"), dead)
    stale_file.write_bytes(b"half a GIF")
    stale_set = tmp_path / _as_written_by(temporary_name("f", "0a1b2c3d"), dead)
    stale_set.mkdir()
    (stale_set / "f_00.png").write_bytes(b"a frame")
    live_file = tmp_path / _as_written_by(temporary_name("b", "0a1b2c3d", ".gif"), live_pid)
    live_file.write_bytes(b"being written")
    live_set = tmp_path / _as_written_by(temporary_name("g", "0a1b2c3d"), live_pid)
    live_set.mkdir()
    other_host = tmp_path / stale_file.name.replace(stale_file.name.split(".")[2][:8], "ffffffff")
    other_host.write_bytes(b"another machine's")
    mine = [".hidden.part", "a.gif", "notes.part.txt"]  # not convarith's temporaries
    for name in mine:
        (tmp_path / name).write_text("keep")
    # The next write into the same folder removes the dead writer's leftovers, and only those.
    with atomic_output(tmp_path / "c.gif") as temporary:
        temporary.write_bytes(b"GIF89a")
    assert not stale_file.exists() and not stale_set.exists()
    assert live_file.read_bytes() == b"being written" and live_set.is_dir()
    assert other_host.exists()
    assert all((tmp_path / name).read_text() == "keep" for name in mine)
    assert remove_stale(tmp_path) == []


def test_a_frame_set_cleans_leftovers_too(tmp_path: Path) -> None:
    stale = tmp_path / _as_written_by(temporary_name("f", "0a1b2c3d"), _dead_pid())
    stale.mkdir()
    with FrameSet(tmp_path, "f", ".png") as frames:
        (frames.path / "f_00.png").write_bytes(b"new")
    assert names(tmp_path) == ["f_00.png"]


def _write_set(folder: Path, stem: str, count: int, content: bytes, ext: str = ".png") -> None:
    with FrameSet(folder, stem, ext) as frames:
        width = max(2, len(str(count - 1)))
        for n in range(count):
            (frames.path / f"{stem}_{n:0{width}d}{ext}").write_bytes(content)


def test_a_new_set_replaces_the_old_one_whole_and_nothing_else(tmp_path: Path) -> None:
    _write_set(tmp_path, "conv", 100, b"old")
    unrelated = ["other.txt", "conv2_00.png", "conv_00.svg", "conv_1.png", "xconv_00.png"]
    for name in unrelated:
        (tmp_path / name).write_text("unrelated")
    _write_set(tmp_path, "conv", 9, b"new")
    frames = [f"conv_{n:02d}.png" for n in range(9)]
    assert names(tmp_path) == sorted(frames + unrelated)
    assert all((tmp_path / name).read_bytes() == b"new" for name in frames)
    assert all((tmp_path / name).read_text() == "unrelated" for name in unrelated)
    # Wider numbers replace narrower ones too: 101 frames are conv_000 ... conv_100.
    _write_set(tmp_path, "conv", 101, b"wide")
    _write_set(tmp_path, "conv", 3, b"three")
    assert [n for n in names(tmp_path) if n.startswith("conv_") and n.endswith(".png")] == [
        "conv_00.png",
        "conv_01.png",
        "conv_02.png",
        "conv_1.png",
    ]


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt, SystemExit])
def test_a_set_that_fails_leaves_the_previous_one(tmp_path: Path, error) -> None:
    _write_set(tmp_path, "conv", 4, b"old")
    with pytest.raises(error), FrameSet(tmp_path, "conv", ".png") as frames:
        (frames.path / "conv_00.png").write_bytes(b"new")
        raise error
    assert names(tmp_path) == [f"conv_{n:02d}.png" for n in range(4)]
    assert all(p.read_bytes() == b"old" for p in tmp_path.iterdir())


def test_an_empty_set_is_refused_and_the_previous_one_stays(tmp_path: Path) -> None:
    _write_set(tmp_path, "conv", 2, b"old")
    with pytest.raises(ConvArithError, match=r"no frames conv_NN\.png were written"):
        FrameSet(tmp_path, "conv", ".png").commit()
    assert names(tmp_path) == ["conv_00.png", "conv_01.png"]


def test_a_folder_in_the_way_of_a_frame_stops_the_swap_before_it_starts(tmp_path: Path) -> None:
    _write_set(tmp_path, "conv", 3, b"old")
    (tmp_path / "conv_03.png").mkdir()
    with pytest.raises(ConvArithError, match=r"conv_03\.png is a folder"):
        _write_set(tmp_path, "conv", 4, b"new")
    assert [p.read_bytes() for p in sorted(tmp_path.glob("conv_0[0-2].png"))] == [b"old"] * 3
    assert names(tmp_path) == ["conv_00.png", "conv_01.png", "conv_02.png", "conv_03.png"]


def _writer(folder: str, count: int, trials: int, barrier) -> None:  # type: ignore[no-untyped-def]
    content = f"writer of {count}".encode()
    for trial in range(trials):
        frames = FrameSet(Path(folder) / str(trial), "same", ".png")
        for n in range(count):
            (frames.path / f"same_{n:03d}.png").write_bytes(content)
        barrier.wait(timeout=30)  # both swap at the same moment
        frames.commit()


def test_concurrent_writers_never_mix_their_frames(tmp_path: Path) -> None:
    # Two processes swap sets of 60 and 100 frames of the same name into one
    # folder at the same moment, trial after trial: each trial ends with one
    # writer's whole set, never some frames of each.
    trials = 16
    for trial in range(trials):
        (tmp_path / str(trial)).mkdir()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(2)
    writers = [
        context.Process(target=_writer, args=(str(tmp_path), n, trials, barrier)) for n in (60, 100)
    ]
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=120)
        assert process.exitcode == 0
    for trial in range(trials):
        folder = tmp_path / str(trial)
        files = names(folder)
        assert len(files) in (60, 100), trial
        assert files == [f"same_{n:03d}.png" for n in range(len(files))]
        contents = {(folder / f).read_bytes() for f in files}
        assert contents == {f"writer of {len(files)}".encode()}, (trial, len(files), contents)


def test_making_folder_removes_what_it_made_when_the_write_fails(tmp_path: Path) -> None:
    (tmp_path / "was").mkdir()
    with pytest.raises(KeyboardInterrupt), making_folder(tmp_path / "was" / "a" / "b") as made:
        assert made.is_dir()
        raise KeyboardInterrupt
    assert names(tmp_path) == ["was"] and names(tmp_path / "was") == []
    with making_folder(tmp_path / "was" / "a" / "b") as made:
        (made / "f").write_text("")
    assert (tmp_path / "was" / "a" / "b" / "f").exists()
    # A folder with something in it stays, even when the write fails.
    with pytest.raises(RuntimeError), making_folder(tmp_path / "new") as made:
        (made / "keep").write_text("")
        raise RuntimeError
    assert (tmp_path / "new" / "keep").exists()


class _Stopped(BaseException):
    """What the test's SIGTERM handler raises."""


@pytest.mark.parametrize("cleanup", ["atomic_output", "FrameSet", "making_folder"])
def test_a_second_stop_during_the_clean_up_does_not_cut_it_short(
    tmp_path: Path, monkeypatch, cleanup
) -> None:
    # A render stopped once is unwinding; a second stop (the build's SIGTERM
    # to its workers) arrives just as the clean-up starts removing what it
    # made.  The clean-up must finish before that stop is acted on.
    import shutil
    import signal

    def stop(signum, frame):
        raise _Stopped

    previous = signal.signal(signal.SIGTERM, stop)
    signalled = []

    def stopping_first(real):
        def call(*args, **kwargs):
            if not signalled:
                signalled.append(True)
                signal.raise_signal(signal.SIGTERM)
            return real(*args, **kwargs)

        return call

    try:
        with pytest.raises(_Stopped):
            if cleanup == "atomic_output":
                monkeypatch.setattr(Path, "unlink", stopping_first(Path.unlink))
                with atomic_output(tmp_path / "a.gif") as temporary:
                    temporary.write_bytes(b"half")
                    raise KeyboardInterrupt
            elif cleanup == "FrameSet":
                monkeypatch.setattr(shutil, "rmtree", stopping_first(shutil.rmtree))
                with FrameSet(tmp_path, "f", ".png") as frames:
                    (frames.path / "f_00.png").write_bytes(b"half")
                    raise KeyboardInterrupt
            else:
                monkeypatch.setattr(Path, "rmdir", stopping_first(Path.rmdir))
                with making_folder(tmp_path / "a" / "b"):
                    raise KeyboardInterrupt
    finally:
        signal.signal(signal.SIGTERM, previous)
        monkeypatch.undo()
    assert signalled == [True]
    assert list(tmp_path.iterdir()) == []
