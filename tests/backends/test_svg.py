"""SVG backend: document structure, animation timing, text placement, rendering."""

from __future__ import annotations

import base64
import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest
from PIL import Image

from convarith.backends.svg import animated_svg, frame_svg
from convarith.core.errors import ConvArithError
from convarith.figure.fonts import font_path, metrics
from convarith.figure.primitives import DynamicLayer, Figure, Polygon, StaticLayer, Text
from support.vector_figure import (
    DARK,
    DURATIONS,
    HEIGHT,
    INPUT_ORIGIN,
    WIDTH,
    assert_probes,
    grid_point,
    quad,
    require,
)

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def frame_groups(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{NS}g") if g.find(f"{NS}animate") is not None]


def points(element: ET.Element) -> list[tuple[float, float]]:
    pairs = (pair.split(",") for pair in element.attrib["points"].split())
    return [(float(x), float(y)) for x, y in pairs]


def visible_interval(animate: ET.Element) -> tuple[Fraction, Fraction]:
    """The part of the cycle (fractions of it) during which the group is visible."""
    values = animate.attrib["values"].split(";")
    times = [Fraction(t) for t in animate.attrib["keyTimes"].split(";")]
    assert len(values) == len(times) and times[0] == 0
    start = times[values.index("visible")]
    following = values.index("visible") + 1
    end = times[following] if following < len(times) else Fraction(1)
    return start, end


def test_animated_svg_has_one_timed_group_per_frame_and_layer(figure: Figure) -> None:
    root = parse(animated_svg(figure))
    groups = frame_groups(root)
    assert len(groups) == 2 * len(DURATIONS)  # two dynamic layers
    total = sum(DURATIONS)
    cumulative = [sum(DURATIONS[:i]) for i in range(len(DURATIONS) + 1)]
    for position, group in enumerate(groups):
        frame = position % len(DURATIONS)
        animate = group.find(f"{NS}animate")
        assert animate is not None
        assert animate.attrib["attributeName"] == "visibility"
        assert animate.attrib["calcMode"] == "discrete"
        assert animate.attrib["dur"] == f"{total}ms"
        assert animate.attrib["repeatCount"] == "indefinite"
        start, end = visible_interval(animate)
        assert abs(start - Fraction(cumulative[frame], total)) < Fraction(1, 10**6)
        assert abs(end - Fraction(cumulative[frame + 1], total)) < Fraction(1, 10**6)
        # Without SMIL, only the first frame shows.
        assert group.get("visibility") == (None if frame == 0 else "hidden")


def test_animated_svg_writes_static_layers_once_in_layer_order(figure: Figure) -> None:
    root = parse(animated_svg(figure))
    children = list(root)
    tags = [child.tag.removeprefix(NS) for child in children]
    assert tags[:3] == ["title", "style", "rect"]
    first_group = tags.index("g")
    assert tags[3:first_group] == ["polygon"] * 49  # the input grid, once
    # Window groups, then the output grid, then the output-cell groups, then labels.
    assert tags[first_group : first_group + 9] == ["g"] * 9
    after = first_group + 9
    assert tags[after : after + 18] == ["polygon", "text"] * 9
    assert tags[after + 18 : after + 27] == ["g"] * 9
    assert tags[after + 27 :] == ["text"] * 3
    # Group 4 of the window layer holds frame 4's window and its four lines.
    window, *lines = list(children[first_group + 4])[1:]
    assert window.tag == f"{NS}polygon" and len(lines) == 4
    assert points(window) == list(quad(INPUT_ORIGIN, 2, 2, 3, 3))
    assert points(lines[0])[0] == grid_point(INPUT_ORIGIN, 2, 2)


def test_animated_svg_without_loop_freezes_on_the_last_frame(figure: Figure) -> None:
    root = parse(animated_svg(replace(figure, loop=False)))
    groups = frame_groups(root)
    for group in groups:
        animate = group.find(f"{NS}animate")
        assert animate is not None
        assert animate.get("repeatCount") is None and animate.get("fill") == "freeze"
    last = groups[8].find(f"{NS}animate")
    assert last is not None and last.attrib["values"].split(";")[-1] == "visible"


def test_single_frame_figure_has_no_animation() -> None:
    square = Polygon(((0, 0), (5, 0), (5, 5)), fill=DARK)
    figure = Figure(10, 10, (DynamicLayer(((square,),)),), (1000,))
    assert "<animate" not in animated_svg(figure)
    assert len(parse(animated_svg(figure)).findall(f"{NS}g/{NS}polygon")) == 1


def test_embedded_fonts_are_the_bundled_files_and_only_the_weights_used(figure: Figure) -> None:
    style = parse(animated_svg(figure)).find(f"{NS}style")
    assert style is not None and style.text is not None
    faces = re.findall(
        r"font-weight:(\d+);src:url\(data:font/ttf;base64,([A-Za-z0-9+/=]+)\)", style.text
    )
    assert [weight for weight, _ in faces] == ["400", "700"]
    assert base64.b64decode(faces[0][1]) == font_path(False).read_bytes()
    assert base64.b64decode(faces[1][1]) == font_path(True).read_bytes()
    regular_only = Figure(10, 10, (StaticLayer((Text((5, 5), "1", 5, DARK),)),), (1000,))
    assert animated_svg(regular_only).count("@font-face") == 1
    no_text = Figure(10, 10, (StaticLayer((Polygon(((0, 0), (1, 1), (0, 1)), fill=DARK),)),), (1,))
    assert "@font-face" not in animated_svg(no_text)
    assert "@font-face" not in frame_svg(figure, 0, embed_font=False)


def test_text_baseline_anchor_and_weight_follow_the_contract(figure: Figure) -> None:
    texts = parse(frame_svg(figure, 0)).findall(f"{NS}text")
    by_content = {t.text: t for t in texts}
    label = by_content["input 5×5"]
    assert float(label.attrib["x"]) == 340
    assert float(label.attrib["y"]) == pytest.approx(345 + metrics().baseline_shift(14), abs=0.006)
    assert label.attrib["text-anchor"] == "middle" and label.get("font-weight") is None
    assert by_content["output 3×3"].attrib["text-anchor"] == "start"
    title = by_content["padding 1, stride 2"]
    assert title.attrib["text-anchor"] == "end" and title.attrib["font-weight"] == "bold"
    shift = metrics(True).baseline_shift(12)
    assert float(title.attrib["y"]) == pytest.approx(20 + shift, abs=0.006)


def test_styles_dashes_opacity_and_escaping(figure: Figure) -> None:
    svg = frame_svg(figure, 0)
    root = parse(svg)
    assert root.attrib["stroke-linecap"] == "butt"
    assert root.attrib["stroke-linejoin"] == "miter"
    title = root.find(f"{NS}title")
    assert title is not None and title.text == figure.title
    polygons = root.findall(f"{NS}polygon")
    dashed = [p for p in polygons if p.get("stroke-dasharray") == "6 6"]
    assert len(dashed) == 24  # the padding ring of a 7x7 grid
    shaded = [p for p in polygons if p.get("fill-opacity") == "0.4"]
    assert len(shaded) == 2 and all(p.attrib["fill"] == "#073642" for p in shaded)
    assert all(p.attrib["fill"] == "none" for p in dashed)


def test_numbers_are_compact(figure: Figure) -> None:
    svg = animated_svg(figure, embed_font=False)
    attributes = " ".join(re.findall(r'="([^"]*)"', svg))
    numbers = re.findall(r"-?\d+(?:\.\d+)?", attributes)
    assert any("." in n for n in numbers)  # the figure has fractional coordinates
    fractional = [n for n in numbers if "." in n]
    # keyTimes may carry six decimals; coordinates, sizes and opacities two.
    assert all(len(n.split(".")[1]) <= 6 and not n.endswith("0") for n in fractional)
    coordinates = " ".join(re.findall(r'(?:points|x|y|font-size|stroke-width)="([^"]*)"', svg))
    assert all(len(n.split(".")[1]) <= 2 for n in re.findall(r"\d+\.\d+", coordinates))
    assert "-0," not in coordinates and ".0 " not in coordinates


def test_frame_svg_holds_only_that_frame(figure: Figure) -> None:
    root = parse(frame_svg(figure, 4))
    assert "animate" not in ET.tostring(root, encoding="unicode")
    shaded = [p for p in root.findall(f"{NS}polygon") if p.get("fill-opacity") == "0.4"]
    assert points(shaded[0]) == list(quad(INPUT_ORIGIN, 2, 2, 3, 3))
    assert len(root.findall(f"{NS}polyline")) == 4


def test_scale_changes_the_size_not_the_coordinates(figure: Figure) -> None:
    root = parse(frame_svg(figure, 0, scale=2))
    assert (root.attrib["width"], root.attrib["height"]) == (f"{2 * WIDTH:g}", f"{2 * HEIGHT:g}")
    assert root.attrib["viewBox"] == f"0 0 {WIDTH:g} {HEIGHT:g}"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda f: frame_svg(f, 9), r"^index=9 must be a frame number from 0 to 8"),
        (lambda f: frame_svg(f, -1), r"^index=-1 must be"),
        (lambda f: frame_svg(f, 0, scale=0), r"^scale=0 must be a number between 0.1 and 20$"),
        (lambda f: animated_svg(f, scale=float("nan")), r"^scale=nan must be"),
        (
            lambda f: animated_svg(f, scale="2"),  # type: ignore[arg-type]
            r"^scale='2' must be a number between 0.1 and 20$",
        ),
        (
            lambda f: animated_svg(replace(f, durations=(1000,) * 8 + (0,))),
            r"^durations\[8\]=0 must be a whole number of ms, at least 1$",
        ),
    ],
)
def test_bad_arguments_raise_one_line(
    figure: Figure, call: Callable[[Figure], str], message: str
) -> None:
    with pytest.raises(ConvArithError, match=message):
        call(figure)


