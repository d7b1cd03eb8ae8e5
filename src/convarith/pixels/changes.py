"""Where a drawn frame may differ from its figure's static image, carried on the frame itself.

The rasterizer draws every frame as one static image with a dirty box
redrawn; it notes that box in the frame's ``info`` under :data:`KEY`,
together with a token naming the static image.  An encoder that compares
consecutive frames (the GIF writer looks for the pixels that changed) then
needs to compare only inside the two frames' boxes: outside both, both
frames are the static image.  A frame without the note, or one whose token
differs from the previous frame's, is compared whole.

The note travels in ``info`` because frames pass through generators and
folder writers on their way to an encoder; Pillow's writers ignore keys
they do not know.

>>> from PIL import Image

from convarith.pixels.boxes import Box, union
>>> token = object()
>>> a, b = Image.new("P", (9, 9)), Image.new("P", (9, 9))
>>> mark(a, token, (1, 1, 3, 3)); mark(b, token, (5, 0, 7, 2))
>>> where_changed(a, b)
(1, 0, 7, 3)
>>> mark(b, object(), None)
>>> print(where_changed(a, b))
None
"""

from __future__ import annotations

from PIL import Image

from convarith.pixels.boxes import Box, union

__all__ = ["KEY", "UNCHANGED", "mark", "where_changed"]

#: The ``info`` key of the note: ``(token, box or None)``.
KEY = "convarith.changes"
#: A box of no pixels: where two frames that both equal the static image differ.
UNCHANGED = (0, 0, 0, 0)


def mark(frame: Image.Image, token: object, box: Box | None) -> None:
    """Note on ``frame`` that it equals static image ``token`` outside ``box`` (None: everywhere)."""
    frame.info[KEY] = (token, box)


def where_changed(previous: Image.Image, current: Image.Image) -> Box | None:
    """The box outside which two frames are known to be equal, or None if it is not known.

    :data:`UNCHANGED` when both equal the same static image everywhere.
    """
    before, now = previous.info.get(KEY), current.info.get(KEY)
    if not (isinstance(before, tuple) and isinstance(now, tuple)) or before[0] is not now[0]:
        return None
    return union([before[1], now[1]]) or UNCHANGED
