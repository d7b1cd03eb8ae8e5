"""PyTorch as the oracle for the core tests: configurations, connectivity and values.

Configurations are drawn with PyTorch's parameter names and always valid (each
strategy only draws sizes PyTorch accepts), small enough that a 3-D scene has a
few thousand taps at most.  Everything PyTorch has no spelling for is built
here by hand from the semantics page, never from convarith:

* conv ``(low, high)`` padding: ``F.pad`` then a convolution without padding;
* conv ``"same_tf"``: TensorFlow's SAME (``o = ceil(i/s)``, odd zero at the end);
* pooling windows, for the weight index of each tap: a convolution with the
  same kernel, stride and dilation over the input padded with ``p`` zeros on
  the left and enough on the right for every window ``ceil_mode`` adds
  (PyTorch's pooling windows sit where a convolution's do); which cells each
  window really reads comes from the pooling itself.
"""

from __future__ import annotations

import itertools
import math
import warnings
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import assume
from hypothesis import strategies as st

OPS = ("conv", "conv_transpose", "max_pool", "avg_pool")
POOLS = ("max_pool", "avg_pool")

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
_MAX = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}

# Per dimensionality: (max input, max kernel, max stride, max dilation).
_LIMITS = {1: (7, 4, 3, 3), 2: (5, 3, 3, 2), 3: (3, 3, 2, 2)}


def per_axis(value: Any, ndim: int) -> tuple[Any, ...]:
    """One value per axis: an int or a string stands for every axis."""
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return (value,) * ndim


def tf_same_padding(i: int, k: int, s: int, d: int) -> tuple[int, int]:
    """TensorFlow's SAME padding (written from the semantics page)."""
    o = math.ceil(i / s)
    need = max(0, (o - 1) * s + d * (k - 1) + 1 - i)
    return need // 2, need - need // 2


def f_pad(pairs: list[tuple[int, int]] | tuple[tuple[int, int], ...]) -> list[int]:
    """``F.pad``'s argument: (low, high) of the LAST axis first."""
    out: list[int] = []
    for lo, hi in reversed(list(pairs)):
        out += [lo, hi]
    return out


