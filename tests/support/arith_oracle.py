"""PyTorch as the oracle of output sizes, and hypothesis strategies for configurations.

``torch_shape`` runs an operation, given with convarith's parameters, through
the matching PyTorch module on ``torch.zeros(1, 1, *input_shape)`` and returns
the spatial shape of the result, or raises :class:`TorchRefused` when PyTorch
raises anything (at module construction or in the forward pass).  The
parameters PyTorch has no spelling for are translated by hand:

* conv ``(low, high)`` padding pairs: ``F.pad`` then a convolution without padding;
* conv ``"same_tf"``: TensorFlow's SAME rule (computed here) with ``F.pad``;
* conv_transpose pairs: the transposed convolution without padding, then the
  first ``low`` and last ``high`` cells cropped (nothing left counts as refused);
* pooling pairs with equal sides: the int.

PyTorch runs with oneDNN (mkldnn) disabled: on CPU, oneDNN computes a transposed
convolution whose output has 0 cells on an axis (kernel wider than 3 on the
last two axes) and returns an empty tensor, where PyTorch's own shape check
(every other backend) refuses it as "Output size is too small";
``test_transposed_output_of_zero_cells`` shows both.

``broken`` names the parameters whose rules a configuration breaks, an
independent statement of the semantics page, so that tests can check that an
error message blames one of them.
"""

from __future__ import annotations

import ast
import math
import warnings
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from hypothesis import strategies as st

OPS = ("conv", "conv_transpose", "max_pool", "avg_pool")
POOLS = ("max_pool", "avg_pool")

_CONV = {1: torch.nn.Conv1d, 2: torch.nn.Conv2d, 3: torch.nn.Conv3d}
_CONV_T = {1: torch.nn.ConvTranspose1d, 2: torch.nn.ConvTranspose2d, 3: torch.nn.ConvTranspose3d}
_MAX = {1: torch.nn.MaxPool1d, 2: torch.nn.MaxPool2d, 3: torch.nn.MaxPool3d}
_AVG = {1: torch.nn.AvgPool1d, 2: torch.nn.AvgPool2d, 3: torch.nn.AvgPool3d}


class TorchRefused(Exception):
    """PyTorch raised (the original exception is the ``__cause__``)."""


def per_axis(value: Any, ndim: int) -> tuple[Any, ...]:
    """One value per axis: an int (or a string) stands for every axis."""
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return (value,) * ndim


def _run(make: Callable[[], torch.Tensor]) -> tuple[int, ...]:
    mkldnn = torch.backends.mkldnn.enabled
    try:
        torch.backends.mkldnn.enabled = False
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = make()
    except Exception as error:
        raise TorchRefused(f"{type(error).__name__}: {error}") from error
    finally:
        torch.backends.mkldnn.enabled = mkldnn
    return tuple(out.shape[2:])


def tf_same_padding(i: int, k: int, s: int, d: int) -> tuple[int, int]:
    """TensorFlow's SAME: output ``ceil(i/s)``, the odd zero at the end (written from its docs)."""
    o = math.ceil(i / s)
    need = max(0, (o - 1) * s + d * (k - 1) + 1 - i)
    return need // 2, need - need // 2


def _f_pad(pairs: list[tuple[int, int]]) -> list[int]:
    """``F.pad``'s argument: (low, high) of the LAST axis first."""
    flat: list[int] = []
    for lo, hi in reversed(pairs):
        flat += [lo, hi]
    return flat


def _is_pair(p: Any) -> bool:
    return isinstance(p, (tuple, list))


