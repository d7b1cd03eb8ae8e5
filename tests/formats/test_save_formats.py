"""Every format ``Animation.save`` writes, read back: frames, sizes, timing, text, pages."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

import convarith
from convarith.backends.raster import render_frames
from support.output_cases import (
    FRAME_MS,
    FRAMES,
    PAUSE_MS,
    animation,
    listing,
    need,
    pdf_page_size,
    pdf_pages,
    pdf_text,
    raster_size,
)

SVG = "{http://www.w3.org/2000/svg}"
DURATIONS = [FRAME_MS] * (FRAMES - 1) + [FRAME_MS + PAUSE_MS]


@pytest.fixture(scope="module")
def anim():
    return animation()


def _frames_of(path) -> list[tuple[tuple[int, int], int]]:
    with Image.open(path) as image:
        out = []
        for n in range(image.n_frames):
            image.seek(n)
            image.load()  # WebP sets a frame's duration when it is decoded
            out.append((image.size, image.info.get("duration")))
        return out


@pytest.mark.parametrize("ext", ["gif", "webp", "apng", "png"])
def test_raster_animations_read_back(anim, tmp_path, ext) -> None:
    path = tmp_path / f"a.{ext}"
    assert anim.save(path) == [path]
    frames = _frames_of(path)
    assert len(frames) == FRAMES
    assert {size for size, _ in frames} == {raster_size(anim)}
    assert [round(d) for _, d in frames] == DURATIONS
    with Image.open(path) as image:
        assert image.info.get("loop") == 0  # forever
    assert listing(tmp_path) == [f"a.{ext}"]  # nothing else left beside it


def test_one_frame_png_is_a_still(tmp_path) -> None:
    anim = convarith.animate("conv", (3, 3), kernel_size=3)
    assert anim.frame_count == 1
    path = tmp_path / "still.png"
    anim.save(path)
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert getattr(image, "n_frames", 1) == 1
        assert image.size == raster_size(anim)


def test_no_loop_is_kept(tmp_path) -> None:
    anim = animation(loop=False)
    anim.save(tmp_path / "once.gif")
    with Image.open(tmp_path / "once.gif") as image:
        assert "loop" not in image.info


def test_gif_frames_equal_the_palette_render(anim, tmp_path) -> None:
    path = tmp_path / "a.gif"
    anim.save(path)
    expected = [np.asarray(f.convert("RGB")) for f in render_frames(anim.figure, mode="P")]
    with Image.open(path) as image:
        for n, want in enumerate(expected):
            image.seek(n)
            got = np.asarray(image.convert("RGB"))
            assert np.array_equal(got, want), f"frame {n} differs"


@pytest.mark.slow
def test_mp4_frames_and_duration(anim, tmp_path) -> None:
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    path = tmp_path / "a.mp4"
    anim.save(path)
    # A constant rate: 1000/gcd(200, 800) = 5 fps; the last frame lasts 4 video frames.
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(path))
    assert frames == FRAMES - 1 + 4
    assert seconds == pytest.approx(sum(DURATIONS) / 1000, abs=0.05)
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    reader.close()
    w, h = raster_size(anim)
    assert tuple(meta["size"]) == (w + w % 2, h + h % 2)  # yuv420p needs even sizes
    assert listing(tmp_path) == ["a.mp4"]


def test_animated_svg(anim, tmp_path) -> None:
    path = tmp_path / "a.svg"
    anim.save(path)
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    assert float(root.get("width")) == pytest.approx(anim.figure.width, abs=0.005)  # 2 decimals
    assert float(root.get("height")) == pytest.approx(anim.figure.height, abs=0.005)
    groups = [g for g in root.iter(f"{SVG}g") if g.find(f"{SVG}animate") is not None]
    # Each dynamic layer has one animated group per frame, each visible in its own slot.
    dynamic = sum(1 for layer in anim.figure.layers if hasattr(layer, "frames"))
    assert len(groups) == FRAMES * dynamic
    total = sum(DURATIONS)
    starts = np.cumsum([0, *DURATIONS]) / total
    slots = set()
    for g in groups:
        a = g.find(f"{SVG}animate")
        assert a.get("attributeName") == "visibility"
        assert a.get("dur") == f"{total}ms"
        assert a.get("repeatCount") == "indefinite"
        values = a.get("values").split(";")
        times = [float(t) for t in a.get("keyTimes").split(";")]
        on = times[values.index("visible")]
        slot = int(np.argmin(np.abs(starts[:-1] - on)))
        assert on == pytest.approx(starts[slot], abs=1e-6)
        slots.add(slot)
    assert slots == set(range(FRAMES))
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"input 5×5", "output 3×3"} <= texts
    assert anim._repr_svg_() == path.read_text()


def test_pdf_one_page_per_frame_with_text(anim, tmp_path) -> None:
    path = tmp_path / "a.pdf"
    anim.save(path)
    assert pdf_pages(path) == FRAMES
    text = pdf_text(path)
    for label in ("input 5×5", "output 3×3", "padded to 7×7"):
        assert text.count(label) == FRAMES, label
    # Half a point per canvas unit, as the PDF backend promises.
    w, h = pdf_page_size(path)
    assert (w, h) == pytest.approx((anim.figure.width / 2, anim.figure.height / 2), abs=0.01)


@pytest.mark.slow
def test_tikz_compiles_to_one_page_per_frame(anim, tmp_path) -> None:
    pdflatex = need("pdflatex")
    path = tmp_path / "a.tex"
    anim.save(path)
    result = subprocess.run(
        [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "a.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert pdf_pages(tmp_path / "a.pdf") == FRAMES
    # Same page size as the PDF backend's.
    w, h = pdf_page_size(tmp_path / "a.pdf")
    assert (w, h) == pytest.approx((anim.figure.width / 2, anim.figure.height / 2), abs=0.6)
    assert "output" in pdf_text(tmp_path / "a.pdf")


# ---- folders of frames ---------------------------------------------------------------------


@pytest.mark.parametrize("frame_format", ["png", "svg", "pdf"])
def test_folder_of_frames(anim, tmp_path, frame_format) -> None:
    folder = tmp_path / "frames"
    written = anim.save(f"{folder}/", frame_format=frame_format)
    names = [f"{anim.name}_{n:02d}.{frame_format}" for n in range(FRAMES)]
    assert [p.name for p in written] == names
    assert listing(folder) == names
    if frame_format == "png":
        for p in written:
            with Image.open(p) as image:
                assert image.size == raster_size(anim)
    elif frame_format == "svg":
        root = ET.parse(written[0]).getroot()
        assert root.find(f".//{SVG}animate") is None  # a still frame
    else:
        assert all(pdf_pages(p) == 1 for p in written[:2])


def test_existing_folder_without_slash_and_a_chosen_name(tmp_path) -> None:
    anim = convarith.animate("conv", (4, 4), kernel_size=3, name="mine")
    written = anim.save(tmp_path)
    assert [p.name for p in written] == [f"mine_{n:02d}.png" for n in range(4)]
    assert listing(tmp_path) == [p.name for p in written]


def test_folder_names_take_three_digits_past_99_frames(tmp_path) -> None:
    anim = convarith.animate("conv", (11, 11), kernel_size=1, name="f")  # 121 frames
    pngs = anim.save(f"{tmp_path}/png/")
    svgs = anim.save(f"{tmp_path}/svg/", frame_format="svg")
    expected = [f"f_{n:03d}" for n in range(121)]
    assert [p.stem for p in pngs] == expected == [p.stem for p in svgs]
    assert listing(tmp_path / "png") == [f"{s}.png" for s in expected]
    assert listing(tmp_path / "svg") == [f"{s}.svg" for s in expected]


def test_folder_names_at_exactly_100_frames(tmp_path) -> None:
    anim = convarith.animate("conv", (10, 10), kernel_size=1, name="f")
    assert anim.frame_count == 100
    pngs = anim.save(f"{tmp_path}/png/")
    svgs = anim.save(f"{tmp_path}/svg/", frame_format="svg")
    assert all(p.exists() for p in pngs)
    assert [p.stem for p in pngs] == [p.stem for p in svgs]
    assert listing(tmp_path / "png") == [p.name for p in pngs]


# ---- scale ---------------------------------------------------------------------------------


@pytest.mark.parametrize("ext", ["gif", "webp", "apng"])
def test_scale_two_doubles_raster_sizes(anim, tmp_path, ext) -> None:
    anim.save(tmp_path / f"one.{ext}")
    anim.save(tmp_path / f"two.{ext}", scale=2)
    with Image.open(tmp_path / f"one.{ext}") as one, Image.open(tmp_path / f"two.{ext}") as two:
        assert one.size == raster_size(anim)
        assert two.size == raster_size(anim, 2)
        assert two.n_frames == one.n_frames == FRAMES


def test_scale_two_doubles_frames_and_vector_sizes(anim, tmp_path) -> None:
    written = anim.save(f"{tmp_path}/f/", scale=2)
    with Image.open(written[0]) as image:
        assert image.size == raster_size(anim, 2)
    anim.save(tmp_path / "two.svg", scale=2)
    root = ET.parse(tmp_path / "two.svg").getroot()
    assert float(root.get("width")) == pytest.approx(2 * anim.figure.width, abs=0.005)
    # Coordinates stay in canvas units: the viewBox does not change.
    view_box = [float(v) for v in root.get("viewBox").split()]
    assert view_box == pytest.approx([0, 0, anim.figure.width, anim.figure.height], abs=0.005)
    anim.save(tmp_path / "two.pdf", scale=2)
    assert pdf_page_size(tmp_path / "two.pdf") == pytest.approx(
        (anim.figure.width, anim.figure.height), abs=0.01
    )
