"""animate(): the cost of an animation is decided from the arithmetic, before any work.

For every view, an animation beyond a limit of :mod:`convarith.core.limits`
(frames, grid cells, window positions, the matrix's side) is refused in one
line that names the limit and the largest square input that fits, with the
scene builders and the drawing made to fail (so none of them ran) and the
memory traced (so nothing large was allocated).  Legitimate animations still
build; numpy numbers are taken like Python's.
"""

from __future__ import annotations

import re
import tracemalloc
from typing import Any

import numpy as np
import pytest

import convarith
from convarith import ConvArithError
from support.cli import run

HUGE = 10**8


@pytest.fixture
def no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every builder of scenes and figures fails if called."""
    import convarith.api.animation as animation
    import convarith.backends.raster as raster
    import convarith.scenes.build as build
    import convarith.scenes.matrix as matrix
    import convarith.scenes.scatter as scatter

    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("work was done before the refusal")

    for module, name in (
        (build, "build_frames"),
        (build, "grid_of"),
        (scatter, "scene_of"),
        (matrix, "scene_of"),
        (animation, "draw"),
        (raster, "render_frames"),
        (raster, "render_frame"),
    ):
        monkeypatch.setattr(module, name, never)


CASES = [
    # (op, shape, params, what the message names)
    ("conv", (1000, 1000), {"kernel_size": 3}, "at most 20000 frames"),
    ("conv", (100000, 100000), {"kernel_size": 3}, "at most 20000 frames"),
    ("conv", (1001, 1001), {"kernel_size": 3, "stride": 10}, "at most 1000000 grid cells"),
    ("conv", (200, 200), {"kernel_size": 100}, "at most 2000000"),
    ("conv_transpose", (5, 5), {"kernel_size": 3, "stride": HUGE}, "frames"),
    ("conv", (5, 5), {"kernel_size": 3, "padding": HUGE}, "frames"),
    ("conv", (5,), {"kernel_size": 2, "dilation": HUGE, "padding": HUGE // 2}, "grid cells"),
    ("conv_transpose", (5, 5), {"kernel_size": 3, "stride": HUGE, "view": "scatter"}, "grid"),
    ("conv_transpose", (5, 5), {"kernel_size": 3, "dilation": HUGE, "view": "compare"}, "frames"),
    ("conv_transpose", (150, 150), {"kernel_size": 3, "view": "scatter"}, "20000 frames"),
    ("conv", (5, 5), {"kernel_size": 3, "padding": HUGE, "view": "matrix"}, "64 rows"),
    ("conv_transpose", (2, 2), {"kernel_size": 3, "stride": HUGE, "view": "matrix"}, "64 rows"),
    ("conv", (9, 9), {"kernel_size": 1, "view": "matrix"}, "64 rows"),
    ("conv", (5,), {"kernel_size": 2, "dilation": HUGE, "padding": HUGE // 2, "view": "matrix"}, "grid"),
    ("max_pool", (3000, 3000), {"kernel_size": 2, "stride": 1, "view": "numerical"}, "frames"),
    ("conv", (300, 300, 300), {"kernel_size": 3}, "1-D and 2-D"),
]  # fmt: skip


@pytest.mark.usefixtures("no_work")
@pytest.mark.parametrize(("op", "shape", "params", "words"), CASES)
def test_oversized_animations_are_refused_before_any_work(op, shape, params, words):
    tracemalloc.start()
    try:
        with pytest.raises(ConvArithError) as info:
            convarith.animate(op, shape, **params)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(info.value)
    assert peak < 2_000_000, peak
    assert words in message, message
    assert "\n" not in message and len(message) < 400
    if "at most" in message:
        assert re.search(
            r": (the largest (square |cube )?input with these parameters is [0-9x]+|"
            r"no input fits these parameters \(not even the smallest, [0-9x]+\))$",
            message,
        ), message


def test_the_issue_s_example_names_the_largest_square():
    with pytest.raises(ConvArithError) as info:
        convarith.animate("conv", (1000, 1000), kernel_size=3)
    assert str(info.value).endswith(
        "at most 20000 frames: the largest square input with these parameters is 143x143"
    )
    assert len(convarith.animate("conv", (143, 143), kernel_size=3).scene.frames) == 141 * 141


@pytest.mark.parametrize(
    ("op", "shape", "params", "frames"),
    [
        ("conv", (64, 64), {"kernel_size": 3}, 62 * 62),
        ("conv", (64, 64), {"kernel_size": 3, "view": "numerical"}, 62 * 62),
        ("conv_transpose", (12, 12), {"kernel_size": 3, "stride": 2, "view": "scatter"}, 144),
        ("conv_transpose", (4, 4), {"kernel_size": 3, "stride": 2, "view": "compare"}, 16),
        ("conv", (8, 8), {"kernel_size": 1, "view": "matrix"}, 64),
        ("conv", (20000,), {"kernel_size": 1}, 20000),
    ],
)
def test_legitimate_animations_still_build(op, shape, params, frames):
    anim = convarith.animate(op, shape, **params)
    assert len(anim.scene.frames) == frames
    if params.get("view") == "compare":  # the gather frames beside the scatter ones
        assert len(anim.scene.gather.frames) == 81


def test_numpy_numbers_are_taken(tmp_path):
    py = convarith.animate("conv", (5, 5), kernel_size=3, stride=2, seed=3, numerical=True)
    npy = convarith.animate(
        "conv",
        np.array([5, 5]),
        kernel_size=np.int64(3),
        stride=np.int32(2),
        seed=np.int64(3),
        numerical=True,
    )
    assert npy.name == py.name and npy.scene.to_dict() == py.scene.to_dict()
    written = npy.save(tmp_path / "a.svg", scale=np.float32(0.5))
    assert [p.name for p in written] == ["a.svg"]
    with pytest.raises(ConvArithError, match=r"^scale=True must be a number"):
        npy.save(tmp_path / "b.svg", scale=np.bool_(True))


def test_command_line_refuses_before_writing(capsys, tmp_path, no_work):
    out = tmp_path / "x.gif"
    code, stdout, err = run(
        capsys, "animate", "conv", "--input", "1000x1000", "--kernel", "3", "-o", str(out)
    )
    assert code == 2 and stdout == "" and err.count("\n") == 1
    assert "143x143" in err and not out.exists()
    code, _, err = run(
        capsys,
        "animate",
        "conv-transpose",
        "--input",
        "5",
        "--kernel",
        "3",
        "--stride",
        str(HUGE),
        "-o",
        str(out),
    )
    assert code == 2 and err.count("\n") == 1 and not out.exists()
