"""Seeded small integers for the numerical figures."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
from numpy.typing import NDArray

from convarith.core.errors import ConvArithError

__all__ = ["sample_values"]


def _int(name: str, value: object) -> int:
    if isinstance(value, bool):
        raise ConvArithError(f"{name}={value!r} must be an int, not a bool")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise ConvArithError(f"{name}={value!r} must be an int") from None


def sample_values(shape: Any, low: int, high: int, seed: int | None) -> NDArray[np.int64]:
    """Integers drawn uniformly from ``low..high`` (both included) by ``default_rng(seed)``.

    The original guide's numerical figures use inputs in ``0..3`` and kernel
    weights in ``0..2``.  The same seed always gives the same values.

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the result.
    low, high : int
        Smallest and largest value, inclusive.
    seed : int or None
        Seed of :func:`numpy.random.default_rng`; ``None`` draws fresh values.

    Returns
    -------
    numpy.ndarray of int64

    Raises
    ------
    ConvArithError
        When ``high < low`` or a size is negative.

    Examples
    --------
    >>> values = sample_values((5, 5), 0, 3, seed=1)
    >>> values.shape, int(values.min()) >= 0, int(values.max()) <= 3
    ((5, 5), True, True)
    >>> bool((sample_values(4, 0, 2, 7) == sample_values(4, 0, 2, 7)).all())
    True

    """
    lo, hi = _int("low", low), _int("high", high)
    if hi < lo:
        raise ConvArithError(f"high={hi} must be at least low={lo}")
    sizes = (
        tuple(_int("shape", n) for n in shape)
        if isinstance(shape, (tuple, list))
        else (_int("shape", shape),)
    )
    if any(n < 0 for n in sizes):
        raise ConvArithError(f"shape={sizes!r} must hold sizes of at least 0")
    if seed is not None:
        seed = _int("seed", seed)
    return np.random.default_rng(seed).integers(lo, hi, size=sizes, endpoint=True, dtype=np.int64)
