"""``convarith animate``: draw one operation's animation to a file."""

from __future__ import annotations

import argparse
from typing import Any

from convarith.cli.options import add_operation_arguments, cli_spelling, operation_from_args
from convarith.core.errors import ConvArithError
from convarith.formats.registry import file_extensions, frame_format_names

#: The themes of draw.style.THEMES, listed here so that building the parser does
#: not import the drawing layer; tests/cli/test_animate_choices.py holds them equal.
THEME_NAMES = ("light", "dark", "original")

#: The option that names the output, and its field: refusals and OS errors name it.
OUTPUT_OPTION = ("-o/--output", "output")
#: Seconds before the progress bar shows: a short render shows none.
BAR_DELAY = 0.5

EXAMPLES = """\
examples:
  convarith animate conv --input 5x5 --kernel 3 --stride 2 --padding 1 -o padding_strides.gif
  convarith animate conv-transpose --input 3x3 --kernel 3 --stride 2 --padding 1 -o up.svg --caption
  convarith animate conv --input 7x7 --kernel 3 --dilation 2 -o dilation.mp4
  convarith animate max-pool --input 5x5 --kernel 3 --stride 1 --numerical -o pool.pdf
  convarith animate conv --input 6x5 --kernel 3 --stride 2 --padding same_tf -o frames/
  convarith animate conv --input 5x5 --kernel 3 -o conv.tex          (TikZ for LaTeX)
  convarith animate conv --input 5x5 --kernel 3 --theme dark --frame-ms 500 -o dark.webp
  convarith animate conv --input 7 --kernel 3 --dilation 2 -o strip.gif      (1-D: one size)
  convarith animate conv-transpose --input 3x3 --kernel 3 --stride 2 --padding 1 --view scatter -o scatter.gif
  convarith animate conv --input 4x4 --kernel 3 --view matrix -o matrix.gif
  convarith animate conv-transpose --input 2x2 --kernel 3 --view matrix --numerical -o matrix_t.pdf
  convarith animate conv-transpose --input 3x3 --kernel 3 --stride 2 --padding 1 --view compare -o same.gif

--input takes one size per axis, as for 'convarith shape': 5x5 is the original's
2-D picture, 5 a 1-D strip. Colours are #rrggbb, #rgb or r,g,b."""


def _formats_help() -> str:
    """The formats, from the registry: a new format appears here by itself."""
    from convarith.formats.registry import FORMATS

    lines = [
        "The output's extension picks the format; a path ending in / is a folder of",
        "frames NAME_00.png ... (--frame-format svg or pdf for vector frames). Files",
        "are written whole or not at all, and a folder's frames replace the previous",
        "NAME_*.png as one set: a stopped render (Ctrl-C, SIGTERM) leaves nothing behind.",
        "A long render shows a progress bar when stderr is a terminal.",
    ]
    lines += [f"  {f.describe()}" for f in FORMATS if f.subject == "animation"]
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``convarith animate``."""
    parser.epilog = f"{EXAMPLES}\n\n{_formats_help()}"
    add_operation_arguments(parser)
    out = parser.add_argument_group("output")
    out.add_argument(
        "--output",
        "-o",
        required=True,
        metavar="PATH",
        help=f"file to write ({' '.join(file_extensions())}) or folder/",
    )
    out.add_argument(
        "--frame-format",
        choices=frame_format_names(),
        default="png",
        help="format of the frames when writing a folder (default png)",
    )
    out.add_argument(
        "--name", help="stem of frame files in a folder (default: from the parameters)"
    )
    out.add_argument("--scale", type=float, default=1.0, help="size multiplier (default 1)")
    what = parser.add_argument_group("what to draw")
    what.add_argument(
        "--view",
        choices=("arithmetic", "numerical", "scatter", "matrix", "compare"),
        help="arithmetic: slanted grids (default); numerical: flat grids with values; "
        "scatter: a transposed conv as cells times the kernel, added; "
        "matrix: y = C x (x' = C^T y' for conv-transpose); "
        "compare: gather and scatter side by side",
    )
    what.add_argument("--numerical", action="store_true", help="draw values (the numerical view)")
    what.add_argument("--seed", type=int, help="seed of the values (default 0)")
    look = parser.add_argument_group("style")
    look.add_argument(
        "--theme",
        choices=THEME_NAMES,
        default="light",
        help="colour theme (original: the guide's look, without labels)",
    )
    for name in ("input", "output", "line", "shade"):
        look.add_argument(f"--{name}-color", metavar="COLOR", help=f"{name} colour")
    look.add_argument(
        "--background", metavar="COLOR", help="background colour, or 'none' for transparent"
    )
    look.add_argument(
        "--cell", type=float, help="cell size in pixels at scale 1 (default 30, less for big grids)"
    )
    look.add_argument("--frame-ms", type=int, help="milliseconds per frame (default 1000)")
    look.add_argument(
        "--pause-ms", type=int, help="extra milliseconds on the last frame (default 0)"
    )
    # None when not given, so that a theme's own choice (original: no labels) stands.
    look.add_argument(
        "--caption", action="store_true", default=None, help="add a caption with the parameters"
    )
    look.add_argument(
        "--no-labels",
        dest="labels",
        action="store_false",
        default=None,
        help="leave the maps unlabelled",
    )
    look.add_argument(
        "--no-loop", dest="loop", action="store_false", default=None, help="play once"
    )


def style_changes(args: argparse.Namespace) -> dict[str, Any]:
    """Style fields given on the command line."""
    from convarith.draw.style import parse_color

    changes: dict[str, Any] = {}
    for name in ("input", "output", "line", "shade"):
        value = getattr(args, f"{name}_color")
        if value is not None:
            changes[f"{name}_color"] = parse_color(f"--{name}-color", value)
    if args.background is not None:
        changes["background"] = (
            None
            if args.background.lower() in ("none", "transparent")
            else parse_color("--background", args.background)
        )
    for field in ("cell", "frame_ms", "pause_ms", "caption", "labels", "loop"):
        value = getattr(args, field)
        if value is not None:
            changes[field] = value
    return changes


def run(args: argparse.Namespace) -> int:
    """Build the animation and write it."""
    from convarith.api.animation import animate
    from convarith.cli.gallery import ProgressBar
    from convarith.core.limits import check_scale
    from convarith.files.names import check_file_name
    from convarith.formats.save import check_target

    # Everything about the output is checked before anything is drawn or made.
    check_target(args.output, args.frame_format, parameter=OUTPUT_OPTION[0])
    if args.name is not None:
        check_file_name(args.name, "--name")
    try:
        check_scale(args.scale)
        op, shape, params = operation_from_args(args)
        animation = animate(
            op,
            shape,
            view=args.view,
            numerical=args.numerical,
            seed=args.seed,
            theme=args.theme,
            name=args.name,
            **params,
            **style_changes(args),
        )
    except ConvArithError as error:
        # The library's words in the command line's spelling: --output-padding, conv-transpose.
        raise ConvArithError(cli_spelling(str(error))) from None
    bar = ProgressBar(delay=BAR_DELAY, interval=0.05, keep=False)
    try:
        written = animation.save(
            args.output,
            scale=args.scale,
            frame_format=args.frame_format,
            progress=bar.update if bar.enabled else None,
        )
    finally:
        bar.close()
    where = written[0] if len(written) == 1 else f"{len(written)} files in {written[0].parent}"
    print(f"{animation.name}: {animation.frame_count} frames -> {where}")
    return 0
