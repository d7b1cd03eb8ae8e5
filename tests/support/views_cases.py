"""Shared helpers of the view tests: PyTorch as the oracle, random configurations, figure probes.

Everything that says what the right answer is comes from PyTorch or from the
semantics page, written here by hand, never from convarith.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import strategies as st

from convarith.figure.primitives import DynamicLayer, Figure, Polygon, Primitive, StaticLayer, Text

_CONV = {1: F.conv1d, 2: F.conv2d}
_CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d}


def per_axis(value: Any, ndim: int) -> tuple[int, ...]:
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return (value,) * ndim


def as_batch(values: Any) -> torch.Tensor:
    return torch.tensor(np.asarray(values, dtype=np.float64))[None, None]


def torch_conv_transpose(x: Any, w: Any, params: dict[str, Any]) -> np.ndarray:
    """PyTorch's ``conv_transpose`` of one single-channel input."""
    xt, wt = as_batch(x), as_batch(w)
    ndim = xt.dim() - 2
    out = _CONV_T[ndim](
        xt,
        wt,
        stride=params.get("stride", 1),
        padding=params.get("padding", 0),
        output_padding=params.get("output_padding", 0),
        dilation=params.get("dilation", 1),
    )
    return out[0, 0].numpy()


def torch_conv(x: Any, w: Any, params: dict[str, Any]) -> np.ndarray:
    """PyTorch's ``conv`` of one single-channel input (symmetric int padding)."""
    xt, wt = as_batch(x), as_batch(w)
    ndim = xt.dim() - 2
    out = _CONV[ndim](
        xt,
        wt,
        stride=params.get("stride", 1),
        padding=params.get("padding", 0),
        dilation=params.get("dilation", 1),
    )
    return out[0, 0].numpy()


def transposed_size(i: int, k: int, s: int, p: int, d: int, a: int) -> int:
    """The semantics page's ``o' = (i'-1)s - 2p + d(k-1) + a + 1``."""
    return (i - 1) * s - 2 * p + d * (k - 1) + a + 1


