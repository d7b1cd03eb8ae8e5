"""Checking and normalising the arrays handed to the numerical operations.

Every public operation goes through here first, so that a wrong shape, dtype,
channel count or group count is refused with the same one-line
:class:`~convarith.core.errors.ConvArithError` whichever method computes it.

The dtype rule: integer and bool inputs compute in float64; floating inputs
keep numpy's promotion of their dtypes (float32 with float32 stays float32,
anything with float64 is float64).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from convarith.core.errors import ConvArithError

__all__ = [
    "METHODS",
    "Batch",
    "as_real_array",
    "check_bias",
    "check_groups",
    "check_method",
    "check_weight",
    "parse_groups",
    "pool_ndim",
    "result_dtype",
    "to_batch",
]

METHODS = ("gather", "scatter", "matrix")

_LAYOUT = {1: "L", 2: "H, W", 3: "D, H, W"}


def as_real_array(name: str, value: object) -> NDArray[Any]:
    """``value`` as a numpy array of real numbers (bool, int or float), or a ConvArithError."""
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise ConvArithError(
            f"{name} has dtype {array.dtype}; convarith computes with real numbers "
            "(bool, int or float arrays)"
        )
    return array


def result_dtype(*arrays: NDArray[Any]) -> np.dtype[Any]:
    """Return the dtype of a result: float64 for integers, numpy's promotion among floats.

    >>> import numpy as np
    >>> result_dtype(np.zeros(2, np.float32), np.zeros(2, np.float32))
    dtype('float32')
    >>> result_dtype(np.zeros(2, np.float32), np.zeros(2, np.int64))
    dtype('float64')
    """
    kinds = [a.dtype if a.dtype.kind == "f" else np.dtype(np.float64) for a in arrays]
    return np.result_type(*kinds)


def check_method(method: object) -> str:
    """Return ``method`` if it names one of :data:`METHODS`, else raise a ConvArithError."""
    if isinstance(method, str) and method in METHODS:
        return method
    raise ConvArithError(f"method={method!r} must be one of {', '.join(repr(m) for m in METHODS)}")


@dataclass(frozen=True, slots=True)
class Batch:
    """An input as ``(N, C, *spatial)``, remembering whether the caller gave it unbatched."""

    data: NDArray[Any]
    batched: bool

    @property
    def channels(self) -> int:
        """Number of channels."""
        return int(self.data.shape[1])

    @property
    def spatial(self) -> tuple[int, ...]:
        """Spatial sizes."""
        return tuple(int(n) for n in self.data.shape[2:])

    def restore(self, result: NDArray[Any]) -> NDArray[Any]:
        """Give ``result`` (batched) the caller's layout: drop the batch axis if they had none."""
        return result if self.batched else result[0]


def to_batch(x: NDArray[Any], ndim: int, op: str) -> Batch:
    """View ``x`` as ``(N, C, *spatial)`` for a ``ndim``-dimensional ``op``, as PyTorch does."""
    if x.ndim in (ndim + 1, ndim + 2):
        if x.shape[-ndim - 1] == 0:
            raise ConvArithError(f"x has shape {tuple(x.shape)}; it needs at least one channel")
        return Batch(x, True) if x.ndim == ndim + 2 else Batch(x[np.newaxis], False)
    raise ConvArithError(
        f"x has shape {tuple(x.shape)}; a {ndim}-D {op} takes (N, C, {_LAYOUT[ndim]}) "
        f"or unbatched (C, {_LAYOUT[ndim]})"
    )


def parse_groups(value: object) -> int:
    """Return ``groups`` as a positive int, or raise a ConvArithError.

    >>> parse_groups(2)
    2
    """
    if isinstance(value, bool):
        raise ConvArithError(f"groups={value!r} must be an int, not a bool")
    try:
        groups = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise ConvArithError(f"groups={value!r} must be an int") from None
    if groups < 1:
        raise ConvArithError(f"groups={groups} must be at least 1")
    return groups


