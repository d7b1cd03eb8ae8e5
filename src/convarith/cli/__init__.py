"""The ``convarith`` command line.

:func:`main` is the one place where library errors become ``error: ...`` on
stderr and an exit status (2 for bad input), so it is testable in-process.
Each command lives in its own module, imported only when it runs, so that
``convarith shape`` starts fast.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module

from convarith.core.errors import ConvArithError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any, NoReturn

__all__ = ["main"]

#: command -> (module under convarith.cli, one-line summary)
COMMANDS = {
    "shape": ("shape", "output size of one operation, with its formula and what to know"),
    "stack": ("stack", "shapes, receptive fields and jumps through a stack of layers"),
    "animate": ("animate", "draw an animation of one operation (GIF, SVG, PDF, MP4, TikZ, ...)"),
    "scene": ("scene", "what each frame of an animation shows, as data"),
    "gallery": (
        "gallery",
        "the original guide's 19 animations, as its 'make all_animations' made them",
    ),
}

PROLOG = """\
The arithmetic of convolutions, exact (as PyTorch computes it) and visible.

examples:
  convarith shape conv --input 32x32 --kernel 3 --stride 2 --padding 1
  convarith shape conv-transpose --input 16 --kernel 4 --stride 2 --padding 1 --json
  convarith stack --input 224x224 --channels 3 "conv k=7 s=2 p=3 c=64" "max-pool k=3 s=2 p=1"
  convarith animate conv --input 5x5 --kernel 3 --stride 2 --padding 1 -o padding_strides.gif
  convarith scene conv-transpose --input 2 --kernel 3 --json
  convarith gallery --out gallery

Run 'convarith COMMAND --help' for a command's options and examples."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser with every command (their modules add their own options)."""
    parser = _Parser(
        prog="convarith",
        description=PROLOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from convarith.core.version import __version__

    parser.add_argument("--version", action="version", version=f"convarith {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (module, summary) in COMMANDS.items():
        sub = commands.add_parser(
            name,
            help=summary,
            description=summary,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        import_module(f"convarith.cli.{module}").add_arguments(sub)
        sub.set_defaults(_module=module, _parser=sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name (``sys.argv[1:]`` by default).

    Returns
    -------
    int
        0 on success, 2 for bad input, 1 for a failure of the system (a full
        disk), 130 when interrupted.

    """
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:
            # Name the command whose options these are not, not the top-level program.
            owner = getattr(args, "_parser", parser)
            owner.error(f"unrecognized arguments: {' '.join(extra)}")
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if args.command is None:
        parser.print_help()
        return 2
    run: Any = import_module(f"convarith.cli.{args._module}").run
    try:
        return int(run(args))
    except ConvArithError as error:
        print(f"convarith {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"convarith {args.command}: interrupted", file=sys.stderr)
        return 130
    except OSError as error:
        print(f"convarith {args.command}: error: {error}", file=sys.stderr)
        return 1
