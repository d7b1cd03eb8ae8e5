"""Make the README's images (docs/img/*.gif) with convarith itself.

    python tools/make_readme_images.py            # rewrites docs/img
    python tools/make_readme_images.py OUT_DIR    # writes elsewhere

Each image is an animation of the gallery's catalogue, drawn 240 px wide (the
README shows it at 200 px, so that it stays sharp on dense screens).
tests/test_readme_images.py renders them again and fails when the images in
docs/img differ from what the code draws now: run this after a change that
alters the pictures.
"""

from __future__ import annotations

import sys
from pathlib import Path

import convarith
from convarith.gallery.catalogue import ALL

#: The README's images, by their gallery names.
NAMES = ("padding_strides", "padding_strides_transposed", "dilation")
#: Width in pixels of every image.
WIDTH = 240

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "docs" / "img"


def make_images(out: Path) -> list[Path]:
    """Write the README's images into ``out``; return their paths."""
    items = {item.name: item for item in ALL}
    written = []
    for name in NAMES:
        item = items[name]
        animation = convarith.animate(
            item.op,
            item.input_shape,
            view=item.view,
            numerical=item.numerical,
            **item.values,
            **item.params,
        )
        scale = WIDTH / animation.figure.width
        written += animation.save(out / f"{name}.gif", scale=scale)
    return written


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else DEFAULT_OUT
    out.mkdir(parents=True, exist_ok=True)
    for path in make_images(out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
