"""How an operation that keeps the spatial axes reads its inputs: :class:`AxisMap` and its rules.

A map says, per input and axis, which input cells each output cell reads
(see :mod:`convarith.core.graph`): :func:`axis_reads` gives them for one cell,
as PyTorch's kernels compute them.

Examples
--------
>>> axis_reads(AxisMap("same", 4, 4), 2)
(2, 2)

"""

from __future__ import annotations

import struct
from fractions import Fraction
from math import floor
from typing import Any

from convarith.core.errors import ConvArithError
from convarith.core.record import Record

__all__ = ["MAP_KINDS", "AxisMap", "axis_reads"]

#: The kinds of :class:`AxisMap`.
MAP_KINDS = (
    "same",
    "zero",
    "all",
    "affine",
    "offset",
    "adaptive",
    "nearest",
    "nearest_exact",
    "linear",
    "cubic",
    "reflect",
    "replicate",
    "circular",
    "shuffle",
    "unshuffle",
    "flip",
    "roll",
    "tile",
)


_F32 = struct.Struct("f")


def _f32(x: float) -> float:
    """``x`` rounded to a C ``float``, as PyTorch's resize kernels compute."""
    return float(_F32.unpack(_F32.pack(x))[0])


class AxisMap(Record):
    """Which cells of one input, along one axis, each output cell reads.

    ``size`` and ``out`` are the input's and the output's cells along the axis.
    ``args`` depend on ``kind``:

    - ``same``, ``zero``, ``all``, ``adaptive``, ``flip``, ``tile``: none.
    - ``affine``: ``(a, b)``, so cell ``u`` reads ``a + b*u``. This covers
      constant padding, ``a = -low``, and slicing, ``a = start, b = step``.
    - ``offset``: ``(off, first, last)``. A concatenation along the axis: this
      input fills ``[off, off + size)``, and the first and last inputs take
      the cells beyond the ends.
    - ``nearest``, ``nearest_exact``: ``(scale,)``, the ``scale_factor`` that
      PyTorch passes to its kernel, or ``None``.
    - ``linear``, ``cubic``: ``(align_corners, scale)``.
    - ``reflect``, ``replicate``, ``circular``: ``(low,)``, the padding
      before the axis.
    - ``shuffle``, ``unshuffle``: ``(r,)``, the upscale or downscale factor.
    - ``roll``: ``(shift,)``.

    Examples
    --------
    >>> axis_reads(AxisMap("adaptive", 7, 3), 1)
    (2, 4)

    """

    kind: str
    size: int
    out: int
    args: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in MAP_KINDS:
            raise ConvArithError(
                f"AxisMap kind={self.kind!r} must be one of {', '.join(MAP_KINDS)}"
            )


def _source(scale: Any, size: int, out: int) -> Fraction:
    """PyTorch's ``compute_scales_value``: ``1.0/scale`` (in double precision) when given, else ``size/out``."""
    if scale is not None and scale > 0:
        return Fraction(1.0 / scale)
    return Fraction(size, out)


def _step(scale: Any, size: int, out: int) -> Fraction:
    """Input cells per output cell of a resize: the rational that ``scale_factor`` stands for."""
    if scale is not None and scale > 0:
        return 1 / Fraction(scale).limit_denominator(1 << 20)
    return Fraction(size, out)


#: A sample point this close to a cell is on it: PyTorch's floating point puts it there or a
#: hair beside, where the neighbour's weight is of the order of 1e-16.
_ON_CELL = Fraction(1, 10**9)


def _snap(src: Fraction) -> Fraction:
    near = round(src)
    return Fraction(near) if abs(src - near) < _ON_CELL else src


def _interp_src(m: AxisMap, u: int, real: bool) -> Fraction:
    """Where output cell ``u`` samples the input, for linear and cubic resizing."""
    align, scale = m.args
    if align:
        s = Fraction(m.size - 1, m.out - 1) if m.out > 1 else Fraction(0)
        return _snap(s * u)
    src = _snap(_source(scale, m.size, m.out) * (2 * u + 1) / 2 - Fraction(1, 2))
    if real and m.kind == "linear" and src < 0:
        return Fraction(0)
    return src


