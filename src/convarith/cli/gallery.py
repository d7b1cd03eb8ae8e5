"""``convarith gallery``: the original guide's animations and the explanatory extras."""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from typing import TextIO

#: The option that names where the gallery goes, and its field: OS errors name it.
OUTPUT_OPTION = ("--out", "out")

#: Replaced by the catalogue, counted and listed, when the help is shown.
_CATALOGUE = "{catalogue}"

EXAMPLES = f"""\
examples:
  convarith gallery                         (into ./gallery: gif/, png/, pdf/)
  convarith gallery --out docs/anim --formats gif
  convarith gallery --only original --force --jobs 1

{_CATALOGUE}
Animations whose files are up to date (same parameters, same convarith, same
content) are skipped; each animation's files are replaced whole, so a stopped
build leaves every animation as it was or as it is now."""


def _catalogue_text() -> str:
    """What the gallery writes, counted and listed from the catalogue (not typed)."""
    from convarith.gallery.catalogue import ALL, EXTRAS, ORIGINAL

    width = max(len(item.name) for item in ALL)
    lines = [
        "Writes DIR/gif/NAME.gif, DIR/png/NAME_NN.png and DIR/pdf/NAME_NN.pdf",
        f"for {len(ALL)} animations: the original guide's {len(ORIGINAL)} (Dumoulin & Visin's,",
        f"under their original names) and {len(EXTRAS)} explanatory extras, each labelled:",
    ]
    for label, items in (("original", ORIGINAL), ("extra", EXTRAS)):
        lines += [f"  {label:8}  {item.name:{width}}  {item.view}" for item in items]
    return "\n".join(lines) + "\n"


class _CatalogueHelp(argparse.RawDescriptionHelpFormatter):
    """Help whose epilog lists the catalogue, imported only when the help is shown."""

    def add_text(self, text: str | None) -> None:
        if text is not None and _CATALOGUE in text:
            text = text.replace(_CATALOGUE, _catalogue_text())
        super().add_text(text)


class ProgressBar:
    """A one-line progress bar on a terminal: ``[#####.....] 12/30 name``.

    It draws only when ``stream`` is a terminal, only once ``delay``
    seconds have passed (a short run shows none), and at most once every
    ``interval`` seconds (but always the last step).  Labels are padded to
    ``label_width``, never cut: the bar narrows to fit the terminal.
    :meth:`close` ends the line (``keep``) or erases it.
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        label_width: int = 0,
        delay: float = 0.0,
        interval: float = 0.0,
        keep: bool = True,
    ) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.label_width = label_width
        self.keep = keep
        self.interval = interval
        self.start = time.monotonic() + delay
        self.drawn = 0
        self.last = 0.0

    def update(self, done: int, total: int, label: str = "") -> None:
        """Show ``done`` of ``total``."""
        if not self.enabled:
            return
        now = time.monotonic()
        if now < self.start or (done < total and now - self.last < self.interval):
            return
        self.last = now
        count = f"{done}/{total}"
        rest = f" {count:>{2 * len(str(total)) + 1}} {label:<{self.label_width}}"
        columns = shutil.get_terminal_size((80, 24)).columns
        width = max(10, min(28, columns - len(rest) - 3))
        filled = width * done // max(total, 1)
        line = f"[{'#' * filled}{'.' * (width - filled)}]{rest}"
        self.stream.write("\r" + line.ljust(self.drawn))
        self.stream.flush()
        self.drawn = max(self.drawn, len(line))

    def close(self) -> None:
        """End the bar's line, or erase it; nothing when it never drew."""
        if not self.drawn:
            return
        self.stream.write("\n" if self.keep else "\r" + " " * self.drawn + "\r")
        self.stream.flush()
        self.drawn = 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``convarith gallery``."""
    parser.epilog = EXAMPLES
    parser.formatter_class = _CatalogueHelp
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
        help="only the original guide's animations, or only the explanatory extras (default: both)",
    )
    parser.add_argument(
        "--list", action="store_true", help="list the animations and their parameters, then stop"
    )


def run(args: argparse.Namespace) -> int:
    """Render the gallery and say what was done."""
    from convarith.core.errors import ConvArithError
    from convarith.core.text import shape_text
    from convarith.gallery.catalogue import ALL, EXTRAS, ORIGINAL

    items = {"original": ORIGINAL, "extras": EXTRAS, None: ALL}[args.only]
    width = max(len(item.name) for item in items)
    if args.list:
        views = max(len(item.view) for item in items)
        for item in items:
            params = " ".join(f"{k}={v}" for k, v in item.params.items())
            print(
                f"{item.name:{width}}  {item.view:{views}}  {item.op} "
                f"{shape_text(item.input_shape)} {params}"
            )
        return 0
    if args.jobs is not None and args.jobs < 1:
        raise ConvArithError(f"--jobs {args.jobs} must be at least 1")
    from convarith.gallery.build import build_gallery

    formats = args.formats.split(",")
    bar = ProgressBar(label_width=width)
    try:
        report = build_gallery(
            args.out,
            formats,
            items=items,
            jobs=args.jobs,
            force=args.force,
            scale=args.scale,
            progress=bar.update if bar.enabled else None,
            parameter=OUTPUT_OPTION[0],
        )
    finally:
        bar.close()
    print(
        f"{len(report.written)} animations written, {len(report.up_to_date)} up to date "
        f"({', '.join(f.strip() for f in formats)}) in {args.out}/ in {report.seconds:.2f} s"
    )
    return 0