def pool_size(i: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """PyTorch's pooling output size (semantics page), to keep strategies valid."""
    k_eff = d * (k - 1) + 1
    o = (i + 2 * p - k_eff + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (o - 1) * s >= i + p:
        o -= 1
    return o


# --------------------------------------------------------------------------- strategies


@st.composite
def conv_config(
    draw: Any, ndim: int, forms: tuple[str, ...] | None = None
) -> tuple[tuple[int, ...], dict[str, Any]]:
    """A valid convolution: every padding form (int, per axis, pairs, valid, same, same_tf)."""
    imax, kmax, smax, dmax = _LIMITS[ndim]
    form = draw(st.sampled_from(forms or ("int", "axes", "pairs", "valid", "same", "same_tf")))
    ks = [draw(st.integers(1, kmax)) for _ in range(ndim)]
    ss = [1 if form == "same" else draw(st.integers(1, smax)) for _ in range(ndim)]
    ds = [draw(st.integers(1, dmax)) for _ in range(ndim)]
    pmax = 3 if ndim == 1 else 2
    if form == "int":
        p = draw(st.integers(0, pmax))
        pairs = [(p, p)] * ndim
        padding: Any = p
    elif form == "axes":
        ps = [draw(st.integers(0, pmax)) for _ in range(ndim)]
        pairs = [(p, p) for p in ps]
        padding = tuple(ps)
    elif form == "pairs":
        pairs = [(draw(st.integers(0, pmax)), draw(st.integers(0, pmax))) for _ in range(ndim)]
        padding = tuple(pairs)
    else:
        pairs = [(0, 0)] * ndim
        padding = form
    shape = []
    for k, d, (lo, hi) in zip(ks, ds, pairs):
        need = 1 if form in ("same", "same_tf") else max(1, d * (k - 1) + 1 - lo - hi)
        assume(need <= imax + 2)
        shape.append(draw(st.integers(need, max(need, imax))))
    params = {
        "kernel_size": _maybe_int(ks, draw),
        "stride": _maybe_int(ss, draw),
        "padding": padding,
        "dilation": _maybe_int(ds, draw),
    }
    return tuple(shape), params


@st.composite
def transposed_config(
    draw: Any, ndim: int, crop: bool = False
) -> tuple[tuple[int, ...], dict[str, Any]]:
    """A valid transposed convolution; ``crop``: padding above d(k-1) on the first axis."""
    imax, kmax, smax, dmax = _LIMITS[ndim]
    imax = min(imax, 4)
    ks, ss, ds, ps, outs, shape = [], [], [], [], [], []
    for axis in range(ndim):
        k = draw(st.integers(1, kmax))
        s = draw(st.integers(1, smax))
        d = draw(st.integers(1, dmax))
        a = draw(st.integers(0, max(s, d) - 1))
        i = draw(st.integers(1, imax))
        pmax = ((i - 1) * s + d * (k - 1) + a) // 2  # keeps o' >= 1
        if crop and axis == 0:
            assume(pmax > d * (k - 1))
            p = draw(st.integers(d * (k - 1) + 1, pmax))
        else:
            p = draw(st.integers(0, min(pmax, d * (k - 1) + 2)))
        ks.append(k), ss.append(s), ds.append(d), ps.append(p), outs.append(a), shape.append(i)
    params = {
        "kernel_size": _maybe_int(ks, draw),
        "stride": _maybe_int(ss, draw),
        "padding": _maybe_int(ps, draw),
        "dilation": _maybe_int(ds, draw),
        "output_padding": _maybe_int(outs, draw),
    }
    return tuple(shape), params


@st.composite
def pool_config(
    draw: Any, op: str, ndim: int, avg_options: bool = False
) -> tuple[tuple[int, ...], dict[str, Any]]:
    """A valid pooling (stride default or given, padding <= k/2, dilation for max, ceil_mode)."""
    imax, kmax, smax, dmax = _LIMITS[ndim]
    ks = [draw(st.integers(1, kmax)) for _ in range(ndim)]
    default_stride = draw(st.booleans())
    ss = ks if default_stride else [draw(st.integers(1, smax)) for _ in range(ndim)]
    ds = [draw(st.integers(1, dmax)) if op == "max_pool" else 1 for _ in range(ndim)]
    ps = [draw(st.integers(0, k // 2)) for k in ks]
    ceil_mode = draw(st.booleans())
    shape = []
    for k, s, d, p in zip(ks, ss, ds, ps):
        least = max(1, d * (k - 1) + 1 - 2 * p)
        if op == "avg_pool" and ndim == 3:
            least = max(least, k)  # PyTorch's avg_pool3d refuses an input smaller than the kernel
        i = draw(st.integers(least, max(imax, d * (k - 1) + 1)))
        assume(pool_size(i, k, s, p, d, ceil_mode) >= 1)
        shape.append(i)
    params: dict[str, Any] = {
        "kernel_size": _maybe_int(ks, draw),
        "padding": _maybe_int(ps, draw),
        "ceil_mode": ceil_mode,
    }
    if not default_stride:
        params["stride"] = _maybe_int(ss, draw)
    if op == "max_pool":
        params["dilation"] = _maybe_int(ds, draw)
    if avg_options:
        params["count_include_pad"] = draw(st.booleans())
        if ndim > 1:  # PyTorch's AvgPool1d has no divisor_override
            params["divisor_override"] = draw(st.one_of(st.none(), st.integers(1, 5)))
    return tuple(shape), params


def config(op: str, ndim: int) -> st.SearchStrategy[tuple[tuple[int, ...], dict[str, Any]]]:
    """A valid configuration of ``op``."""
    if op == "conv":
        return conv_config(ndim)
    if op == "conv_transpose":
        return transposed_config(ndim)
    return pool_config(op, ndim)


def _maybe_int(values: list[int], draw: Any) -> Any:
    """An int when every axis agrees (sometimes), else a tuple: both spellings get tested."""
    if len(set(values)) == 1 and draw(st.booleans()):
        return values[0]
    return tuple(values)


# --------------------------------------------------------------------------- running torch


def _pool_stride(params: dict[str, Any], ndim: int) -> tuple[int, ...]:
    stride = params.get("stride")
    return per_axis(params["kernel_size"], ndim) if stride is None else per_axis(stride, ndim)


def run(op: str, x: torch.Tensor, w: torch.Tensor | None, params: dict[str, Any]) -> torch.Tensor:
    """``op`` through ``torch.nn.functional`` on a batch ``x`` (N, C, *spatial), weights ``w``.

    For conv ``w`` is (out, in, *k); for conv_transpose (in, out, *k).
    """
    ndim = x.dim() - 2
    if op == "conv":
        assert w is not None
        k = per_axis(params["kernel_size"], ndim)
        s = per_axis(params.get("stride", 1), ndim)
        d = per_axis(params.get("dilation", 1), ndim)
        padding = params.get("padding", 0)
        if padding == "same_tf":
            pairs = [tf_same_padding(i, kk, ss, dd) for i, kk, ss, dd in zip(x.shape[2:], k, s, d)]
            return _CONV[ndim](F.pad(x, f_pad(pairs)), w, stride=s, dilation=d)
        if isinstance(padding, tuple) and any(isinstance(p, tuple) for p in padding):
            pairs = [p if isinstance(p, tuple) else (p, p) for p in padding]
            return _CONV[ndim](F.pad(x, f_pad(pairs)), w, stride=s, dilation=d)
        with warnings.catch_warnings():  # 'same' with an even kernel: PyTorch warns it copies
            warnings.simplefilter("ignore", UserWarning)
            return _CONV[ndim](x, w, stride=s, padding=padding, dilation=d)
    if op == "conv_transpose":
        assert w is not None
        return _CONV_T[ndim](
            x,
            w,
            stride=per_axis(params.get("stride", 1), ndim),
            padding=per_axis(params.get("padding", 0), ndim),
            output_padding=per_axis(params.get("output_padding", 0), ndim),
            dilation=per_axis(params.get("dilation", 1), ndim),
        )
    k = per_axis(params["kernel_size"], ndim)
    s = _pool_stride(params, ndim)
    p = per_axis(params.get("padding", 0), ndim)
    if op == "max_pool":
        return _MAX[ndim](
            x,
            k,
            stride=s,
            padding=p,
            dilation=per_axis(params.get("dilation", 1), ndim),
            ceil_mode=params.get("ceil_mode", False),
        )
    options = {
        "ceil_mode": params.get("ceil_mode", False),
        "count_include_pad": params.get("count_include_pad", True),
    }
    if ndim > 1:  # PyTorch's avg_pool1d has no divisor_override
        options["divisor_override"] = params.get("divisor_override")
    return _AVG[ndim](x, k, stride=s, padding=p, **options)


def one_hots(shape: tuple[int, ...]) -> torch.Tensor:
    """A batch of one-hot tensors, one per cell of ``shape``: (prod(shape), 1, *shape)."""
    n = int(np.prod(shape))
    return torch.eye(n, dtype=torch.float64).reshape(n, 1, *shape)


Pairs = dict[tuple[int, ...], set[tuple[tuple[int, ...], tuple[int, ...]]]]


def _pairs_from(out: torch.Tensor, in_shape: tuple[int, ...], k_shape: tuple[int, ...]) -> Pairs:
    """``out[q, t, *r]`` nonzero -> ``(input cell q, weight index t)`` taps of output cell ``r``."""
    result: Pairs = {r: set() for r in itertools.product(*(range(n) for n in out.shape[2:]))}
    for q, t, *r in out.nonzero().tolist():
        q_cell = tuple(int(v) for v in np.unravel_index(q, in_shape))
        t_cell = tuple(int(v) for v in np.unravel_index(t, k_shape))
        result[tuple(r)].add((q_cell, t_cell))
    return result


def conv_taps(op: str, shape: tuple[int, ...], params: dict[str, Any]) -> Pairs:
    """For every output cell, the (input cell, weight index) pairs that contribute to it.

    One pass: the batch holds one one-hot input per input cell, the weight one
    one-hot kernel per output channel, so ``out[q, t, r]`` is 1 exactly when
    input cell ``q`` times weight ``t`` is added into output cell ``r``.
    """
    ndim = len(shape)
    k = per_axis(params["kernel_size"], ndim)
    kn = int(np.prod(k))
    eye = torch.eye(kn, dtype=torch.float64)
    w = eye.reshape(kn, 1, *k) if op == "conv" else eye.reshape(1, kn, *k)
    out = run(op, one_hots(shape), w, params)
    return _pairs_from(out, shape, k)


def pool_cells(
    op: str, shape: tuple[int, ...], params: dict[str, Any]
) -> dict[tuple[int, ...], set[tuple[int, ...]]]:
    """For every output cell, the input cells its pooling window reads (one-hot inputs)."""
    x = one_hots(shape)
    out = run(op, x, None, params)
    result: dict[tuple[int, ...], set[tuple[int, ...]]] = {
        r: set() for r in itertools.product(*(range(n) for n in out.shape[2:]))
    }
    for q, _, *r in (out > 0).nonzero().tolist():
        result[tuple(r)].add(tuple(int(v) for v in np.unravel_index(q, shape)))
    return result


def pool_window_taps(op: str, shape: tuple[int, ...], params: dict[str, Any]) -> Pairs:
    """Pooling windows as convolution windows: (input cell, window position) per output cell.

    The input gets ``p`` zeros before and, after, ``p`` plus whatever the last
    ceil-mode window reaches beyond; a stride-``s``, dilation-``d`` convolution
    with one-hot kernels over it gives each window position's cell.
    """
    ndim = len(shape)
    k = per_axis(params["kernel_size"], ndim)
    s = _pool_stride(params, ndim)
    p = per_axis(params.get("padding", 0), ndim)
    d = per_axis(params.get("dilation", 1), ndim)
    o = tuple(run(op, torch.zeros(1, 1, *shape, dtype=torch.float64), None, params).shape[2:])
    pairs = []
    for i, kk, ss, pp, dd, oo in zip(shape, k, s, p, d, o):
        extra = max(0, (oo - 1) * ss + dd * (kk - 1) + 1 - (i + 2 * pp))
        pairs.append((pp, pp + extra))
    kn = int(np.prod(k))
    w = torch.eye(kn, dtype=torch.float64).reshape(kn, 1, *k)
    out = _CONV[ndim](F.pad(one_hots(shape), f_pad(pairs)), w, stride=s, dilation=d)
    assert tuple(out.shape[2:]) == o  # the windows are those of the pooling
    return _pairs_from(out, shape, k)


def torch_output_shape(op: str, shape: tuple[int, ...], params: dict[str, Any]) -> tuple[int, ...]:
    """Spatial output shape PyTorch gives."""
    ndim = len(shape)
    x = torch.zeros(1, 1, *shape, dtype=torch.float64)
    w = None
    if op in ("conv", "conv_transpose"):
        w = torch.zeros(1, 1, *per_axis(params["kernel_size"], ndim), dtype=torch.float64)
    return tuple(run(op, x, w, params).shape[2:])


def torch_shape_or_none(
    op: str, shape: tuple[int, ...], params: dict[str, Any]
) -> tuple[int, ...] | None:
    try:
        return torch_output_shape(op, shape, params)
    except RuntimeError:
        return None
