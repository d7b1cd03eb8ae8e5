"""The streaming GIF writer: what it stores, how it decodes, what it keeps in memory."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageSequence

from convarith.core.errors import ConvArithError
from convarith.encoders import write_gif
from convarith.figure.primitives import Figure


def decoded(path: Path) -> list[np.ndarray]:
    with Image.open(path) as gif:
        return [np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(gif)]


def test_frames_size_durations_and_loop(
    classic: Figure, p_frames: list[Image.Image], tmp_path: Path
) -> None:
    path = write_gif(p_frames, classic.durations, tmp_path / "a.gif")
    with Image.open(path) as gif:
        assert gif.n_frames == 9
        assert gif.size == p_frames[0].size
        assert gif.info["loop"] == 0  # forever
        durations = []
        for frame in ImageSequence.Iterator(gif):
            durations.append(frame.info["duration"])
        assert durations == [1000] * 8 + [2000]


def test_durations_are_rounded_to_centiseconds(p_frames: list[Image.Image], tmp_path: Path) -> None:
    path = write_gif(p_frames[:3], [40, 1234, 5], tmp_path / "a.gif")
    with Image.open(path) as gif:
        assert [f.info["duration"] for f in ImageSequence.Iterator(gif)] == [40, 1230, 10]


def test_play_once_has_no_loop_extension(p_frames: list[Image.Image], tmp_path: Path) -> None:
    path = write_gif(p_frames[:2], [100, 100], tmp_path / "once.gif", loop=False)
    with Image.open(path) as gif:
        assert "loop" not in gif.info


def test_decodes_to_exactly_the_rendered_frames(
    classic: Figure, p_frames: list[Image.Image], tmp_path: Path
) -> None:
    path = write_gif(p_frames, classic.durations, tmp_path / "a.gif")
    for got, frame in zip(decoded(path), p_frames, strict=True):
        assert np.array_equal(got, np.asarray(frame.convert("RGB")))


def test_one_global_palette_and_changed_rectangles(
    classic: Figure, p_frames: list[Image.Image], tmp_path: Path
) -> None:
    path = write_gif(p_frames, classic.durations, tmp_path / "a.gif")
    data = path.read_bytes()
    assert data[10] & 0x80  # global colour table
    assert data.count(b"\x2c") >= 9  # image descriptors...
    with Image.open(path) as gif:
        width, height = gif.size
        areas = []
        for index in range(1, gif.n_frames):
            gif.seek(index)
            left, top, right, bottom = gif.dispose_extent
            areas.append((right - left) * (bottom - top))
    # ...each after the first covering only the part that changed.
    assert max(areas) < 0.5 * width * height


def test_rgb_frames_are_mapped_onto_one_palette(
    classic: Figure, rgb_frames: list[Image.Image], tmp_path: Path
) -> None:
    path = write_gif(rgb_frames, classic.durations, tmp_path / "rgb.gif")
    for got, frame in zip(decoded(path), rgb_frames, strict=True):
        error = np.abs(got.astype(int) - np.asarray(frame, dtype=int))
        assert np.mean(error.max(axis=2) == 0) > 0.95


def test_unchanged_frames_still_count(tmp_path: Path) -> None:
    frames = [Image.new("P", (6, 4), 0)] * 3
    path = write_gif(frames, [100, 200, 300], tmp_path / "same.gif")
    with Image.open(path) as gif:
        assert gif.n_frames == 3
        assert [f.info["duration"] for f in ImageSequence.Iterator(gif)] == [100, 200, 300]


def test_keeps_only_the_previous_frame(p_frames: list[Image.Image], tmp_path: Path) -> None:
    alive: list[weakref.ref[Image.Image]] = []

    def frames() -> Iterator[Image.Image]:
        for index in range(20):
            gc.collect()
            # Two frames back is no longer needed by the writer.
            assert index < 2 or alive[index - 2]() is None
            frame = p_frames[index % 9].copy()
            alive.append(weakref.ref(frame))
            yield frame

    write_gif(frames(), [100] * 20, tmp_path / "stream.gif")


def test_frame_count_must_match_durations(p_frames: list[Image.Image], tmp_path: Path) -> None:
    with pytest.raises(ConvArithError, match=r"^frames: 3 frames for 4 durations$"):
        write_gif(p_frames[:3], [100] * 4, tmp_path / "a.gif")
    with pytest.raises(ConvArithError, match=r"^frames: more frames than the 2 durations$"):
        write_gif(p_frames[:3], [100] * 2, tmp_path / "a.gif")
    with pytest.raises(ConvArithError, match=r"^durations\[1\]=0 must be a whole number"):
        write_gif(p_frames[:2], [100, 0], tmp_path / "a.gif")
    assert list(tmp_path.iterdir()) == []


def test_frames_of_another_size_are_refused(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (4, 4)), Image.new("RGB", (5, 4))]
    with pytest.raises(ConvArithError, match=r"frame size \(5, 4\) differs"):
        write_gif(frames, [100, 100], tmp_path / "a.gif")


def test_frames_noting_their_changes_give_the_bytes_of_frames_compared_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The rasterizer's frames say where they may differ from the static image
    # and the writer compares only there; without the notes it compares whole
    # frames.  Both must write the same file, frames with no change included.
    from convarith.api.animation import animate
    from convarith.backends.raster import render_frames
    from convarith.encoders import gif as gif_module
    from convarith.pixels.changes import KEY

    figure = animate("max-pool", (6, 6), kernel_size=2, stride=1, numerical=True).figure
    noted = list(render_frames(figure, mode="P"))
    assert all(KEY in frame.info for frame in noted)
    plain = [frame.copy() for frame in noted]
    for frame in plain:
        del frame.info[KEY]
    repeated = [*noted[:2], noted[1].copy(), *noted[2:]]  # one frame shown twice
    bare = [*plain[:2], plain[1].copy(), *plain[2:]]
    durations = [100] * len(repeated)
    compared: dict[str, int] = {}
    real = gif_module.difference

    def counting(previous: Image.Image, current: Image.Image) -> Image.Image:
        compared[name] = compared.get(name, 0) + current.width * current.height
        return real(previous, current)

    monkeypatch.setattr(gif_module, "difference", counting)
    for name, sequence in (("noted", repeated), ("bare", bare)):
        write_gif(sequence, durations, tmp_path / f"{name}.gif")
    assert (tmp_path / "noted.gif").read_bytes() == (tmp_path / "bare.gif").read_bytes()
    assert compared["noted"] < compared["bare"] / 2  # the notes were used
