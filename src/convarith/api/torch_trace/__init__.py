"""Run a PyTorch module on the meta device and record its data flow for :mod:`convarith.core.graph`.

:func:`trace` works on a copy of the module that shares no memory with it:
the parameters and buffers are replaced by meta tensors, which hold no data.
The copy is in eval mode and has none of the module's forward hooks, so
nothing the user registered runs.  It then calls the copy on a meta input,
the way model-summary tools do.  Forward hooks record every module that runs,
and a :class:`~torch.overrides.TorchFunctionMode` records every operation
between modules (``+``, ``torch.cat``, ``F.interpolate``, ``x.flatten(1)``...).
Every tensor is followed by identity, so each record knows which records it
read.

Leaf modules convarith knows as a whole are recorded as one node each, with
their own parameters: convolutions, transposed convolutions, pooling, and the
shape-keeping layers (activations, normalisation, dropout).  Operations inside
other modules, including a module's own ``forward``, are recorded one by one
and named after the module that runs them.  A leaf module that ran exactly one
operation is named by its class.

For the operations it knows, the tracer computes the output shape itself
with convarith's arithmetic, without calling PyTorch's meta kernels.  Their
first call costs seconds of imports.  Any other operation runs on the meta
device as PyTorch defines it.  Its shape is then right, and its receptive
field is unknown (``rule="opaque"``), unless none of its inputs keeps spatial
axes.

What cannot be traced: a ``forward`` that reads tensor values (``.item()``,
``if x.sum() > 0``, boolean masks). There is no data on the meta device, so
:func:`trace` refuses with one line naming the module.

Examples
--------
>>> import torch.nn as nn
>>> model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.Flatten())
>>> traced = trace(model, (1, 3, 8, 8), 2)
>>> [(n.label, n.rule, n.shape) for n in traced.nodes]
[('0: Conv2d', 'layer', (1, 8, 6, 6)), ('1: ReLU', 'map', (1, 8, 6, 6)), ('2: Flatten', 'flat', (1, 288))]
>>> next(model.parameters()).device.type        # the model itself is untouched
'cpu'

"""

from __future__ import annotations

from convarith.api.torch_trace.layers import SHAPE_KEEPING, layer_of, module_ndim
from convarith.api.torch_trace.meta import meta_copy
from convarith.api.torch_trace.tracer import Traced, trace

__all__ = ["SHAPE_KEEPING", "Traced", "layer_of", "meta_copy", "module_ndim", "trace"]