def check_groups(
    op: str, x_channels: int, weight_shape: tuple[int, ...], groups: int
) -> tuple[int, int, int]:
    """Check channels against ``groups`` as PyTorch does; return ``(groups, c_in, c_out)``.

    ``weight_shape`` is ``(C_out, C_in/groups, *k)`` for ``conv`` and
    ``(C_in, C_out/groups, *k)`` for ``conv_transpose``.

    >>> check_groups("conv", 4, (6, 2, 3, 3), 2)
    (2, 4, 6)
    """
    g = groups
    shown = tuple(weight_shape)
    if op == "conv":
        c_in, c_out = weight_shape[1] * g, weight_shape[0]
        if x_channels % g:
            raise ConvArithError(f"groups={g} must divide in_channels={x_channels}")
        if c_out % g:
            raise ConvArithError(
                f"groups={g} must divide out_channels={c_out} (weight's first axis, "
                f"weight shape {shown})"
            )
        if x_channels != c_in:
            raise ConvArithError(
                f"weight of shape {shown} with groups={g} expects {c_in} input channels "
                f"({weight_shape[1]} per group); x has {x_channels}"
            )
        return g, c_in, c_out
    c_in, c_out = weight_shape[0], weight_shape[1] * g
    if x_channels % g:
        raise ConvArithError(f"groups={g} must divide in_channels={x_channels}")
    if x_channels != c_in:
        raise ConvArithError(
            f"weight of shape {shown} expects {c_in} input channels (its first axis); "
            f"x has {x_channels}"
        )
    return g, c_in, c_out


def check_bias(bias: object, c_out: int) -> NDArray[Any] | None:
    """Return ``bias`` as ``c_out`` values (or None); raise a ConvArithError for another shape."""
    if bias is None:
        return None
    array = as_real_array("bias", bias)
    if array.shape != (c_out,):
        raise ConvArithError(
            f"bias has shape {tuple(array.shape)}; it must hold one value per output "
            f"channel, shape ({c_out},)"
        )
    return array


def check_weight(weight: NDArray[Any]) -> int:
    """Return the number of spatial axes of a convolution weight ``(C_out, C_in/groups, *k)``."""
    if not 3 <= weight.ndim <= 5:
        raise ConvArithError(
            f"weight has shape {tuple(weight.shape)}; it must be (out, in/groups, *kernel) "
            "with 1, 2 or 3 kernel axes"
        )
    if 0 in weight.shape[:2]:
        raise ConvArithError(
            f"weight has shape {tuple(weight.shape)}; it needs at least one channel on its "
            "first two axes"
        )
    return weight.ndim - 2


def pool_ndim(x_ndim: int, ndim: int | None, per_axis: dict[str, object]) -> int:
    """Return a pooling's dimensionality: ``ndim``, else the length of a per-axis parameter.

    With only ints given, an input of 2 or 5 axes can only be 1-D unbatched or
    3-D batched; 3 or 4 axes are ambiguous (batched ``d``-D or unbatched
    ``d+1``-D), so the caller must say.

    >>> pool_ndim(4, None, {"kernel_size": (2, 2)})
    2
    >>> pool_ndim(2, None, {"kernel_size": 3})
    1
    """
    if ndim is not None:
        if isinstance(ndim, bool) or not isinstance(ndim, int) or not 1 <= ndim <= 3:
            raise ConvArithError(f"ndim={ndim!r} must be 1, 2 or 3")
        return ndim
    for value in per_axis.values():
        if isinstance(value, (list, tuple)) and 1 <= len(value) <= 3:
            return len(value)
    if x_ndim == 2:
        return 1
    if x_ndim == 5:
        return 3
    name, value = next(iter(per_axis.items()))
    if x_ndim in (3, 4):
        raise ConvArithError(
            f"{name}={value!r} does not say whether an input with {x_ndim} axes is a batched "
            f"{x_ndim - 2}-D or an unbatched {x_ndim - 1}-D one; give one size per axis "
            "or ndim="
        )
    raise ConvArithError(
        f"x has {x_ndim} ax{'is' if x_ndim == 1 else 'es'}; pooling takes (N, C, *spatial) "
        "or unbatched (C, *spatial) with 1, 2 or 3 spatial axes"
    )