def render_svg(svg: str, tmp_path: Path, name: str) -> Image.Image:
    source, target = tmp_path / f"{name}.svg", tmp_path / f"{name}.png"
    source.write_text(svg)
    command = [require("resvg"), "--skip-system-fonts"]
    for bold in (False, True):
        command += ["--use-font-file", str(font_path(bold))]
    subprocess.run([*command, str(source), str(target)], check=True, capture_output=True)
    with Image.open(target) as image:
        converted: Image.Image = image.convert("RGB")
    return converted


def dark_pixels(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    region = image.crop(box).convert("L")
    return sum(1 for value in region.tobytes() if value < 100)


def test_rendered_frame_has_the_expected_colours_and_text(figure: Figure, tmp_path: Path) -> None:
    for frame in (0, 4, 8):
        image = render_svg(frame_svg(figure, frame, embed_font=False), tmp_path, f"frame{frame}")
        assert image.size == (int(WIDTH), int(HEIGHT))
        assert_probes(image, frame)
    # The label is drawn, centred on its position (text at 340, 345).
    assert dark_pixels(image, (300, 335, 380, 355)) > 50
    assert dark_pixels(image, (300, 356, 380, 370)) == 0


def test_viewer_without_smil_shows_the_first_frame(figure: Figure, tmp_path: Path) -> None:
    assert_probes(render_svg(animated_svg(figure), tmp_path, "animated"), 0)


def test_text_is_escaped_kept_spaced_and_missing_characters_become_question_marks() -> None:
    texts = (Text((5, 5), "a<b & 日", 5, DARK), Text((5, 15), "x  y", 5, DARK))
    root = parse(frame_svg(Figure(30, 20, (StaticLayer(texts),), (1000,)), 0))
    first, second = root.findall(f"{NS}text")
    assert (
        first.text == "a<b & ?" and first.get("{http://www.w3.org/XML/1998/namespace}space") is None
    )
    assert second.text == "x  y"
    assert second.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
