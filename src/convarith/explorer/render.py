"""What the explorer's page shows for one request: numbers, frames and connectivity.

Everything here is computed by the library: the sizes, formula,
relationship and notes by :func:`convarith.core.explain.describe`, the
frames by :func:`convarith.animate` and the SVG backend (the same code that
writes ``convarith animate -o x.svg``), the hover map from the scene's
taps, and where each cell is on the picture from
:func:`convarith.draw.views.cell_outlines`.  Nothing here imports a web framework.

>>> from convarith.explorer.controls import request_of
>>> data = page_data(request_of({"input": "4x4", "kernel": "3"}))
>>> data["numbers"]["output_shape"], data["frames"], data["connectivity"]["taps"][0][:2]
([2, 2], 4, [[0, 0], [1, 1]])
>>> len(data["outlines"]["input"]), len(data["outlines"]["output"])
(16, 4)
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from convarith.explorer.controls import ExplorerRequest, request_of
from convarith.explorer.limits import check_drawable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from convarith.api.animation import Animation
    from convarith.core.explain import Description
    from convarith.draw.style import Style
    from convarith.figure.primitives import Figure
    from convarith.scenes.model import Scene

__all__ = [
    "GUIDE",
    "animation_of",
    "connectivity",
    "first_frame",
    "frame_svg_of",
    "guide_links",
    "numbers",
    "outlines",
    "page_data",
]

#: Where the guide is served, and its sections' anchors.
GUIDE = "/guide"
_OP_SECTIONS = {
    "conv": ("convolution arithmetic", "convolution-arithmetic"),
    "conv_transpose": ("transposed convolution", "transposed-convolution"),
    "max_pool": ("pooling", "pooling"),
    "avg_pool": ("pooling", "pooling"),
}
#: Views whose frame ``n`` is the ``n``-th output cell, row-major.
FRAME_PER_OUTPUT = ("arithmetic", "numerical")


#: Animations kept for the frames that follow the first, most recent last.
_KEPT = 8
_animations: OrderedDict[str, Animation] = OrderedDict()
_lock = threading.Lock()


def _kept(query: str, make: Callable[[], Animation]) -> Animation:
    with _lock:
        if query in _animations:
            _animations.move_to_end(query)
            return _animations[query]
    animation = make()
    with _lock:
        _animations[query] = animation
        while len(_animations) > _KEPT:
            _animations.popitem(last=False)
    return animation


def animation_of(query: str) -> Animation:
    """The animation of a canonical query, kept for the frames that follow the first.

    >>> animation_of("op=conv&input=3&kernel=2").frame_count
    2
    """
    from urllib.parse import parse_qsl

    return _kept(
        query, lambda: request_of(dict(parse_qsl(query, keep_blank_values=True))).animation()
    )


def guide_links(description: Description) -> list[dict[str, str]]:
    """The guide's sections that explain a configuration: its operation's, then each relationship's.

    >>> from convarith.core.explain import describe
    >>> [link["href"] for link in guide_links(describe("conv", (5,), kernel_size=3, dilation=2))]
    ['/guide#convolution-arithmetic', '/guide#dilated-convolution', '/guide#relationship-15']
    """
    c = description.config
    title, anchor = _OP_SECTIONS[c.op]
    links = [{"text": title, "href": f"{GUIDE}#{anchor}"}]
    if any(d > 1 for d in c.dilation):
        links.append({"text": "dilated convolution", "href": f"{GUIDE}#dilated-convolution"})
    seen: set[int | None] = set()
    for r in description.relationships:
        if r.number in seen:
            continue
        seen.add(r.number)
        if r.number:
            links.append(
                {"text": f"relationship {r.number}", "href": f"{GUIDE}#relationship-{r.number}"}
            )
        else:
            links.append({"text": "beyond the original", "href": f"{GUIDE}#beyond-the-original"})
    return links


def numbers(request: ExplorerRequest) -> dict[str, Any]:
    """Sizes, formula with the numbers in, relationship, notes and guide links (any dimension).

    >>> data = numbers(request_of({"input": "4x4x4", "kernel": "3", "padding": "1"}))
    >>> data["output_shape"], data["axes"][0]["relationship"]
    ([4, 4, 4], 3)
    """
    from convarith.core.explain import describe

    description = describe(request.op, request.input_shape, **request.params)
    d = description.to_dict()
    return {
        "input_shape": d["input"],
        "output_shape": d["output"],
        "formula": d["formula"],
        "axes": [
            {
                "axis": a["axis"],
                "input": a["input"],
                "output": a["output"],
                "worked": a["worked"],
                "relationship": a["relationship"],
                "setting": a["relationship_setting"],
                "relationship_formula": a["relationship_formula"],
            }
            for a in d["axes"]
        ],
        "notes": d["notes"],
        "text": description.text(),
        "links": guide_links(description),
    }


def _flat(index: tuple[int, ...], shape: tuple[int, ...]) -> int:
    flat = 0
    for i, n in zip(index, shape):
        flat = flat * n + i
    return flat


def connectivity(scene: Scene) -> dict[str, Any]:
    """Per output cell (row-major), the ``[input cell, weight]`` pairs it reads, from the scene's taps.

    Cells are flat row-major indices; taps over padding or inserted zeros
    read no input and are left out.  For pooling the "weight" is the
    window position.

    >>> from convarith.scenes.build import scene
    >>> c = connectivity(scene("conv_transpose", (2,), kernel_size=2))
    >>> c["output_shape"], c["taps"]
    ([3], [[[0, 0]], [[0, 1], [1, 0]], [[1, 1]]])
    """
    c = scene.config
    taps: list[list[list[int]]] = [[] for _ in range(max(1, _count(c.output_shape)))]
    for frame in scene.frames:
        pairs = sorted(
            {
                (_flat(t.input, c.input_shape), _flat(t.kernel, c.kernel_size))
                for t in frame.taps
                if t.input is not None
            }
        )
        taps[_flat(frame.output, c.output_shape)] = [list(p) for p in pairs]
    return {
        "input_shape": list(c.input_shape),
        "kernel_shape": list(c.kernel_size),
        "output_shape": list(c.output_shape),
        "taps": taps,
    }


def _count(shape: tuple[int, ...]) -> int:
    total = 1
    for n in shape:
        total *= n
    return total


def _classic_scene(request: ExplorerRequest, animation: Animation) -> Scene:
    from convarith.scenes.model import Scene

    if isinstance(animation.scene, Scene):
        return animation.scene
    from convarith.scenes.build import scene

    return scene(request.op, request.input_shape, **request.params)


def frame_svg_of(query: str, index: int) -> str:
    """Frame ``index`` of a canonical query's animation as SVG, without the embedded font.

    The page loads the bundled font itself.

    >>> frame_svg_of("op=conv&input=3&kernel=2", 1).startswith("<svg")
    True
    """
    from convarith.backends.svg import frame_svg

    return frame_svg(animation_of(query).figure, index, embed_font=False)


def page_data(request: ExplorerRequest) -> dict[str, Any]:
    """Everything the page shows for ``request``, JSON-ready.

    Keys: ``query`` and ``state`` (the canonical URL values), ``numbers``
    (see :func:`numbers`), ``drawn``; when drawn (1-D and 2-D), ``frames``,
    ``durations``, ``width``, ``height``, ``name``, ``svg`` (the first frame),
    ``frame_is_output`` and ``connectivity``; in the views whose frame is an
    output cell, ``outlines`` (see :func:`outlines`).

    Raises
    ------
    ConvArithError
        For anything the library refuses to draw, and
        :class:`~convarith.explorer.limits.LimitError` beyond the explorer's limits.
    """
    from convarith.backends.svg import frame_svg
    from convarith.core.arithmetic import configure
    from convarith.scenes.model import Scene

    query = request.query()
    data: dict[str, Any] = {
        "query": query,
        "state": request.state(),
        "numbers": numbers(request),
        "drawn": False,
    }
    if request.ndim > 2:
        data["why"] = "3-D is answered in numbers: sizes, formula and explanation"
        return data
    check_drawable(configure(request.op, request.input_shape, **request.params))
    animation = _kept(query, request.animation)
    first, count = first_frame(animation)
    data.update(
        drawn=True,
        frames=count,
        durations=list(animation.style.durations(count)),
        width=first.width,
        height=first.height,
        name=animation.name,
        svg=frame_svg(first, 0, embed_font=False),
        frame_is_output=request.view in FRAME_PER_OUTPUT,
        connectivity=connectivity(_classic_scene(request, animation)),
    )
    if request.view in FRAME_PER_OUTPUT and isinstance(animation.scene, Scene):
        data["outlines"] = outlines(animation.scene, request.view, animation.style)
    return data


def _points(points: tuple[tuple[float, float], ...]) -> str:
    """An SVG ``points`` list to 0.1 unit, each number as short as it goes.

    >>> _points(((12.04, 3.26), (0.01, 7.0)))
    '12,3.3 0,7'
    """
    return _WHOLE.sub("", " ".join(f"{x:.1f},{y:.1f}" for x, y in points))


#: The ``.0`` of a whole number in a points list.
_WHOLE = re.compile(r"\.0(?=[ ,]|$)")


def outlines(scene: Scene, view: str, style: Style) -> dict[str, list[str | None]]:
    """Where each input and output cell is on the picture, numbered as :func:`connectivity` numbers them.

    ``input[i]``: the outline of input cell ``i`` (flat, row-major) on the
    drawn grid, or ``None`` for a cell the grid does not show (a transposed
    convolution's padding crops its input); ``output[o]``: the outline of
    output cell ``o``.  Each is an SVG ``points`` list in the canvas units
    of the figure ``draw(scene, view, style)`` makes (its ``viewBox``), to 0.1.

    >>> from convarith.scenes.build import scene
    >>> from convarith.draw.style import Style
    >>> cropped = scene("conv_transpose", (5,), kernel_size=2, padding=2)
    >>> cells = outlines(cropped, "arithmetic", Style())
    >>> [cell is not None for cell in cells["input"]], len(cells["output"])
    ([False, True, True, True, False], 2)
    >>> len(cells["output"][0].split(" "))
    4
    """
    from convarith.draw.views import cell_outlines

    found = cell_outlines(scene, view, style)
    shape = scene.config.input_shape
    inputs: list[str | None] = [None] * _count(shape)
    for cell in found.grid:
        if cell.input is not None:
            inputs[_flat(cell.input, shape)] = _points(cell.points)
    return {"input": inputs, "output": [_points(cell.points) for cell in found.output]}


def first_frame(animation: Animation) -> tuple[Figure, int]:
    """A figure whose frame 0 is ``animation``'s first frame, and the animation's frame count.

    In the classic views every frame shares one layout (the grids set it, not
    the frames), so drawing the scene with its first frame only gives the
    first frame without drawing the others: the page paints it while the
    rest waits until asked for.  The other views draw whole.

    >>> from convarith.api.animation import animate
    >>> from convarith.backends.svg import frame_svg
    >>> animation = animate("conv", (6, 6), kernel_size=3)
    >>> first, count = first_frame(animation)
    >>> count, first.frame_count, frame_svg(first, 0) == frame_svg(animation.figure, 0)
    (16, 1, True)
    """
    from dataclasses import replace

    from convarith.draw import draw
    from convarith.scenes.model import Scene

    scene = animation.scene
    if "figure" in animation.__dict__ or not isinstance(scene, Scene) or len(scene.frames) < 2:
        return animation.figure, animation.figure.frame_count
    alone = replace(scene, frames=scene.frames[:1])
    return draw(alone, animation.view, animation.style), len(scene.frames)
