"""``convarith gallery``: the original guide's 19 animations."""

from __future__ import annotations

import argparse
import sys

EXAMPLES = """\
examples:
  convarith gallery                         (into ./gallery: gif/, png/, pdf/)
  convarith gallery --out docs/anim --formats gif
  convarith gallery --force --jobs 1

Writes DIR/gif/NAME.gif, DIR/png/NAME_NN.png and DIR/pdf/NAME_NN.pdf for the
19 animations of Dumoulin & Visin's guide, under their original names
(no_padding_no_strides, ..., padding_strides_odd_transposed, dilation,
numerical_max_pooling), and for the views that explain transposed convolution
(numerical_*_transposed, scatter_*, matrix_*, gather_scatter_*).
Animations whose files are up to date are skipped."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``convarith gallery``."""
    parser.epilog = EXAMPLES
    parser.add_argument(
        "--out", "-o", default="gallery", metavar="DIR", help="output folder (default: gallery)"
    )
    parser.add_argument(
        "--formats",
        default="gif,png,pdf",
        metavar="LIST",
        help="comma-separated: gif, png, pdf (default: all three)",
    )
    parser.add_argument(
        "--jobs", "-j", type=int, metavar="N", help="worker processes (default: one per core)"
    )
    parser.add_argument("--force", action="store_true", help="render even what is up to date")
    parser.add_argument("--scale", type=float, default=1.0, help="size multiplier (default 1)")
    parser.add_argument(
        "--only",
        choices=("original", "extras"),
        help="only the original guide's 19, or only the explanatory extras (default: both)",
    )
    parser.add_argument(
        "--list", action="store_true", help="list the animations and their parameters, then stop"
    )


def _bar(done: int, total: int, name: str) -> None:
    width = 28
    filled = width * done // max(total, 1)
    line = f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name[:40]:<40}"
    sys.stderr.write(line)
    sys.stderr.flush()


def run(args: argparse.Namespace) -> int:
    """Render the gallery and say what was done."""
    from convarith.core.errors import ConvArithError
    from convarith.core.text import shape_text
    from convarith.gallery.build import build_gallery
    from convarith.gallery.catalogue import ALL, EXTRAS, ORIGINAL

    items = {"original": ORIGINAL, "extras": EXTRAS, None: ALL}[args.only]
    if args.list:
        for item in items:
            params = " ".join(f"{k}={v}" for k, v in item.params.items())
            print(
                f"{item.name:45} {item.view:10} {item.op} {shape_text(item.input_shape)} {params}"
            )
        return 0
    if args.jobs is not None and args.jobs < 1:
        raise ConvArithError(f"--jobs {args.jobs} must be at least 1")
    formats = args.formats.split(",")
    report = build_gallery(
        args.out,
        formats,
        items=items,
        jobs=args.jobs,
        force=args.force,
        scale=args.scale,
        progress=_bar if sys.stderr.isatty() else None,
    )
    if sys.stderr.isatty() and report.written:
        sys.stderr.write("\n")
    print(
        f"{len(report.written)} animations written, {len(report.up_to_date)} up to date "
        f"({', '.join(f.strip() for f in formats)}) in {args.out}/ in {report.seconds:.2f} s"
    )
    return 0