def _nearest(m: AxisMap, u: int, real: bool) -> int:
    """PyTorch's ``nearest_idx`` and ``nearest_exact_idx``, with their ``float`` arithmetic."""
    size, out = m.size, m.out
    if m.kind == "nearest":
        if out == size:
            return u
        if out == 2 * size:
            return u >> 1
    (scale,) = m.args
    s = _f32(1.0 / scale) if scale is not None and scale > 0 else _f32(size / out)
    v = floor(_f32(u * s)) if m.kind == "nearest" else floor(_f32((u + 0.5) * s))
    return min(v, size - 1) if real else v


def axis_reads(m: AxisMap, u: int) -> tuple[int, int] | None:
    """The first and last input cell that output cell ``u`` reads along one axis, or None.

    For cells beyond the output's ends (the padding of a later layer), the
    rule goes on unclipped, as the receptive fields of a stack do.

    Examples
    --------
    >>> m = AxisMap("nearest", 3, 6, (2.0,))
    >>> [axis_reads(m, u) for u in range(6)]
    [(0, 0), (0, 0), (1, 1), (1, 1), (2, 2), (2, 2)]
    >>> axis_reads(AxisMap("linear", 4, 8, (False, None)), 3)
    (1, 2)

    """
    kind, size = m.kind, m.size
    real = 0 <= u < m.out
    if kind == "same":
        return u, u
    if kind == "zero":
        return 0, 0
    if kind == "all":
        return 0, size - 1
    if kind == "affine":
        a, b = m.args
        return a + b * u, a + b * u
    if kind == "offset":
        off, first, last = m.args
        if off <= u < off + size or (first and u < off) or (last and u >= off + size):
            return u - off, u - off
        return None
    if kind == "adaptive":
        return (u * size) // m.out, -((-(u + 1) * size) // m.out) - 1
    if kind in ("nearest", "nearest_exact"):
        v = _nearest(m, u, real)
        return v, v
    if kind == "linear":
        src = _interp_src(m, u, real)
        h0 = floor(src)
        if real:
            h0 = min(h0, size - 1)
        h1 = h0 + 1 if src != h0 and (not real or h0 < size - 1) else h0
        return h0, h1
    if kind == "cubic":
        src = _interp_src(m, u, real)
        x0 = floor(src)
        if not real:
            return (x0, x0) if src == x0 else (x0 - 1, x0 + 2)
        x0 = min(x0, size - 1)
        t = min(max(src - x0, Fraction(0)), Fraction(1))

        def clamp(v: int) -> int:
            return min(max(v, 0), size - 1)

        if t == 0:
            return clamp(x0), clamp(x0)
        if t == 1:
            return clamp(x0 + 1), clamp(x0 + 1)
        return clamp(x0 - 1), clamp(x0 + 2)
    if kind in ("reflect", "replicate", "circular"):
        v = u - m.args[0]
        if not real:
            return v, v
        if kind == "reflect":
            v = -v if v < 0 else v
            v = 2 * (size - 1) - v if v > size - 1 else v
        elif kind == "replicate":
            v = min(max(v, 0), size - 1)
        else:
            v %= size
        return v, v
    if kind == "shuffle":
        return u // m.args[0], u // m.args[0]
    if kind == "unshuffle":
        r = m.args[0]
        return u * r, u * r + r - 1
    if kind == "flip":
        return size - 1 - u, size - 1 - u
    if kind == "roll":
        v = u - m.args[0]
        return (v % size, v % size) if real else (v, v)
    # tile: repeat along the axis
    if real:
        return u % size, u % size
    v = u if u < 0 else u - (m.out - size)
    return v, v


def _map_jump(m: AxisMap, jump: Fraction) -> Fraction | None:
    """The jump after a map, from the jump before it; None when the axis is read whole."""
    kind = m.kind
    if kind in ("zero", "all"):
        return None
    if kind == "affine":
        return jump * int(m.args[1])
    if kind in ("adaptive", "nearest", "nearest_exact"):
        scale = m.args[0] if kind != "adaptive" else None
        return jump * _step(scale, m.size, m.out)
    if kind in ("linear", "cubic"):
        align, scale = m.args
        if align:
            return jump * Fraction(m.size - 1, m.out - 1) if m.out > 1 else None
        return jump * _step(scale, m.size, m.out)
    if kind == "shuffle":
        return jump / int(m.args[0])
    if kind == "unshuffle":
        return jump * int(m.args[0])
    return jump
