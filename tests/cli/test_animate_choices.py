"""The command line's lists of choices are the library's: a view, format or theme added there appears here."""

from __future__ import annotations

import argparse

from convarith.cli import build_parser
from convarith.draw.style import THEMES
from convarith.draw.views import VIEWS
from convarith.formats.registry import file_extensions, frame_format_names


def _animate_options() -> dict[str, argparse.Action]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    animate = sub.choices["animate"]
    return {opt: action for action in animate._actions for opt in action.option_strings}


def test_view_choices_are_the_drawable_views() -> None:
    # The parser lists them by hand so that building it does not import the drawing layer.
    assert tuple(_animate_options()["--view"].choices or ()) == tuple(VIEWS)


def test_frame_formats_and_themes_come_from_the_library() -> None:
    options = _animate_options()
    assert tuple(options["--frame-format"].choices or ()) == frame_format_names()
    assert tuple(options["--theme"].choices or ()) == tuple(THEMES)
    help_text = options["--output"].help or ""
    assert all(ext in help_text for ext in file_extensions())


def test_a_theme_s_own_choices_stand_unless_an_option_overrides_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from convarith.cli import main

    base = ["animate", "conv", "--input", "4x4", "--kernel", "3", "-o"]
    assert main([*base, str(tmp_path / "original.svg"), "--theme", "original"]) == 0
    assert main([*base, str(tmp_path / "light.svg")]) == 0
    assert main([*base, str(tmp_path / "bare.svg"), "--no-labels"]) == 0
    labelled = "input 4"
    assert labelled not in (tmp_path / "original.svg").read_text()
    assert labelled in (tmp_path / "light.svg").read_text()
    assert labelled not in (tmp_path / "bare.svg").read_text()
