"""``convarith shape``: the output size of one operation, explained."""

from __future__ import annotations

import argparse

from convarith.cli.options import add_operation_arguments, cli_spelling, operation_from_args

EXAMPLES = """\
examples:
  convarith shape conv --input 32x32 --kernel 3 --stride 2 --padding 1
  convarith shape conv --input 7 --kernel 3 --dilation 2
  convarith shape conv --input 6x5 --kernel 3 --stride 2 --padding same_tf
  convarith shape conv --input 6 --kernel 4 --padding 1:2
  convarith shape conv-transpose --input 3x3 --kernel 3 --stride 2 --padding 1 --output-padding 1
  convarith shape max-pool --input 5 --kernel 2 --ceil-mode --json

OP is conv, conv-transpose, max-pool or avg-pool; per-axis values are written 3x2;
the number of sizes in --input is the dimensionality (1, 2 or 3)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``convarith shape``."""
    parser.epilog = EXAMPLES
    add_operation_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object (for scripts)")


def run(args: argparse.Namespace) -> int:
    """Print the explanation (or its JSON) of the configuration."""
    from convarith.core.errors import ConvArithError
    from convarith.core.explain import describe

    try:
        op, shape, params = operation_from_args(args)
        description = describe(op, shape, **params)
    except ConvArithError as error:
        raise ConvArithError(cli_spelling(str(error))) from None
    if args.json:
        import json

        print(json.dumps(description.to_dict(), indent=2))
    else:
        print(description.text(cli=True))
    return 0
