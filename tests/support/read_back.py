"""Reading an animation file back: the frames' pixels, their durations, the file's info."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageSequence


def read_back(path: Path) -> tuple[list[np.ndarray], list[int], dict[str, object]]:
    with Image.open(path) as animation:
        info = dict(animation.info)
        pixels, durations = [], []
        for frame in ImageSequence.Iterator(animation):
            pixels.append(np.asarray(frame.convert("RGB")))
            durations.append(int(frame.info["duration"]))
    return pixels, durations, info
