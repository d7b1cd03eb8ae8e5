"""A copy of a model on the meta device, with no data and no user hooks.

Examples
--------
>>> import torch.nn as nn
>>> model = nn.Conv2d(3, 8, 3)
>>> meta_copy(model).weight.device.type, model.weight.device.type
('meta', 'cpu')

"""

from __future__ import annotations

import copy
from typing import Any

import torch
from torch import nn
from torch.nn.parameter import UninitializedTensorMixin  # type: ignore[attr-defined]

from convarith.api.torch_trace.errors import _first_line
from convarith.core.errors import ConvArithError


def _meta(t: torch.Tensor) -> torch.Tensor:
    """A meta tensor like ``t``: same shape and dtype, no data (``empty_like`` would cost an import)."""
    return torch.empty(tuple(t.shape), dtype=t.dtype, device="meta")


def meta_copy(model: nn.Module) -> nn.Module:
    """A deep copy of ``model`` whose parameters and buffers are meta tensors.

    No tensor data is copied: every parameter and buffer is mapped to a new
    meta tensor before the copy starts, so the copy costs the same for a
    large model as for a small one.  The model itself is not modified.
    """
    memo: dict[int, Any] = {}
    for module in model.modules():
        for group in (module._parameters, module._buffers):
            for t in group.values():
                if t is None or id(t) in memo:
                    continue
                if isinstance(t, UninitializedTensorMixin):
                    continue  # a lazy module's: it has no shape yet
                meta = _meta(t)
                if isinstance(t, nn.Parameter):
                    meta = nn.Parameter(meta, requires_grad=t.requires_grad)
                memo[id(t)] = meta
        for value in vars(module).values():
            if isinstance(value, torch.Tensor) and id(value) not in memo:
                memo[id(value)] = _meta(value)
    try:
        return copy.deepcopy(model, memo)
    except Exception as error:
        raise ConvArithError(
            f"module={type(model).__name__} cannot be copied to trace it: {_first_line(error)}"
        ) from None
