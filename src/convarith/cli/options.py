"""Command-line options shared by the commands that take one operation.

Sizes and per-axis values are written ``32x32``; padding also ``same``,
``valid``, ``same_tf`` and ``low:high`` for asymmetric padding (``1:2`` on
every axis, ``1:2x0:1`` per axis).
"""

from __future__ import annotations

import argparse

from convarith.core.errors import ConvArithError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "OPERATION_HELP",
    "add_operation_arguments",
    "operation_from_args",
    "parse_padding",
    "parse_sizes",
]

OPERATION_HELP = "conv, conv-transpose, max-pool or avg-pool"


def parse_sizes(option: str, text: str) -> tuple[int, ...]:
    """Parse ``32x16`` into ``(32, 16)``, or fail naming the option.

    >>> parse_sizes("--input", "32x16")
    (32, 16)
    """
    try:
        return tuple(int(part) for part in text.lower().split("x"))
    except ValueError:
        raise ConvArithError(
            f"{option} {text!r} must be integers joined by 'x', like 3 or 3x2"
        ) from None


def _per_axis(option: str, text: str | None) -> Any:
    if text is None:
        return None
    values = parse_sizes(option, text)
    return values[0] if len(values) == 1 else values


def parse_padding(text: str | None, option: str = "--padding") -> Any:
    """Parse a padding: ``1``, ``1x2``, ``1:2`` (low:high), ``1:2x0:1``, ``same``, ``valid``, ``same_tf``.

    >>> parse_padding("1:2x0")
    ((1, 2), 0)
    """
    if text is None:
        return 0
    rule = text.strip().lower().replace("-", "_")
    if rule in ("same", "valid", "same_tf"):
        return rule
    parts = text.lower().split("x")
    values: list[Any] = []
    for part in parts:
        if ":" in part:
            low, _, high = part.partition(":")
            try:
                values.append((int(low), int(high)))
            except ValueError:
                raise ConvArithError(
                    f"{option} {text!r} must be like 1, 1x2, 1:2 (low:high), same, valid or same_tf"
                ) from None
        else:
            try:
                values.append(int(part))
            except ValueError:
                raise ConvArithError(
                    f"{option} {text!r} must be like 1, 1x2, 1:2 (low:high), same, valid or same_tf"
                ) from None
    if len(values) == 1 and not isinstance(values[0], tuple):
        return values[0]
    return tuple(values)


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
    params: dict[str, Any] = {"kernel_size": _per_axis("--kernel", args.kernel)}
    stride = _per_axis("--stride", args.stride)
    if stride is not None:
        params["stride"] = stride
    params["padding"] = parse_padding(args.padding)
    dilation = _per_axis("--dilation", args.dilation)
    if dilation is not None:
        params["dilation"] = dilation
    output_padding = _per_axis("--output-padding", args.output_padding)
    if output_padding is not None:
        params["output_padding"] = output_padding
    if args.ceil_mode:
        params["ceil_mode"] = True
    if not args.count_include_pad:
        params["count_include_pad"] = False
    if args.divisor_override is not None:
        params["divisor_override"] = args.divisor_override
    return op, parse_sizes("--input", args.input), params
