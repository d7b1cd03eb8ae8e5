"""``convarith serve``: the interactive explorer in your browser, served from this machine."""

from __future__ import annotations

import argparse

EXAMPLES = """\
examples:
  convarith serve                      (http://127.0.0.1:8000/, opens your browser)
  convarith serve --port 0             (any free port; the URL printed is the real one)
  convarith serve --no-browser --port 8080
  convarith serve --host 0.0.0.0       (reachable from other machines: mind your network)

The page draws with the same code as 'convarith animate', works offline, and its
URL holds every parameter, so a link reproduces the view. Ctrl-C stops it.
Needs the serve extra: pip install 'convarith[serve]'."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``convarith serve``."""
    parser.epilog = EXAMPLES
    parser.add_argument(
        "--port",
        "-p",
        type=int,
        default=8000,
        help="port to listen on (default 8000; 0: any free port)",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    parser.add_argument(
        "--no-browser",
        dest="browser",
        action="store_false",
        help="do not open a browser (one opens only where a display exists)",
    )


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C."""
    from convarith.explorer.server import serve

    return serve(args.host, args.port, open_browser=args.browser)
