"""A folder's frames are one set: replaced whole, stale frames gone, other files untouched; refusals make nothing."""

from __future__ import annotations

import pytest

import convarith
from convarith.core.errors import ConvArithError
from convarith.formats.save import save_figure
from support.output_cases import listing

UNRELATED = ["other.txt", "many2_00.png", "many2_00.svg", "many_00.txt"]


@pytest.mark.parametrize("frame_format", ["png", "svg", "pdf"])
def test_fewer_frames_replace_more_and_leave_the_rest(tmp_path, frame_format) -> None:
    folder = tmp_path / "frames"
    many = convarith.animate("conv", (12,), kernel_size=1, name="many")  # 12 frames
    few = convarith.animate("conv", (5,), kernel_size=3, name="many")  # 3 frames, same name
    many.save(f"{folder}/", frame_format=frame_format)
    for name in UNRELATED:
        (folder / name).write_text("unrelated")
    written = few.save(f"{folder}/", frame_format=frame_format)
    frames = [f"many_{n:02d}.{frame_format}" for n in range(3)]
    assert [p.name for p in written] == frames
    assert listing(folder) == sorted(frames + UNRELATED)
    assert all((folder / name).read_text() == "unrelated" for name in UNRELATED)


def test_every_frame_of_the_new_set_is_new(tmp_path) -> None:
    anim = convarith.animate("conv", (5, 5), kernel_size=3, name="a")
    anim.save(f"{tmp_path}/", frame_format="svg")
    (tmp_path / "a_00.svg").write_text("an old frame")
    anim.save(tmp_path, frame_format="svg")
    assert (tmp_path / "a_00.svg").read_text().startswith("<")


@pytest.mark.parametrize("target", ["missing/deeper/", "missing/deeper/a.gif"])
def test_a_refused_run_creates_nothing(tmp_path, target) -> None:
    anim = convarith.animate("conv", (5, 5), kernel_size=3)
    with pytest.raises(ConvArithError):
        save_figure(anim.figure, f"{tmp_path}/{target}", name="n" * 250)
    with pytest.raises(ConvArithError):
        save_figure(anim.figure, f"{tmp_path}/{target}", scale=50)
    with pytest.raises(ConvArithError):
        save_figure(anim.figure, f"{tmp_path}/{target}", frame_format="jpg")
    assert listing(tmp_path) == []


@pytest.mark.parametrize("target", ["a.gif", "a.svg", "frames/"])
def test_progress_counts_every_frame(tmp_path, target) -> None:
    anim = convarith.animate("conv", (5, 5), kernel_size=3, stride=2, padding=1)  # 9 frames
    calls: list[tuple[int, int]] = []
    save_figure(anim.figure, f"{tmp_path}/{target}", progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (9, 9)
    assert all(t == 9 for _, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    if target != "a.svg":  # a vector document is drawn whole: one call at its end
        assert [d for d, _ in calls] == list(range(1, 10))
