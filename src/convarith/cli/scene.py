"""``convarith scene``: what each frame shows, as data."""

from __future__ import annotations

import argparse

from convarith.cli.options import add_operation_arguments, operation_from_args

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
zeros; "grid", the position on the drawn grid); numerical scenes add "values"."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``convarith scene``."""
    parser.epilog = EXAMPLES
    add_operation_arguments(parser)
    parser.add_argument("--numerical", action="store_true", help="add seeded values and the output")
    parser.add_argument("--seed", type=int, default=None, help="seed of the values (default 0)")
    parser.add_argument("--json", action="store_true", help="print the scene as one JSON object")


def run(args: argparse.Namespace) -> int:
    """Print the scene (JSON, or one line per frame)."""
    from convarith.core.text import shape_text
    from convarith.scene.build import scene

    op, shape, params = operation_from_args(args)
    sc = scene(op, shape, numerical=args.numerical, seed=args.seed, **params)
    if args.json:
        import json

        print(json.dumps(sc.to_dict(), separators=(",", ":")))
        return 0
    print(
        f"{sc.op}: input {shape_text(sc.input_shape)} -> output "
        f"{shape_text(sc.output_shape)}, grid {shape_text(sc.grid_shape)}, "
        f"{len(sc.frames)} frames"
    )
    for frame in sc.frames:
        taps = " ".join(
            f"w{list(t.kernel)}*{'0' if t.input is None else 'x' + str(list(t.input))}"
            for t in frame.taps
        )
        print(f"  y{list(frame.output)} = {taps}")
    return 0
