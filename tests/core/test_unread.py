"""unread_cells against PyTorch: the cells no window reads are those without gradient."""

from __future__ import annotations

from typing import Any

import pytest
import torch
from hypothesis import assume, given, settings

from convarith.core.unread import unread_cells
from support.core_torch import OPS, config, per_axis, pool_cells, run

NDIMS = (1, 2, 3)


def read_by_gradient(op: str, shape: tuple[int, ...], params: dict[str, Any]) -> torch.Tensor:
    """Gradient of the output's sum with all-ones weights: nonzero exactly at the cells read."""
    x = torch.ones(1, 1, *shape, dtype=torch.float64, requires_grad=True)
    w = None
    if op in ("conv", "conv_transpose"):
        w = torch.ones(1, 1, *per_axis(params["kernel_size"], len(shape)), dtype=torch.float64)
    run(op, x, w, params).sum().backward()
    assert x.grad is not None
    return x.grad[0, 0] != 0


@pytest.mark.parametrize("ndim", NDIMS)
@pytest.mark.parametrize("op", OPS)
def test_unread_cells_have_zero_gradient(op, ndim):
    @settings(max_examples=30 if ndim < 3 else 10, deadline=None)
    @given(cfg=config(op, ndim))
    def check(cfg):
        shape, params = cfg
        if op == "max_pool":
            # A max-pool's gradient reaches only each window's argmax: use one-hot inputs.
            read = torch.zeros(shape, dtype=torch.bool)
            for cells in pool_cells(op, shape, params).values():
                for q in cells:
                    read[q] = True
        else:
            read = read_by_gradient(op, shape, params)
        # An N-D cell is read when each of its coordinates is read on its axis; with no cell
        # read at all, the axes that do read something cannot be told apart: 1-D covers it.
        assume(ndim == 1 or bool(read.any()))
        expected = []
        for axis in range(ndim):
            others = tuple(n for n in range(ndim) if n != axis)
            used = read.any(dim=others) if others else read
            expected.append(tuple(int(n) for n in (~used).nonzero().flatten().tolist()))
        assert unread_cells(op, shape, **params) == tuple(expected)

    check()


def test_unread_cells_examples():
    # The docstring's example, and the three reasons a cell goes unread.
    assert unread_cells("conv", (6, 7), kernel_size=3, stride=2) == ((5,), ())
    assert unread_cells("conv", (7,), kernel_size=1, stride=3) == ((1, 2, 4, 5),)
    # o' = 5; cell q lands on 3q-3 and 3q-2: cells 0 and 3 land wholly outside.
    assert unread_cells("conv_transpose", (4,), kernel_size=2, stride=3, padding=3) == ((0, 3),)


# --------------------------------------------------------------------------- any parameters, bounded cost


def _unread_by_definition(op: str, shape: tuple[int, ...], params: dict[str, Any]) -> tuple:
    """One axis, every (window, tap) pair: the cells no pair reads (written from the definitions)."""
    from convarith.core.arithmetic import configure

    c = configure(op, shape, **params)
    (i,), (o,), (a,) = c.input_shape, c.output_shape, c.axes
    used = set()
    for r in range(o if op != "conv_transpose" else i):
        for t in range(a.kernel):
            if op == "conv_transpose":  # input r lands on output r*s - p + t*d
                if 0 <= r * a.stride - a.pad_lo + t * a.dilation < o:
                    used.add(r)
            else:
                x = r * a.stride - a.pad_lo + t * a.dilation
                if 0 <= x < i:
                    used.add(x)
    return (tuple(n for n in range(i) if n not in used),)


def test_unread_cells_by_definition_over_many_parameters():
    import random

    from convarith import ConvArithError

    rng = random.Random(5)
    checked = 0
    for _ in range(6000):
        op = rng.choice(OPS)
        i, k, s, d = rng.randint(1, 40), rng.randint(1, 7), rng.randint(1, 12), rng.randint(1, 12)
        params: dict[str, Any] = {"kernel_size": k, "stride": s}
        if op in ("max_pool", "avg_pool"):
            params.update(padding=rng.randint(0, k // 2), ceil_mode=rng.random() < 0.5)
            if op == "max_pool":
                params["dilation"] = d
        else:
            params.update(padding=rng.randint(0, 25), dilation=d)
        if op == "conv_transpose":
            params["output_padding"] = rng.randint(0, max(s, d) - 1)
        try:
            expected = _unread_by_definition(op, (i,), params)
        except ConvArithError:
            continue
        assert unread_cells(op, (i,), **params) == expected, (op, i, params)
        checked += 1
    assert checked > 3000


@pytest.mark.parametrize(
    ("op", "shape", "params", "expected"),
    [
        ("conv", (5,), {"kernel_size": 10**8, "padding": 5 * 10**7}, ((),)),
        ("conv", (5,), {"kernel_size": 3, "stride": 10**8}, ((3, 4),)),
        ("conv", (9,), {"kernel_size": 2, "dilation": 10**8, "padding": 10**8}, ((),)),
        ("conv_transpose", (5,), {"kernel_size": 10**8, "stride": 10**8 + 1}, ((),)),
        ("conv_transpose", (5,), {"kernel_size": 3, "dilation": 10**8, "padding": 10**8}, ((),)),
        ("max_pool", (5,), {"kernel_size": 10**8, "padding": 5 * 10**7, "stride": 7}, ((),)),
    ],
)
def test_huge_parameters_are_scanned_in_a_few_slices(op, shape, params, expected):
    import tracemalloc

    tracemalloc.start()
    try:
        assert unread_cells(op, shape, **params) == expected
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 500_000, peak


def test_scans_beyond_the_limits_are_refused_in_one_line():
    from convarith import ConvArithError
    from convarith.core.limits import MAX_SCAN_CELLS

    with pytest.raises(ConvArithError, match=f"limit {MAX_SCAN_CELLS}"):
        unread_cells("conv", (MAX_SCAN_CELLS + 1,), kernel_size=1)