@st.composite
def transposed_configs(
    draw: Any, ndim: int | None = None, crop_first: bool = False
) -> tuple[tuple[int, ...], dict[str, Any]]:
    """A transposed convolution PyTorch accepts, 1-D or 2-D, small.

    ``crop_first``: padding larger than ``d*(k-1)`` on the first axis (the
    stretched input is cropped, not padded).
    """
    ndim = ndim or draw(st.sampled_from((1, 2)))
    shape, ks, ss, ps, ds, outs = [], [], [], [], [], []
    for axis in range(ndim):
        i = draw(st.integers(1, 4 if ndim == 2 else 6))
        k = draw(st.integers(1, 3 if ndim == 2 else 4))
        s = draw(st.integers(1, 3))
        d = draw(st.integers(1, 3))
        a = draw(st.integers(0, max(s, d) - 1))
        # Largest padding that keeps o' >= 1.
        pmax = ((i - 1) * s + d * (k - 1) + a) // 2
        if crop_first and axis == 0:
            lo = d * (k - 1) + 1
            if lo > pmax:
                # Grow the input until a cropping padding fits.
                i = max(i, (2 * lo - d * (k - 1) - a) // s + 2)
                pmax = ((i - 1) * s + d * (k - 1) + a) // 2
            p = draw(st.integers(lo, pmax))
        else:
            p = draw(st.integers(0, min(pmax, d * (k - 1) + 2)))
        assert transposed_size(i, k, s, p, d, a) >= 1
        shape.append(i), ks.append(k), ss.append(s), ps.append(p), ds.append(d), outs.append(a)

    def pick(values: list[int]) -> Any:
        return values[0] if len(set(values)) == 1 and draw(st.booleans()) else tuple(values)

    params = {
        "kernel_size": tuple(ks),
        "stride": pick(ss),
        "padding": pick(ps),
        "dilation": pick(ds),
        "output_padding": pick(outs),
    }
    return tuple(shape), params


@st.composite
def conv_configs(draw: Any, ndim: int | None = None) -> tuple[tuple[int, ...], dict[str, Any]]:
    """A convolution PyTorch accepts (symmetric padding), 1-D or 2-D, small."""
    ndim = ndim or draw(st.sampled_from((1, 2)))
    shape, ks, ss, ps, ds = [], [], [], [], []
    for _ in range(ndim):
        k = draw(st.integers(1, 3))
        d = draw(st.integers(1, 2))
        s = draw(st.integers(1, 3))
        p = draw(st.integers(0, 2))
        keff = d * (k - 1) + 1
        i = draw(st.integers(max(1, keff - 2 * p), max(1, keff - 2 * p) + (6 if ndim == 1 else 3)))
        shape.append(i), ks.append(k), ss.append(s), ps.append(p), ds.append(d)
    params = {
        "kernel_size": tuple(ks),
        "stride": tuple(ss),
        "padding": tuple(ps),
        "dilation": tuple(ds),
    }
    return tuple(shape), params


def stretched_padded(x: np.ndarray, params: dict[str, Any]) -> np.ndarray:
    """The equivalent direct convolution's input, built from the semantics page.

    ``s-1`` zeros between cells, then ``d(k-1)-p`` zeros each side plus
    ``output_padding`` more at the end; a negative count crops instead.
    """
    ndim = x.ndim
    k = per_axis(params["kernel_size"], ndim)
    s = per_axis(params.get("stride", 1), ndim)
    p = per_axis(params.get("padding", 0), ndim)
    d = per_axis(params.get("dilation", 1), ndim)
    a = per_axis(params.get("output_padding", 0), ndim)
    stretched = np.zeros(tuple((n - 1) * sa + 1 for n, sa in zip(x.shape, s)))
    stretched[tuple(slice(None, None, sa) for sa in s)] = x
    result = stretched
    for axis in range(ndim):
        lo = d[axis] * (k[axis] - 1) - p[axis]
        hi = lo + a[axis]
        pads = [(0, 0)] * ndim
        pads[axis] = (max(lo, 0), max(hi, 0))
        result = np.pad(result, pads)
        stop = result.shape[axis] - max(-hi, 0)
        index = [slice(None)] * ndim
        index[axis] = slice(max(-lo, 0), stop)
        result = result[tuple(index)]
    return result


# ---- figure probes ---------------------------------------------------------------------------


def all_primitives(figure: Figure) -> Iterator[Primitive]:
    """Every primitive of every layer and frame."""
    for layer in figure.layers:
        if isinstance(layer, StaticLayer):
            yield from layer.primitives
        else:
            assert isinstance(layer, DynamicLayer)
            for frame in layer.frames:
                yield from frame


def texts(figure: Figure) -> set[str]:
    """Every text string of the figure (static and in any frame)."""
    return {p.text for p in all_primitives(figure) if isinstance(p, Text)}


def static_texts(figure: Figure) -> set[str]:
    return {
        p.text
        for layer in figure.layers
        if isinstance(layer, StaticLayer)
        for p in layer.primitives
        if isinstance(p, Text)
    }


def dynamic_frame(figure: Figure, layer_number: int, index: int) -> tuple[Primitive, ...]:
    """Frame ``index`` of the ``layer_number``-th dynamic layer."""
    layers = [layer for layer in figure.layers if isinstance(layer, DynamicLayer)]
    return layers[layer_number].frames[index]


def polygons(prims: Any, fill: Any = None) -> list[Polygon]:
    return [p for p in prims if isinstance(p, Polygon) and (fill is None or p.fill == fill)]


def centroid(points: tuple[tuple[float, float], ...]) -> tuple[float, float]:
    xs, ys = zip(*points)
    return sum(xs) / len(xs), sum(ys) / len(ys)


def toward(points: tuple[tuple[float, float], ...], corner: int, t: float) -> tuple[float, float]:
    """The point ``t`` of the way from the polygon's centroid to its vertex ``corner``."""
    cx, cy = centroid(points)
    vx, vy = points[corner]
    return cx + t * (vx - cx), cy + t * (vy - cy)


def blend(under: tuple[int, int, int], over: tuple[int, int, int], alpha: float) -> tuple[int, ...]:
    return tuple(round((1 - alpha) * u + alpha * o) for u, o in zip(under, over))


# ---- reading a figure as a student does ------------------------------------------------------


def static_text_prims(figure: Figure) -> list[Text]:
    """The static texts, in drawing order."""
    return [
        p
        for layer in figure.layers
        if isinstance(layer, StaticLayer)
        for p in layer.primitives
        if isinstance(p, Text)
    ]


def paragraphs(figure: Figure) -> list[str]:
    """The static texts as they read: lines of one style set one under the other, joined by spaces.

    Labels are wrapped where a figure is too narrow for them; this puts
    each label, note or caption back together.
    """
    out: list[str] = []
    previous: Text | None = None
    for t in static_text_prims(figure):
        same_style = (
            previous is not None
            and (t.size, t.bold, t.color, t.anchor, t.kind)
            == (previous.size, previous.bold, previous.color, previous.anchor, previous.kind)
            and abs(t.position[0] - previous.position[0]) < 0.6 * t.size * max(1, len(t.text))
            and 0 < t.position[1] - previous.position[1] < 1.6 * t.size
        )
        if same_style:
            out[-1] = f"{out[-1]} {t.text}"
        else:
            out.append(t.text)
        previous = t
    return out


def reads(figure: Figure, text: str) -> bool:
    """Whether ``text`` is one of the figure's labels, or part of a note or caption."""
    return any(text == p or text in p for p in paragraphs(figure))


# ---- gallery figures, boxes and colours for the legibility tests ---------------------------------


def gallery() -> list[tuple[Any, Any]]:
    """Every gallery item with its animation (figure drawn on first use), built once."""
    global _GALLERY
    if _GALLERY is None:
        import convarith
        from convarith.gallery.catalogue import ALL

        _GALLERY = [
            (
                item,
                convarith.animate(
                    item.op,
                    item.input_shape,
                    view=item.view,
                    numerical=item.numerical,
                    **item.params,
                ),
            )
            for item in ALL
        ]
    return _GALLERY


_GALLERY: list[tuple[Any, Any]] | None = None

Box = tuple[float, float, float, float]


def label_box(t: Text) -> Box:
    """The box a line of text covers, from the bundled font's metrics: advance width, ascender to descender."""
    from convarith.figure.fonts import metrics, text_width

    m = metrics(t.bold)
    width = text_width(t.text, t.size, t.bold)
    half = (m.ascender - m.descender) / 2 / m.units_per_em * t.size
    x, y = t.position
    left = {"start": x, "middle": x - width / 2, "end": x - width}[t.anchor]
    return left, y - half, left + width, y + half


def shape_box(p: Polygon | Any) -> Box:
    """The box of a polygon or polyline, its stroke included."""
    xs, ys = zip(*p.points)
    pad = (p.stroke_width or 0.0) / 2 if p.stroke is not None else 0.0
    return min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad


def overlap(a: Box, b: Box) -> float:
    """How far two boxes overlap (the lesser of the two directions; <= 0: apart)."""
    return min(min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1]))


