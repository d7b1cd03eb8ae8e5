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
