"""``convarith stack``: shapes, receptive fields and jumps through layers."""

from __future__ import annotations

import argparse

from convarith.cli.options import cli_spelling, parse_padding, parse_sizes
from convarith.core.errors import ConvArithError
from convarith.core.text import brief

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EXAMPLES = """\
layers:
  Each layer is one argument: the operation, then key=value settings.
    conv k=3 s=2 p=1 d=1 c=64 g=1      convolution (c: output channels, g: groups)
    conv-transpose k=4 s=2 p=1 a=1     transposed convolution (a: output_padding)
    max-pool k=3 s=2 p=1 ceil          max pooling (stride defaults to k; ceil: ceil_mode)
    avg-pool k=2                       average pooling
  Per-axis values are written 3x2; padding also same, valid, same_tf or low:high.
  Keys: k (kernel), s (stride), p (padding), d (dilation), a (output_padding),
  c (out_channels), in (in_channels), g (groups), ceil, name. Layers can also
  come from a file, one per line (--file), where # starts a comment.

examples:
  convarith stack --input 224x224 --channels 3 "conv k=7 s=2 p=3 c=64" "max-pool k=3 s=2 p=1"
  convarith stack --input 64 "conv k=3 d=2" "conv k=3 d=4" "conv k=3 d=8"
  convarith stack --input 8x8 "conv-transpose k=4 s=2 p=1" "conv-transpose k=4 s=2 p=1" --json"""

_KEYS = {
    "k": "kernel_size",
    "kernel": "kernel_size",
    "kernel_size": "kernel_size",
    "s": "stride",
    "stride": "stride",
    "p": "padding",
    "padding": "padding",
    "d": "dilation",
    "dilation": "dilation",
    "a": "output_padding",
    "op": "output_padding",
    "output_padding": "output_padding",
    "c": "out_channels",
    "out": "out_channels",
    "out_channels": "out_channels",
    "in": "in_channels",
    "in_channels": "in_channels",
    "g": "groups",
    "groups": "groups",
    "ceil": "ceil_mode",
    "ceil_mode": "ceil_mode",
    "name": "name",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``convarith stack``."""
    parser.epilog = EXAMPLES
    parser.add_argument(
        "layers", nargs="*", metavar="LAYER", help='a layer, e.g. "conv k=3 s=2 p=1 c=64"'
    )
    parser.add_argument(
        "--input", "-i", required=True, metavar="SIZES", help="spatial input size, e.g. 224x224"
    )
    parser.add_argument(
        "--channels",
        "-c",
        type=int,
        metavar="C",
        help="input channels (checked against the layers)",
    )
    parser.add_argument(
        "--file", "-f", metavar="PATH", help="read layers from a file, one per line"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object (for scripts)")


def parse_layer(text: str) -> dict[str, Any]:
    """Parse ``"conv k=3 s=2 p=1 c=64"`` into a layer dict.

    >>> parse_layer("max-pool k=3 s=2 ceil")
    {'op': 'max-pool', 'kernel_size': 3, 'stride': 2, 'ceil_mode': True}
    """
    words = text.split()
    if not words:
        raise ConvArithError("an empty layer: give an operation such as 'conv k=3'")
    shown = brief(text)
    layer: dict[str, Any] = {"op": words[0]}
    for word in words[1:]:
        key, sep, value = word.partition("=")
        name = _KEYS.get(key.lower())
        if name is None:
            raise ConvArithError(
                f"layer {shown}: unknown setting {brief(key)}; use k, s, p, d, a, c, in, g, ceil or name"
            )
        if name == "ceil_mode":
            layer[name] = value.lower() not in ("0", "false", "no") if sep else True
        elif name == "name":
            layer[name] = value
        elif name == "padding":
            layer[name] = parse_padding(value, option=f"layer {shown}: p")
        elif not sep:
            raise ConvArithError(
                f"layer {shown}: {brief(key)[1:-1]} needs a value, like {brief(key)[1:-1]}=3"
            )
        else:
            sizes = parse_sizes(f"layer {shown}: {brief(key)[1:-1]}", value)
            if name in ("out_channels", "in_channels", "groups"):
                if len(sizes) != 1:
                    raise ConvArithError(
                        f"layer {shown}: {key}={brief(value)[1:-1]} must be one number"
                    )
                layer[name] = sizes[0]
            else:
                layer[name] = sizes[0] if len(sizes) == 1 else sizes
    return layer


#: The library's parameter names -> the layer keys of ``convarith stack``.
LAYER_KEYS = {
    "kernel_size": "k=",
    "stride": "s=",
    "padding": "p=",
    "dilation": "d=",
    "output_padding": "a=",
    "out_channels": "c=",
    "in_channels": "in=",
    "groups": "g=",
    "ceil_mode": "ceil",
    "input_shape": "--input",
}


def _spelled(message: str) -> str:
    """A library message in the spelling of ``convarith stack``: layer keys, ``--input``, ``--channels``."""
    names = dict(LAYER_KEYS)
    if not message.startswith("layer "):
        names["in_channels"] = "--channels"
    return cli_spelling(message, names)


def _layer_lines(path: str) -> list[str]:
    """The layers of a file, one a line, ``#`` comments dropped; read with a bound."""
    from convarith.core.limits import MAX_INPUT_FILE_BYTES

    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_INPUT_FILE_BYTES + 1)
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise ConvArithError(f"--file {brief(path)} cannot be read: {reason}") from None
    if len(data) > MAX_INPUT_FILE_BYTES:
        raise ConvArithError(
            f"--file {brief(path)} is larger than {MAX_INPUT_FILE_BYTES:,} bytes, the most a layer "
            "file may hold"
        )
    return [line.split("#", 1)[0].strip() for line in text.splitlines()]


def run(args: argparse.Namespace) -> int:
    """Print the stack's table (or its JSON)."""
    from convarith.core.stack import analyze_stack

    texts = list(args.layers)
    if args.file:
        texts += _layer_lines(args.file)
    layers = [parse_layer(t) for t in texts if t.strip()]
    if not layers:
        raise ConvArithError('no layers: give at least one, like "conv k=3 s=2" (see --help)')
    try:
        report = analyze_stack(
            parse_sizes("--input", args.input), layers, in_channels=args.channels
        )
    except ConvArithError as error:
        raise ConvArithError(_spelled(str(error))) from None
    if args.json:
        import json

        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(report.table())
    return 0
