"""PyTorch's connectivity of one operation, for the explorer's hover map.

* For convolutions, transposed convolutions and average pooling: the autograd
  Jacobian of the output with respect to the input, with all-ones weights
  (which input cells reach which output cell), and with respect to the
  weights, with an all-ones input (which weights each output cell uses).
* For max pooling, whose gradient reaches only each window's maximum: the
  window itself, from the pooling's forward pass on one-hot inputs (a window
  holding the one gives 1; padding is -inf to max pooling).

Cells are flat row-major indices, as the page numbers them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from support.core_torch import one_hots, per_axis, run


def _weights(op: str, ndim: int, params: dict[str, Any], value: float = 1.0) -> torch.Tensor | None:
    if op not in ("conv", "conv_transpose"):
        return None
    k = per_axis(params["kernel_size"], ndim)
    return torch.full((1, 1, *k), value, dtype=torch.float64)


def input_sets(op: str, shape: tuple[int, ...], params: dict[str, Any]) -> list[set[int]]:
    """Per output cell, the input cells it reads."""
    ndim = len(shape)
    if op == "max_pool":
        out = run(op, one_hots(shape), None, params)  # (inputs, 1, *out)
        flat = out.reshape(out.shape[0], -1)
        return [set(np.flatnonzero(flat[:, o].numpy() > 0).tolist()) for o in range(flat.shape[1])]
    w = _weights(op, ndim, params)

    def f(x: torch.Tensor) -> torch.Tensor:
        return run(op, x, w, params)

    x = torch.rand(1, 1, *shape, dtype=torch.float64)
    jac = torch.autograd.functional.jacobian(f, x)  # (1, 1, *out, 1, 1, *in)
    n_in = int(np.prod(shape))
    matrix = jac.reshape(-1, n_in)
    return [set(torch.nonzero(row).flatten().tolist()) for row in matrix]


def weight_sets(op: str, shape: tuple[int, ...], params: dict[str, Any]) -> list[set[int]]:
    """Per output cell, the weights it uses (convolutions only)."""
    ndim = len(shape)
    x = torch.ones(1, 1, *shape, dtype=torch.float64)
    w0 = _weights(op, ndim, params)
    assert w0 is not None

    def f(w: torch.Tensor) -> torch.Tensor:
        return run(op, x, w, params)

    jac = torch.autograd.functional.jacobian(f, w0)
    matrix = jac.reshape(-1, w0.numel())
    return [set(torch.nonzero(row).flatten().tolist()) for row in matrix]


def torch_params(params: dict[str, Any]) -> dict[str, Any]:
    """The explorer's parameters as ``support.core_torch.run`` takes them."""
    return dict(params)
