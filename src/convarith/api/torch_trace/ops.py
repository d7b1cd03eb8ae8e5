"""Following tensors through calls: meta conversion, operation names and the operation families."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import torch


def _tensors(value: Any, depth: int = 0) -> Iterator[torch.Tensor]:
    """The tensors in a value, through tuples, lists and dicts."""
    if isinstance(value, torch.Tensor):
        yield value
    elif depth < 4 and isinstance(value, (tuple, list)):
        for item in value:
            yield from _tensors(item, depth + 1)
    elif depth < 4 and isinstance(value, dict):
        for item in value.values():
            yield from _tensors(item, depth + 1)


def _to_meta(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value if value.device.type == "meta" else value.to("meta")
    if isinstance(value, (tuple, list)):
        return type(value)(_to_meta(v) for v in value)
    if isinstance(value, dict):
        return {k: _to_meta(v) for k, v in value.items()}
    return value


def _call(func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    """Run an operation on the meta device; tensors made elsewhere (constants) move there first."""
    try:
        return func(*args, **kwargs)
    except (RuntimeError, NotImplementedError, TypeError):
        if not any(t.device.type != "meta" for t in _tensors((args, kwargs))):
            raise
    return func(*_to_meta(args), **_to_meta(kwargs))


def _op_name(func: Any) -> str:
    name = getattr(func, "__name__", "") or ""
    if name == "__get__":
        owner = getattr(func, "__self__", None)
        return "attr:" + str(getattr(owner, "__name__", "?"))
    return name


# --- the record -------------------------------------------------------------

#: Operations that return their input unchanged in layout: no row, the same node.
_ALIAS = frozenset(
    {
        "contiguous",
        "clone",
        "detach",
        "detach_",
        "to",
        "float",
        "double",
        "half",
        "bfloat16",
        "type",
        "type_as",
        "cpu",
        "cuda",
        "requires_grad_",
        "attr:data",
        "positive",
        "__pos__",
    }
)
#: Operations whose output holds no value of their input.
_CONSTANT = frozenset(
    {
        "zeros_like",
        "ones_like",
        "empty_like",
        "full_like",
        "rand_like",
        "randn_like",
        "randint_like",
        "new_zeros",
        "new_ones",
        "new_empty",
        "new_full",
        "new_tensor",
        "zero_",
        "fill_",
        "normal_",
        "uniform_",
        "attr:shape",
    }
)
_RESHAPE = frozenset(
    {
        "view",
        "reshape",
        "flatten",
        "unflatten",
        "view_as",
        "reshape_as",
        "squeeze",
        "unsqueeze",
        "ravel",
    }
)
_PERMUTE = frozenset(
    {
        "permute",
        "transpose",
        "swapaxes",
        "swapdims",
        "movedim",
        "moveaxis",
        "t",
        "attr:mT",
        "attr:T",
    }
)
_SPLIT = frozenset(
    {"chunk", "split", "tensor_split", "split_with_sizes", "narrow", "unbind", "select"}
)
_ALONG = {
    "softmax": 1,
    "log_softmax": 1,
    "softmin": 1,
    "cumsum": 1,
    "cumprod": 1,
    "logcumsumexp": 1,
    "cummax": 1,
    "cummin": 1,
    "sort": 1,
    "argsort": 1,
    "topk": 2,
    "normalize": 2,
}


def _display(name: str) -> str:
    """How an operation is named in the table: ``add_`` and ``__iadd__`` read ``add``."""
    name = name.removeprefix("attr:").strip("_")
    return name[1:] if name in ("iadd", "isub", "imul", "idiv", "radd", "rsub", "rmul") else name
