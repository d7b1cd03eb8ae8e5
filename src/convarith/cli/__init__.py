"""The ``convarith`` command line.

:func:`main` is the one place where library errors become ``error: ...`` on
stderr and an exit status (2 for bad input), so it is testable in-process.
Each command lives in its own module, imported only when it runs, so that
``convarith shape`` starts fast.

A run stopped by Ctrl-C (SIGINT), by SIGTERM (what ``timeout``, CI runners and
containers send) or by SIGHUP unwinds as an exception: every file being
written is discarded, the previous ones stay, and the command says so in one
line and exits with 128 + the signal's number (130, 143, 129).
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
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
        "the original guide's animations and explanatory extras, as GIF, PNG and PDF",
    ),
    "guide": (
        "guide",
        "the convolution arithmetic guide, generated from the library, as PDF or HTML",
    ),
    "serve": ("serve", "the interactive explorer in your browser, served from this machine"),
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
  convarith guide -o guide.pdf
  convarith serve --port 8000

Run 'convarith COMMAND --help' for a command's options and examples."""


#: Errors of a path the user gave (exit status 2); other system errors (a full disk) give 1.
_PATH_ERRORS = frozenset(
    getattr(errno, name)
    for name in (
        "ENAMETOOLONG", "ENOENT", "ENOTDIR", "EISDIR", "EACCES", "EPERM", "EROFS",
        "ELOOP", "EEXIST", "EINVAL", "EXDEV", "ENOTEMPTY",
    )
    if hasattr(errno, name)
)  # fmt: skip

#: The signals that stop a run: each unwinds as an exception, so that clean-up runs.
_STOPPING = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class _Stopped(BaseException):
    """A signal other than SIGINT (which is KeyboardInterrupt) told the run to stop."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: object) -> None:
    # Later signals wait: the clean-up the first one starts is not itself interrupted.
    for stopping in _STOPPING:
        signal.signal(stopping, signal.SIG_IGN)
    if signum == getattr(signal, "SIGINT", None):
        raise KeyboardInterrupt
    raise _Stopped(signum)


def _handle_stops(previous: dict[int, Any]) -> None:
    """Install :func:`_stop` for the stopping signals left at their defaults; record the old handlers."""
    for stopping in _STOPPING:
        try:
            current = signal.getsignal(stopping)
            # A signal the caller ignores (nohup, a background job) stays ignored.
            if current in (signal.SIG_DFL, signal.default_int_handler):
                signal.signal(stopping, _stop)
                previous[stopping] = current
        except (ValueError, OSError):  # not the main thread: leave signals alone
            break


def _one_line(text: str) -> str:
    """A message on one line, whatever a path in it holds."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _os_error(error: OSError, module: Any, args: argparse.Namespace) -> str:
    """An OS error as one line that names the command's output option and its value."""
    reason = error.strerror or str(error)
    output = getattr(module, "OUTPUT_OPTION", None)
    if output is not None:
        option, dest = output
        value = getattr(args, dest, None)
        if isinstance(value, list):  # a repeatable option: name the value that failed
            named = os.fsdecode(error.filename) if isinstance(error.filename, (str, bytes)) else ""
            value = next((v for v in value if named.startswith(str(v))), value[0])
        where = f"cannot write to {option} {value!r}"
        if isinstance(error.filename, (str, bytes)) and error.filename != value:
            from pathlib import Path

            from convarith.files.names import temporary_writer

            # A file inside the output is worth naming; a temporary's name is not.
            parts = Path(os.fsdecode(error.filename)).parts
            if all(temporary_writer(part) is None for part in parts):
                reason = f"{reason} ({os.fsdecode(error.filename)!r})"
        return f"{where}: {reason}"
    if isinstance(error.filename, (str, bytes)):
        return f"{os.fsdecode(error.filename)!r}: {reason}"
    return reason


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
        0 on success, 2 for bad input (a bad path too), 1 for a failure of the
        system (a full disk), 128 + the signal's number when stopped by one:
        130 for Ctrl-C, 143 for SIGTERM.

    """
    previous: dict[int, Any] = {}
    program = "convarith"
    try:
        _handle_stops(previous)
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
        program = f"convarith {args.command}"
        module: Any = import_module(f"convarith.cli.{args._module}")
        try:
            return int(module.run(args))
        except ConvArithError as error:
            print(f"{program}: error: {_one_line(str(error))}", file=sys.stderr)
            return 2
        except OSError as error:
            print(f"{program}: error: {_one_line(_os_error(error, module, args))}", file=sys.stderr)
            return 2 if error.errno in _PATH_ERRORS else 1
    except KeyboardInterrupt:
        print(f"{program}: interrupted", file=sys.stderr)
        return 128 + int(getattr(signal, "SIGINT", 2))
    except _Stopped as stop:
        print(f"{program}: stopped by {signal.Signals(stop.signum).name}", file=sys.stderr)
        return 128 + stop.signum
    finally:
        for stopping, handler in previous.items():
            signal.signal(stopping, handler)