def torch_shape(op: str, input_shape: tuple[int, ...], params: dict[str, Any]) -> tuple[int, ...]:
    """Spatial output shape PyTorch computes, or :class:`TorchRefused`."""
    ndim = len(input_shape)
    x = torch.zeros(1, 1, *input_shape)
    kw = dict(params)
    padding = kw.pop("padding", 0)
    if op == "conv":
        return _torch_conv(x, ndim, kw, padding)
    if op == "conv_transpose":
        return _torch_conv_transpose(x, ndim, kw, padding)
    if not isinstance(padding, str):
        # convarith also takes (p, p) for p; PyTorch's pooling has no pairs, so an
        # unequal pair stays a pair and PyTorch refuses it.
        padding = tuple(
            p[0] if _is_pair(p) and len(p) == 2 and p[0] == p[1] else p
            for p in per_axis(padding, ndim)
        )
    if op == "max_pool":
        return _run(lambda: _MAX[ndim](padding=padding, **kw)(x))
    if all(d == 1 for d in per_axis(kw.get("dilation", 1), ndim)):
        kw.pop("dilation", None)  # AvgPool has no dilation parameter at all
    return _run(lambda: _AVG[ndim](padding=padding, **kw)(x))


def _torch_conv(x: torch.Tensor, ndim: int, kw: dict[str, Any], padding: Any) -> tuple[int, ...]:
    if padding == "same_tf":
        k, s, d = (per_axis(kw.get(n, 1), ndim) for n in ("kernel_size", "stride", "dilation"))
        if min(k + s + d) < 1:  # no rule for nonsense; the convolution refuses it below
            pairs = [(0, 0)] * ndim
        else:
            pairs = [tf_same_padding(*a) for a in zip(x.shape[2:], k, s, d)]
        return _run(lambda: _CONV[ndim](1, 1, padding=0, **kw)(F.pad(x, _f_pad(pairs))))
    if isinstance(padding, str) or not any(_is_pair(p) for p in per_axis(padding, ndim)):
        return _run(lambda: _CONV[ndim](1, 1, padding=padding, **kw)(x))
    pairs = [tuple(p) if _is_pair(p) else (p, p) for p in per_axis(padding, ndim)]
    if min(min(p) for p in pairs) < 0:
        # F.pad would crop; PyTorch's convolution refuses negative padding.
        raise TorchRefused("negative padding")
    return _run(lambda: _CONV[ndim](1, 1, padding=0, **kw)(F.pad(x, _f_pad(pairs))))


def _torch_conv_transpose(
    x: torch.Tensor, ndim: int, kw: dict[str, Any], padding: Any
) -> tuple[int, ...]:
    if isinstance(padding, str) or not any(_is_pair(p) for p in per_axis(padding, ndim)):
        return _run(lambda: _CONV_T[ndim](1, 1, padding=padding, **kw)(x))
    pairs = [tuple(p) if _is_pair(p) else (p, p) for p in per_axis(padding, ndim)]
    if min(min(p) for p in pairs) < 0:
        raise TorchRefused("negative padding")
    full = _run(lambda: _CONV_T[ndim](1, 1, padding=0, **kw)(x))
    cropped = tuple(len(range(lo, n - hi)) for n, (lo, hi) in zip(full, pairs))
    if min(cropped) < 1:
        raise TorchRefused(f"cropping {pairs} from {full} leaves nothing")
    return cropped


# -- which rules a configuration breaks ---------------------------------------------------


