"""output_shape against PyTorch on thousands of random configurations, valid or not.

Each example builds the PyTorch module for the configuration and runs it on
``torch.zeros(1, 1, *input_shape)``.  convarith must give the tensor's spatial
shape when PyTorch runs, and raise ConvArithError (one line, blaming a
parameter whose rule is broken, with its value) exactly when PyTorch raises.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from convarith import ConvArithError, output_shape
from support.arith_oracle import OPS, TorchRefused, broken, check_message, configs, torch_shape

NDIMS = (1, 2, 3)
# 12 tests x 200 + 12 x 60 + 12 x 80 configurations.
MAIN = settings(max_examples=200, deadline=None)
STRINGS = settings(max_examples=60, deadline=None)
PAIRS = settings(max_examples=80, deadline=None)


def agree(op: str, shape: tuple[int, ...], params: dict[str, Any]) -> str:
    """Assert convarith and PyTorch agree; return "ok" or "refused"."""
    try:
        expected: tuple[int, ...] | None = torch_shape(op, shape, params)
        why = ""
    except TorchRefused as refusal:
        expected, why = None, str(refusal)
    try:
        got = output_shape(op, shape, **params)
    except ConvArithError as error:
        assert expected is None, f"convarith refuses ({error}) but PyTorch gives {expected}"
        check_message(str(error), op, shape, params)
        event(f"refused: {str(error).partition('=')[0]}")
        return "refused"
    assert expected is not None, f"convarith gives {got} but PyTorch refuses: {why}"
    assert got == expected
    assert not broken(op, shape, params)  # the oracle of broken rules agrees too
    event("accepted")
    return "ok"


@pytest.mark.parametrize("ndim", NDIMS)
@pytest.mark.parametrize("op", OPS)
@MAIN
@given(data=st.data())
def test_int_padding_matches_torch(op, ndim, data):
    shape, params = data.draw(configs(op, ndim))
    agree(op, shape, params)


@pytest.mark.parametrize("ndim", NDIMS)
@pytest.mark.parametrize("op", OPS)
@STRINGS
@given(data=st.data())
def test_padding_strings_match_torch(op, ndim, data):
    """valid/same against torch's conv, same_tf against F.pad + conv; other ops refuse strings."""
    shape, params = data.draw(configs(op, ndim, padding_form="string"))
    outcome = agree(op, shape, params)
    if op != "conv":
        assert outcome == "refused"


@pytest.mark.parametrize("ndim", NDIMS)
@pytest.mark.parametrize("op", OPS)
@PAIRS
@given(data=st.data())
def test_padding_pairs_match_torch(op, ndim, data):
    """(low, high) pairs: F.pad + conv; conv_transpose then cropping; pooling only equal sides."""
    shape, params = data.draw(configs(op, ndim, padding_form="pairs"))
    outcome = agree(op, shape, params)
    if op in ("max_pool", "avg_pool") and any(
        isinstance(p, tuple) and p[0] != p[1] for p in params["padding"]
    ):
        assert outcome == "refused"
