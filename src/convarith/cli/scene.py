"""``convarith scene``: what each frame shows, as data."""

from __future__ import annotations

import argparse

from convarith.cli.options import add_operation_arguments, cli_spelling, operation_from_args

TYPE_CHECKING = False
if TYPE_CHECKING:
    from convarith.scenes.model import Frame, Scene

EXAMPLES = """\
examples:
  convarith scene conv --input 4x4 --kernel 3 --json
  convarith scene conv-transpose --input 2x2 --kernel 3 --stride 2 --json
  convarith scene conv --input 5 --kernel 3 --numerical --seed 7 --json
  convarith scene conv --input 4x4x4 --kernel 3          (3-D scenes are data only)

The JSON holds op, input_shape, output_shape, params, grid, and frames: one per
output cell, row-major, each with "output" and "taps" (every window position:
"kernel", the weight index as PyTorch stores it, flipped for a transposed
convolution; "input", the input cell read or null for padding and inserted
zeros; "grid", the position on the drawn grid); numerical scenes add "values".
The text form writes each output cell as its sum of products (conv), max(...)
(max-pool) or mean(...) (avg-pool). A scene is bounded like an animation: at
most 20000 frames, 1000000 grid cells and 2000000 window positions."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``convarith scene``."""
    parser.epilog = EXAMPLES
    add_operation_arguments(parser)
    parser.add_argument("--numerical", action="store_true", help="add seeded values and the output")
    parser.add_argument("--seed", type=int, default=None, help="seed of the values (default 0)")
    parser.add_argument("--json", action="store_true", help="print the scene as one JSON object")


def run(args: argparse.Namespace) -> int:
    """Print the scene (JSON, or one line per frame)."""
    from convarith.core.errors import ConvArithError
    from convarith.core.text import shape_text
    from convarith.scenes.build import scene

    try:
        op, shape, params = operation_from_args(args)
        sc = scene(op, shape, numerical=args.numerical, seed=args.seed, **params)
    except ConvArithError as error:
        raise ConvArithError(cli_spelling(str(error))) from None
    if args.json:
        import json

        print(json.dumps(sc.to_dict(), separators=(",", ":")))
        return 0
    print(
        f"{sc.op.replace('_', '-')}: input {shape_text(sc.input_shape)} -> output "
        f"{shape_text(sc.output_shape)}, grid {shape_text(sc.grid_shape)}, "
        f"{len(sc.frames)} frames"
    )
    for frame in sc.frames:
        print(f"  y{list(frame.output)} = {frame_formula(sc, frame)}")
    return 0


def frame_formula(sc: Scene, frame: Frame) -> str:
    """What one output cell is, in terms of the window's taps.

    A convolution sums products, ``w[0]*x[1] + w[1]*0``; max pooling takes the
    largest input the window covers, ``max(x[0], x[1])`` (its padding never
    wins); average pooling divides the sum as PyTorch does: over the window
    inside the padded input (``count_include_pad``), over the input cells
    only, or by ``divisor_override``.
    """
    c = sc.config

    def cell(index: tuple[int, ...] | None) -> str:
        return "0" if index is None else f"x{list(index)}"

    if not c.pooling:
        return " + ".join(f"w{list(t.kernel)}*{cell(t.input)}" for t in frame.taps)
    inside = [
        t for t in frame.taps if all(sc.grid[n].kinds[g] != "outside" for n, g in enumerate(t.grid))
    ]
    if c.op == "max_pool":
        read = [cell(t.input) for t in inside if t.input is not None]
        return f"max({', '.join(read)})" if read else "-inf (the window covers padding only)"
    counted = inside if c.count_include_pad else [t for t in inside if t.input is not None]
    terms = [cell(t.input) for t in counted]
    if c.divisor_override is not None:
        return f"({' + '.join(terms) or '0'}) / {c.divisor_override}"
    return f"mean({', '.join(terms)})"