def _pool_out(i: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    num = i + 2 * p - d * (k - 1) - 1
    o = (num + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (o - 1) * s >= i + p:
        o -= 1
    return o


def broken(op: str, input_shape: tuple[int, ...], params: dict[str, Any]) -> set[str]:
    """Names of the parameters whose rules (semantics page) the configuration breaks."""
    ndim = len(input_shape)
    k = per_axis(params["kernel_size"], ndim)
    stride = params.get("stride")
    s = k if op in POOLS and stride is None else per_axis(1 if stride is None else stride, ndim)
    d = per_axis(params.get("dilation", 1), ndim)
    a = per_axis(params.get("output_padding", 0), ndim)
    padding = params.get("padding", 0)
    bad: set[str] = set()
    if min(k) < 1:
        bad.add("kernel_size")
    if min(s) < 1:
        bad.add("stride")
    if min(d) < 1 or (op == "avg_pool" and max(d) != 1):
        bad.add("dilation")
    if min(a) < 0 or any(ai >= max(si, di) for ai, si, di in zip(a, s, d)):
        bad.add("output_padding")
    if params.get("divisor_override") == 0:
        bad.add("divisor_override")
    if isinstance(padding, str):
        if op != "conv" or (padding == "same" and max(s) != 1):
            bad.add("padding")
        pairs = [(0, 0)] * ndim  # resolved below, when the rest is valid
    else:
        pairs = [tuple(p) if _is_pair(p) else (p, p) for p in per_axis(padding, ndim)]
        if min(min(p) for p in pairs) < 0:
            bad.add("padding")
        if op in POOLS and any(lo != hi or 2 * lo > ki for (lo, hi), ki in zip(pairs, k)):
            bad.add("padding")
    if bad:
        return bad
    for n, i in enumerate(input_shape):
        kn, sn, dn, (lo, hi) = k[n], s[n], d[n], pairs[n]
        if padding == "same":
            lo, hi = dn * (kn - 1) // 2, dn * (kn - 1) - dn * (kn - 1) // 2
        elif padding == "same_tf":
            lo, hi = tf_same_padding(i, kn, sn, dn)
        if op == "conv" and i + lo + hi < dn * (kn - 1) + 1:
            bad.add("kernel_size")
        if op == "conv_transpose" and (i - 1) * sn - lo - hi + dn * (kn - 1) + a[n] + 1 < 1:
            bad.add("padding")
        if op in POOLS and _pool_out(i, kn, sn, lo, dn, params.get("ceil_mode", False)) < 1:
            bad.add("kernel_size")
        if op == "avg_pool" and ndim == 3 and i < kn:
            # AvgPool3d wants input >= kernel, padding or not; either may be blamed
            bad.update(("kernel_size", "input_shape"))
    return bad


def _split_value(text: str) -> tuple[str, str]:
    """Split ``(1, (2, 3)) rest`` into its leading literal and the rest."""
    if text[:1] in "([":
        depth = 0
        for n, ch in enumerate(text):
            depth += ch in "(["
            depth -= ch in ")]"
            if depth == 0:
                return text[: n + 1], text[n + 1 :]
    if text[:1] in "'\"":
        end = text.index(text[0], 1)
        return text[: end + 1], text[end + 1 :]
    n = 0
    while n < len(text) and (text[n].isalnum() or text[n] in "-_"):
        n += 1
    return text[:n], text[n:]


def shown_values(value: Any, ndim: int) -> list[Any]:
    """The ways a message may show a parameter's value: as given, or one axis's value."""
    options = [value, tuple(value) if isinstance(value, list) else value]
    for v in per_axis(value, ndim):
        options.append(v)
        if _is_pair(v):
            options.append(tuple(v))
            if v[0] == v[1]:
                options.append(v[0])
    return options


def check_message(
    message: str, op: str, input_shape: tuple[int, ...], params: dict[str, Any]
) -> None:
    """Assert the message is one line, ``name=value ...``, blaming a parameter that is broken.

    The value shown must be the parameter's value as given or its value on one axis.
    """
    assert "\n" not in message, message
    name, sep, rest = message.partition("=")
    assert sep and name.isidentifier(), message
    expected = broken(op, input_shape, params)
    assert name in expected, f"{message!r} blames {name}, but the broken rules are {expected}"
    literal, _ = _split_value(rest)
    value = ast.literal_eval(literal)
    given = input_shape if name == "input_shape" else params.get(name)
    if op in POOLS and name == "stride" and given is None:
        given = params["kernel_size"]
    options = shown_values(given, len(input_shape))
    assert value in options, f"{message!r} shows {name}={value!r}, not one of {options}"


# -- strategies ----------------------------------------------------------------------------

_BAD_VALUES = {
    "kernel_size": (0, -1, -3),
    "stride": (0, -1),
    "dilation": (0, -1),
    "padding": (-1, -2),
    "output_padding": (-1,),
}
_APPLIES = {
    "conv": ("kernel_size", "stride", "dilation", "padding"),
    "conv_transpose": ("kernel_size", "stride", "dilation", "padding", "output_padding"),
    "max_pool": ("kernel_size", "stride", "dilation", "padding"),
    "avg_pool": ("kernel_size", "stride", "padding"),
}


def _axes(draw: st.DrawFn, values: st.SearchStrategy[int], ndim: int) -> list[int]:
    return [draw(values) for _ in range(ndim)]


def _form(draw: st.DrawFn, values: list[Any]) -> Any:
    """An int for every axis (axis 0's value), or one value per axis."""
    if draw(st.integers(0, 3)) == 0:
        return values[0]
    return tuple(values)


@st.composite
def configs(
    draw: st.DrawFn, op: str, ndim: int, padding_form: str = "int"
) -> tuple[tuple[int, ...], dict[str, Any]]:
    """A random configuration of ``op``, valid or not, with per-axis values.

    ``padding_form``: ``"int"`` (per-axis ints), ``"string"`` (valid, same,
    same_tf), ``"pairs"`` (a (low, high) pair or an int per axis).
    One configuration in three breaks one rule on one axis on purpose: a
    nonsense kernel, stride, dilation or padding (0 or negative), or a near
    miss (pooling padding just over half the kernel, output_padding equal to or
    just over max(stride, dilation)); kernels larger than the padded input and
    transposed outputs under one cell come by themselves.
    """
    shape = tuple(_axes(draw, st.integers(1, 12), ndim))
    kernel = _axes(draw, st.integers(1, 6 if op == "conv" else 5), ndim)
    stride = _axes(draw, st.integers(1, 4), ndim)
    dilation = _axes(draw, st.integers(1, 3), ndim)
    pad_max = {"conv": 3, "conv_transpose": 5}.get(op, 3)
    if op in POOLS:
        padding: list[Any] = [draw(st.integers(0, k // 2)) for k in kernel]
    else:
        padding = _axes(draw, st.integers(0, pad_max), ndim)
    output_padding = [draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation)]
    values = {
        "kernel_size": kernel,
        "stride": stride,
        "dilation": dilation,
        "padding": padding,
        "output_padding": output_padding,
    }
    bad = None if draw(st.integers(0, 2)) else draw(st.sampled_from(_APPLIES[op]))
    if bad is not None:
        n = draw(st.integers(0, ndim - 1))
        if bad == "padding" and op in POOLS and draw(st.booleans()):
            padding[n] = kernel[n] // 2 + draw(st.integers(1, 2))
        elif bad == "output_padding" and draw(st.booleans()):
            output_padding[n] = max(stride[n], dilation[n]) + draw(st.integers(0, 1))
        else:
            values[bad][n] = draw(st.sampled_from(_BAD_VALUES[bad]))
    if padding_form == "string" and draw(st.booleans()):
        stride = [1] * ndim  # padding="same" needs it
    params: dict[str, Any] = {"kernel_size": _form(draw, kernel)}
    if op in POOLS and draw(st.booleans()):
        pass  # stride defaults to the kernel size
    else:
        params["stride"] = _form(draw, stride)
    if op != "avg_pool":
        params["dilation"] = _form(draw, dilation)
    elif draw(st.integers(0, 4)) == 0:
        params["dilation"] = _form(draw, _axes(draw, st.integers(1, 2), ndim))
    if op == "conv_transpose":
        params["output_padding"] = _form(draw, output_padding)
    if op in POOLS:
        params["ceil_mode"] = draw(st.booleans())
    if op == "avg_pool":
        params["count_include_pad"] = draw(st.booleans())
        if ndim > 1:  # AvgPool1d has no divisor_override
            params["divisor_override"] = draw(st.sampled_from((None, None, 1, 3, -2, 0)))
    if padding_form == "string":
        params["padding"] = draw(st.sampled_from(("valid", "same", "same_tf")))
    elif padding_form == "pairs":
        for n in range(ndim):
            if draw(st.integers(0, 3)) > 0:
                high = draw(st.sampled_from((padding[n], *range(pad_max + 1))))
                if op in POOLS and draw(st.booleans()):
                    high = padding[n]  # accepted: the same as the int
                if bad == "padding" and draw(st.booleans()):
                    high = -1
                padding[n] = (padding[n], high)
        params["padding"] = tuple(padding)
    else:
        params["padding"] = _form(draw, padding)
    return shape, params
