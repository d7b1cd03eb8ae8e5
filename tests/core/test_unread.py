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
