"""``convarith guide``: the convolution arithmetic guide, as PDF or HTML."""

from __future__ import annotations

import argparse

#: The option that names the output file, and its field: OS errors name it.
OUTPUT_OPTION = ("--output", "output")

EXAMPLES = """\
examples:
  convarith guide -o guide.pdf      (typeset: contents, numbered sections, figures as frame strips)
  convarith guide -o guide.html     (one self-contained page: MathML, animations playing inline)
  convarith guide -o guide.pdf -o guide.html   (both, drawing the figures once)

The extension picks the format. Every formula, number and figure in the guide
is computed by this version of convarith; under each figure is the
'convarith animate' command that draws it. The file is replaced whole, or not
at all: a stopped run leaves the previous one."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``convarith guide``."""
    parser.epilog = EXAMPLES
    parser.add_argument(
        "--output",
        "-o",
        required=True,
        action="append",
        metavar="FILE",
        help="where to write the guide: FILE.pdf or FILE.html (repeat for both)",
    )


def run(args: argparse.Namespace) -> int:
    """Write the guide and say where."""
    import time

    from convarith.files.places import check_file_place
    from convarith.guide import guide_kind, write_guide

    # Every path is checked before anything is built.
    for path in args.output:
        guide_kind(path, OUTPUT_OPTION[0])
        check_file_place(path, OUTPUT_OPTION[0])
    for path in args.output:
        start = time.perf_counter()
        written = write_guide(path, parameter=OUTPUT_OPTION[0])
        seconds = time.perf_counter() - start
        print(
            f"guide written to {path} ({written.kind}, {written.size:,} bytes) in {seconds:.2f} s"
        )
    return 0