def frame_primitives(figure: Figure, index: int) -> list[Primitive]:
    """Frame ``index``'s primitives in drawing order."""
    return list(figure.frame(index))


def contains(points: tuple[tuple[float, float], ...], point: tuple[float, float]) -> bool:
    """Whether ``point`` is strictly inside the convex polygon ``points``."""
    signs = []
    n = len(points)
    for i in range(n):
        (x0, y0), (x1, y1) = points[i], points[(i + 1) % n]
        cross = (x1 - x0) * (point[1] - y0) - (y1 - y0) * (point[0] - x0)
        if abs(cross) < 1e-9:
            return False
        signs.append(cross > 0)
    return all(signs) or not any(signs)


def luminance(color: tuple[int, int, int]) -> float:
    """WCAG relative luminance, written from the WCAG 2 definition."""

    def linear(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((luminance(a), luminance(b)))
    return (lb + 0.05) / (la + 0.05)


def seen_values(
    prims: list[Primitive], paper: tuple[int, int, int]
) -> Iterator[tuple[Text, tuple[int, ...], tuple[int, ...]]]:
    """Each visible value text with its colour and its cell's colour, as composited on screen.

    A value's cell is what the filled polygons under its position make of the
    paper; polygons drawn after it tint text and cell alike.  A value drawn
    again at the same place by a later text is skipped (the later one shows).
    """
    for i, t in enumerate(prims):
        if not (isinstance(t, Text) and t.kind == "value"):
            continue
        cell: tuple[int, ...] = paper
        for p in prims[:i]:
            if isinstance(p, Polygon) and p.fill is not None and contains(p.points, t.position):
                cell = blend(cell, p.fill, p.fill_opacity)  # type: ignore[arg-type]
        ink: tuple[int, ...] = t.color
        covered = False
        for p in prims[i + 1 :]:
            if isinstance(p, Text) and p.kind == "value":
                if (
                    abs(p.position[0] - t.position[0]) < 0.5
                    and abs(p.position[1] - t.position[1]) < 0.5
                ):
                    covered = True
                    break
            elif isinstance(p, Polygon) and p.fill is not None and contains(p.points, t.position):
                if p.fill_opacity >= 1:
                    covered = True
                    break
                cell = blend(cell, p.fill, p.fill_opacity)  # type: ignore[arg-type]
                ink = blend(ink, p.fill, p.fill_opacity)  # type: ignore[arg-type]
        if not covered:
            yield t, ink, cell
