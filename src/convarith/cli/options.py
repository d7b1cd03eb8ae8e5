"""Command-line options shared by the commands that take one operation.

Sizes and per-axis values are written ``32x32``; padding also ``same``,
``valid``, ``same_tf`` and ``low:high`` for asymmetric padding (``1:2`` on
every axis, ``1:2x0:1`` per axis).
"""

from __future__ import annotations

import argparse

from convarith.core.spelling import parse_padding, parse_sizes, per_axis

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "OPERATION_HELP",
    "OPTION_NAMES",
    "add_operation_arguments",
    "cli_spelling",
    "operation_from_args",
    "parse_padding",
    "parse_sizes",
]

OPERATION_HELP = "conv, conv-transpose, max-pool or avg-pool"


def add_operation_arguments(parser: argparse.ArgumentParser) -> None:
    """Add OP, ``--input`` and the operation's parameters to ``parser``."""
    parser.add_argument("op", metavar="OP", help=OPERATION_HELP)
    parser.add_argument(
        "--input",
        "-i",
        required=True,
        metavar="SIZES",
        help="spatial input size, e.g. 5, 5x7, 4x5x6 (the number of sizes is the dimensionality)",
    )
    parser.add_argument(
        "--kernel", "-k", required=True, metavar="K", help="kernel size, e.g. 3 or 3x2"
    )
    parser.add_argument(
        "--stride", "-s", metavar="S", help="stride (default 1; pooling: the kernel size)"
    )
    parser.add_argument(
        "--padding",
        "-p",
        metavar="P",
        help="zero padding: 1, 1x2, low:high (1:2 or 1:2x0:1), same, valid or same_tf (default 0)",
    )
    parser.add_argument("--dilation", "-d", metavar="D", help="dilation (default 1)")
    parser.add_argument(
        "--output-padding",
        "-a",
        metavar="A",
        help="transposed convolution: extra cells at the end of the output (default 0)",
    )
    parser.add_argument(
        "--ceil-mode", action="store_true", help="pooling: round the output size up"
    )
    parser.add_argument(
        "--no-count-include-pad",
        dest="count_include_pad",
        action="store_false",
        help="average pooling: leave padded zeros out of the mean",
    )
    parser.add_argument(
        "--divisor-override", type=int, metavar="N", help="average pooling: divide every sum by N"
    )


def operation_from_args(args: argparse.Namespace) -> tuple[str, tuple[int, ...], dict[str, Any]]:
    """``(op, input_shape, params)`` from parsed arguments, ready for :func:`convarith.configure`."""
    from convarith.core.params import canonical_op

    op = canonical_op(args.op)
    params: dict[str, Any] = {"kernel_size": per_axis("--kernel", args.kernel)}
    stride = per_axis("--stride", args.stride)
    if stride is not None:
        params["stride"] = stride
    params["padding"] = parse_padding(args.padding)
    dilation = per_axis("--dilation", args.dilation)
    if dilation is not None:
        params["dilation"] = dilation
    output_padding = per_axis("--output-padding", args.output_padding)
    if output_padding is not None:
        params["output_padding"] = output_padding
    if args.ceil_mode:
        params["ceil_mode"] = True
    if not args.count_include_pad:
        params["count_include_pad"] = False
    if args.divisor_override is not None:
        params["divisor_override"] = args.divisor_override
    return op, parse_sizes("--input", args.input), params


#: The library's parameter names -> the options of ``convarith shape``, ``scene`` and ``animate``.
OPTION_NAMES = {
    "input_shape": "--input",
    "kernel_size": "--kernel",
    "stride": "--stride",
    "padding": "--padding",
    "dilation": "--dilation",
    "output_padding": "--output-padding",
    "ceil_mode": "--ceil-mode",
    "count_include_pad": "--no-count-include-pad",
    "divisor_override": "--divisor-override",
    "seed": "--seed",
    "scale": "--scale",
    "view": "--view",
    "theme": "--theme",
    "name": "--name",
}

#: Options that take no value.
_FLAGS = ("--ceil-mode", "--no-count-include-pad", "ceil")

#: Operation names as the command line writes them.
_OPS = {"conv_transpose": "conv-transpose", "max_pool": "max-pool", "avg_pool": "avg-pool"}


def _option_value(text: str) -> str:
    """A value as the library wrote it (``(3, 2)``, ``((1, 2), 0)``, ``'same'``), as an option takes it."""
    import ast

    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        return text

    def number(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool)

    def one(v: Any) -> str | None:
        if number(v):
            return str(v)
        if isinstance(v, tuple) and len(v) == 2 and all(number(n) for n in v):
            return f"{v[0]}:{v[1]}"
        return None

    if isinstance(value, str):
        return value
    if number(value):
        return str(value)
    if isinstance(value, tuple) and value:
        parts = [one(v) for v in value]
        if all(p is not None for p in parts):
            return "x".join(p for p in parts if p is not None)
    return text


def _value_end(message: str, start: int) -> int:
    """Where a value that starts at ``start`` ends: its closing bracket or quote, or a separator."""
    if start < len(message) and message[start] in "([":
        depth = 0
        for n in range(start, len(message)):
            if message[n] in "([":
                depth += 1
            elif message[n] in ")]":
                depth -= 1
                if depth == 0:
                    return n + 1
        return len(message)
    if start < len(message) and message[start] in "'\"":
        close = message.find(message[start], start + 1)
        return len(message) if close < 0 else close + 1
    end = start
    while end < len(message) and message[end] not in " ;,:)":
        end += 1
    return end


def cli_spelling(message: str, names: dict[str, str] | None = None) -> str:
    """A library message in the command line's spelling.

    ``kernel_size=(3, 2)`` becomes ``--kernel 3x2``, ``output_padding=2``
    ``--output-padding 2``, ``conv_transpose`` ``conv-transpose``: what the
    user typed, the way they typed it.  ``names`` maps parameter names to
    the options (or layer keys, ``k=``) the command takes.

    >>> cli_spelling("output_padding=2 must be smaller than stride=2 or dilation=1")
    '--output-padding 2 must be smaller than --stride 2 or --dilation 1'
    >>> cli_spelling("padding=((1, 2),) does not apply to conv_transpose")
    '--padding 1:2 does not apply to conv-transpose'
    """
    import re

    names = OPTION_NAMES if names is None else names
    keyed = "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))
    out: list[str] = []
    position = 0
    for match in re.finditer(rf"(?<![\w-])({keyed})=", message):
        if match.start() < position:
            continue
        option = names[match.group(1)]
        end = _value_end(message, match.end())
        value = _option_value(message[match.end() : end])
        out.append(message[position : match.start()])
        if option in _FLAGS or (value in ("True", "False") and not option.endswith("=")):
            out.append(option)  # a flag takes no value
        else:
            out.append(f"{option}{'' if option.endswith('=') else ' '}{value}")
        position = end
    out.append(message[position:])
    text = "".join(out)
    for library, cli in _OPS.items():
        text = re.sub(rf"\b{library}\b", cli, text)
    for name in (
        "kernel_size",
        "output_padding",
        "ceil_mode",
        "count_include_pad",
        "divisor_override",
    ):
        if name in names:
            text = re.sub(rf"(?<![\w-]){name}\b(?!=)", names[name].rstrip("="), text)
    return re.sub(r"\bop=", "OP ", text)
