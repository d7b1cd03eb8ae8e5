"""Run a ``convarith`` command with its frames' heads left undrawn: a floor for faster drawing.

A frame's head (its window cells, outline, connector lines: the dynamic
layers drawn over the static part) is what the rasterizer draws per frame
at 4x; everything else a command does (start-up, scenes, the static part,
compositing the layers above, palettes, encoders, files) is paid whatever
draws the head.  Here the head is replaced by the static image's own pixels,
as a head drawn at no cost would be, so the CPU time of this command is a
lower bound on what any faster head drawing could reach: its frames carry
less change, and so cost the encoders less, than the real ones.

The frames it writes are not the real ones (no window is shown): it is a
measurement, never a way to make outputs.  It replaces a private method of
the rasterizer, which is why it lives here and not in the package.

    python bench/undrawn_heads.py gallery --only original --force --out /tmp/g
"""

from __future__ import annotations

import sys

from PIL import Image

from convarith.backends.raster import rasterizer
from convarith.cli import main
from convarith.pixels.boxes import Box


def _undrawn(canvas: rasterizer._Canvas, ops: object, box: Box) -> list[tuple[int, Image.Image]]:
    # The reduced static part below the head, as _head_bands returns a head drawn whole.
    return [(box[1], canvas._under_reduced.crop(box))]


# Were it renamed, the replacement would change nothing and the floor would be the real run.
if not callable(getattr(rasterizer._Canvas, "_head_bands", None)):
    raise SystemExit("undrawn_heads.py: the rasterizer has no _Canvas._head_bands to replace")
rasterizer._Canvas._head_bands = _undrawn  # type: ignore[assignment,method-assign]

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
