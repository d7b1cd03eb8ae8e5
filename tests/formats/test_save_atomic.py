"""Writes are atomic: a render that fails midway leaves no file, no temporary, and the old target.

Failures are injected where they would really happen: an encoder raising in
the middle of the frame stream, the frame stream itself breaking (a render
error, a Ctrl-C), or the disk failing while the bytes of a vector file are
written.
"""

from __future__ import annotations

import pathlib

import pytest

import convarith.backends.raster as raster_backend
from convarith.encoders import gif as gif_encoder
from support.output_cases import animation, listing

OLD = b"the previous, good file"


class Boom(RuntimeError):
    pass


class _Breaking:
    """A frame stream (with a length, like the real one) that raises at frame ``after``."""

    def __init__(self, stream, after: int, error: type[BaseException]) -> None:
        self.stream, self.after, self.error, self.n = stream, after, error, 0

    def __len__(self) -> int:
        return len(self.stream)

    def __iter__(self):
        return self

    def __next__(self):
        if self.n == self.after:
            raise self.error("broken mid-stream")
        self.n += 1
        return next(self.stream)


def _breaking_stream(after: int, error: type[BaseException] = Boom):
    real = raster_backend.render_frames

    def render_frames(figure, **kwargs):
        return _Breaking(real(figure, **kwargs), after, error)

    return render_frames


@pytest.mark.parametrize("existing", [False, True])
def test_gif_encoder_raising_midway_leaves_nothing(tmp_path, monkeypatch, existing) -> None:
    target = tmp_path / "a.gif"
    if existing:
        target.write_bytes(OLD)
    real_add = gif_encoder.GifStream.add
    calls = []

    def add(self, frame, duration):
        calls.append(1)
        if len(calls) == 4:
            raise Boom("encoder failed on frame 4")
        real_add(self, frame, duration)

    monkeypatch.setattr(gif_encoder.GifStream, "add", add)
    with pytest.raises(Boom):
        animation().save(target)
    assert len(calls) == 4  # it really failed mid-stream, after writing frames
    assert listing(tmp_path) == (["a.gif"] if existing else [])
    if existing:
        assert target.read_bytes() == OLD


@pytest.mark.parametrize("ext", ["gif", "webp", "apng", "png", "mp4"])
@pytest.mark.parametrize("error", [Boom, KeyboardInterrupt])
def test_frame_stream_breaking_leaves_nothing(tmp_path, monkeypatch, ext, error) -> None:
    if ext == "mp4":
        pytest.importorskip("imageio_ffmpeg")
    target = tmp_path / f"a.{ext}"
    target.write_bytes(OLD)
    monkeypatch.setattr(raster_backend, "render_frames", _breaking_stream(3, error))
    with pytest.raises(error):
        animation().save(target)
    assert listing(tmp_path) == [f"a.{ext}"]
    assert target.read_bytes() == OLD


@pytest.mark.parametrize("ext", ["svg", "pdf", "tex"])
def test_disk_failing_while_writing_a_vector_file(tmp_path, monkeypatch, ext) -> None:
    target = tmp_path / f"a.{ext}"
    target.write_bytes(OLD)
    real = pathlib.Path.write_bytes

    def half_then_fail(self, data):
        real(self, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pathlib.Path, "write_bytes", half_then_fail)
    with pytest.raises(OSError):
        animation().save(target)
    monkeypatch.undo()
    assert listing(tmp_path) == [f"a.{ext}"]
    assert target.read_bytes() == OLD


@pytest.mark.parametrize("frame_format", ["png", "svg", "pdf"])
@pytest.mark.parametrize("error", [Boom, KeyboardInterrupt])
def test_a_folder_render_breaking_keeps_the_previous_set(
    tmp_path, monkeypatch, frame_format, error
) -> None:
    folder = tmp_path / "frames"
    anim = animation()
    previous = anim.save(f"{folder}/", frame_format=frame_format)  # 9 frames
    (folder / "other.txt").write_text("unrelated")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    if frame_format == "png":
        monkeypatch.setattr(raster_backend, "render_frames", _breaking_stream(3, error))
    else:
        real = pathlib.Path.write_bytes
        calls = []

        def fail_on_the_fourth(self, data):
            calls.append(self)
            if len(calls) == 4:
                raise error("broken mid-folder")
            return real(self, data)

        monkeypatch.setattr(pathlib.Path, "write_bytes", fail_on_the_fourth)
    with pytest.raises(error):
        anim.save(f"{folder}/", frame_format=frame_format)
    monkeypatch.undo()
    # The previous set, whole; no temporary folder; the other file untouched.
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert len(previous) == 9


@pytest.mark.parametrize("frame_format", ["png", "svg", "pdf"])
def test_a_folder_made_for_a_render_that_fails_is_removed(
    tmp_path, monkeypatch, frame_format
) -> None:
    monkeypatch.setattr(raster_backend, "render_frames", _breaking_stream(3))
    real = pathlib.Path.write_bytes

    def fail(self, data):
        if self.suffix == f".{frame_format}":
            raise Boom("broken")
        return real(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", fail)
    with pytest.raises(Boom):
        animation().save(f"{tmp_path}/new/frames/", frame_format=frame_format)
    assert listing(tmp_path) == []


def test_a_successful_write_replaces_the_old_file(tmp_path) -> None:
    target = tmp_path / "a.gif"
    target.write_bytes(OLD)
    animation().save(target)
    assert target.read_bytes() != OLD and target.read_bytes()[:6] == b"GIF89a"
    assert listing(tmp_path) == ["a.gif"]
