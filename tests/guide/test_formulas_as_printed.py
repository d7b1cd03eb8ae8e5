"""Every formula the guide prints, evaluated as printed, against convarith and PyTorch.

The formulas are read back from the guide's Typst source (``#formula``,
``#worked``, ``#product`` calls and the reference tables) and evaluated by
the small evaluator of ``support.printed_math``, never by the code the core
uses.  Each formula key has a setting here: the configurations it claims to
hold for, enumerated over a modest range of sizes.  In every configuration
the printed formula must give what PyTorch gives (1-D, on tiny tensors), and
``convarith.output_shape`` (or the library function the formula belongs to)
must agree with PyTorch too.  Configurations PyTorch refuses are skipped, and
convarith must refuse them as well.
"""

from __future__ import annotations

import functools
import itertools
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import pytest
import torch
import torch.nn.functional as F

import convarith
from convarith.core.errors import ConvArithError
from convarith.guide.document import guide_source
from support.core_torch import torch_shape_or_none
from support.printed_math import Formula, MathError, bindings, calls, evaluate, parse, substitute

Env = dict[str, int]

INPUTS = range(1, 13)  # input sizes
KERNELS = range(1, 6)  # kernel sizes
STRIDES = range(1, 5)  # strides
PADS = range(0, 4)  # paddings
DILATIONS = range(1, 4)  # dilations
SIDES = range(0, 3)  # zeros on one side, when the two sides differ


@pytest.fixture(autouse=True, scope="module")
def one_thread() -> Iterator[None]:
    """Tiny tensors: PyTorch's thread pool would only add overhead, a lot on a busy machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@functools.cache
def source() -> tuple[str, dict[str, object]]:
    text, figures = guide_source()
    return text, {f.name: f for f in figures}


# --------------------------------------------------------------------------- oracles


def both(op: str, i: int, **params: object) -> int | None:
    """Output size along one axis from PyTorch and from ``convarith.output_shape``, which must agree.

    None when PyTorch refuses the configuration (and then convarith must refuse it too).
    """
    torch_size = torch_shape_or_none(op, (i,), dict(params))
    torch_o = torch_size[0] if torch_size and torch_size[0] >= 1 else None
    try:
        library_o: int | None = convarith.output_shape(op, (i,), **params)[0]
    except ConvArithError:
        library_o = None
    assert library_o == torch_o, f"{op} i={i} {params}: convarith {library_o}, PyTorch {torch_o}"
    return torch_o


def torch_padded_size(i: int, total: int, k: int, s: int, d: int) -> int | None:
    """PyTorch's conv output size over ``i`` cells with ``total`` zeros added."""
    x = torch.zeros(1, 1, i + total, dtype=torch.float64)
    try:
        return F.conv1d(x, torch.zeros(1, 1, k, dtype=torch.float64), stride=s, dilation=d).shape[
            -1
        ]
    except RuntimeError:
        return None


def total_for(i: int, target: int, k: int, s: int, d: int) -> int:
    """The fewest zeros that make PyTorch's convolution of ``i`` cells give ``target`` cells."""
    for total in range(0, 40):
        size = torch_padded_size(i, total, k, s, d)
        if size is not None and size >= target:
            return total
    raise AssertionError(f"no padding gives {target} cells (i={i}, k={k}, s={s}, d={d})")


def _values(n: int, seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(1, 1, n, generator=generator, dtype=torch.float64) + 0.5


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Case:
    """One configuration: the numbers the formula may use, and the true value of its left-hand side."""

    env: Env
    truth: int
    what: str


@dataclass(frozen=True, eq=False)
class Domain:
    """What a formula claims: its left-hand side and names, and the configurations it holds for.

    ``edge``, for the ``ceil_mode`` formulas: PyTorch drops the last window
    when it starts at or past this cell of the padded input, which the
    printed formula does not show; such a formula may exceed PyTorch's size
    by one exactly then.
    """

    lhs: str
    names: frozenset[str]
    setting: str
    generate: Callable[[Env], Iterator[Case]]
    edge: Callable[[Env], int] | None = None

    def cases(self, fixed: Env | None = None) -> list[Case]:
        """The configurations, those agreeing with ``fixed`` (a worked example's bindings) only."""
        fixed = fixed or {}
        return _cases(self, tuple(sorted(fixed.items())))


@functools.cache
def _cases(domain: Domain, fixed: tuple[tuple[str, int], ...]) -> list[Case]:
    bound = dict(fixed)
    return [
        case
        for case in domain.generate(bound)
        if all(case.env.get(name) == value for name, value in bound.items())
    ]


def grid(fixed: Env, **ranges: Iterable[int]) -> Iterator[Env]:
    """Every combination of ``ranges``; a name ``fixed`` binds takes only its bound value."""
    names = list(ranges)
    axes = [[fixed[n]] if n in fixed else list(ranges[n]) for n in names]
    for values in itertools.product(*axes):
        yield dict(zip(names, values))


def size_domain(
    lhs: str,
    setting: str,
    ops: tuple[str, ...],
    ranges: dict[str, Iterable[int]],
    derive: Callable[[Env], Env | None],
    build: Callable[[str, Env], tuple[int, dict[str, object]] | None],
    edge: Callable[[Env], int] | None = None,
    names: str = "",
) -> Domain:
    """An output-size formula: ``derive`` completes (or rejects) each combination, ``build`` the op."""

    def generate(fixed: Env) -> Iterator[Case]:
        for combo in grid(fixed, **ranges):
            env = derive(combo)
            if env is None:
                continue
            for op in ops:
                built = build(op, env)
                if built is None:
                    continue
                i, params = built
                o = both(op, i, **params)
                if o is not None:
                    yield Case(env, o, f"{op} i={i} {params}")

    return Domain(lhs, frozenset(names.split()), setting, generate, edge)


def conv_params(op: str, e: Env) -> tuple[int, dict[str, object]]:
    params: dict[str, object] = {"kernel_size": e["k"], "stride": e["s"], "padding": e["p"]}
    if op != "avg_pool":
        params["dilation"] = e["d"]
    if op in ("max_pool", "avg_pool"):
        params["ceil_mode"] = bool(e.get("ceil", 0))
    return e["i"], params


def transposed_params(op: str, e: Env) -> tuple[int, dict[str, object]]:
    return e["i'"], {
        "kernel_size": e["k"],
        "stride": e["s"],
        "padding": e["p"],
        "dilation": e["d"],
        "output_padding": e["a"],
    }


def padded_params(op: str, e: Env) -> tuple[int, dict[str, object]]:
    """Different padding before and after: a padded input for pooling (``F.pad``), pairs for conv."""
    if op == "conv":
        return e["i"], {
            "kernel_size": e["k"],
            "stride": e["s"],
            "padding": ((e["p_lo"], e["p_hi"]),),
            "dilation": e["d"],
        }
    i, params = conv_params(op, {**e, "p": 0})
    return i + e["p_lo"] + e["p_hi"], params


def with_(**constants: int) -> Callable[[Env], Env]:
    return lambda e: {**constants, **e}


def conv_relationship(
    lhs: str, setting: str, derive: Callable[[Env], Env | None], **ranges: Iterable[int]
) -> Domain:
    return size_domain(lhs, setting, ("conv",), ranges, derive, conv_params, names="i k s p d")


def transposed_relationship(
    setting: str, derive: Callable[[Env], Env | None], **ranges: Iterable[int]
) -> Domain:
    return size_domain(
        "o'", setting, ("conv_transpose",), ranges, derive, transposed_params, names="i' k s p d a"
    )


def _odd_half(e: Env) -> Env | None:
    return {**e, "p": e["k"] // 2, "s": 1, "d": 1} if e["k"] % 2 else None


def _full(e: Env) -> Env:
    return {**e, "p": e["k"] - 1, "s": 1, "d": 1}


def _below_stride(e: Env) -> Env | None:
    return e if e["a"] < e["s"] else None


def _below_stride_or_dilation(e: Env) -> Env | None:
    return e if e["a"] < max(e["s"], e["d"]) else None


# ----------------------------------------------------------------- settings that are not sizes


def shared(generate: Callable[[Env], Iterator[Case]]) -> Callable[[Env], Iterator[Case]]:
    """``generate`` run once per set of bound values (several formulas share its configurations)."""

    @functools.cache
    def run(fixed: tuple[tuple[str, int], ...]) -> list[Case]:
        return list(generate(dict(fixed)))

    return lambda fixed: iter(run(tuple(sorted(fixed.items()))))


#: Longer than any padding here, so that every split of the zeros gives other values.
LONG = 16


def _same(x: torch.Tensor, w: torch.Tensor, d: int) -> torch.Tensor:
    with warnings.catch_warnings():  # an odd total: PyTorch warns that it pads a copy
        warnings.simplefilter("ignore", UserWarning)
        return F.conv1d(x, w, padding="same", dilation=d)


@functools.cache
def _same_split(k: int, d: int) -> tuple[int, int]:
    """The one split of zeros (F.pad) that gives PyTorch's padding='same' values on a long input."""
    x, w = _values(LONG, LONG), _values(k, 100 + k)
    same = _same(x, w, d)
    total = total_for(LONG, LONG, k, 1, d)
    splits = [
        lo
        for lo in range(total + 1)
        if torch.allclose(
            F.conv1d(F.pad(x, (lo, total - lo)), w, dilation=d), same, rtol=0, atol=1e-12
        )
    ]
    assert len(splits) == 1, f"padding='same' k={k} d={d}: splits {splits}"
    return splits[0], total - splits[0]


@shared
def same_generate(fixed: Env) -> Iterator[Case]:
    """PyTorch's padding='same': its split of the zeros, the same values with F.pad at every size."""
    for e in grid(fixed, i=INPUTS, k=KERNELS, d=DILATIONS):
        i, k, d = e["i"], e["k"], e["d"]
        lo, hi = _same_split(k, d)
        x, w = _values(i, i), _values(k, 100 + k)
        same = _same(x, w, d)
        assert same.shape[-1] == i
        assert torch.allclose(F.conv1d(F.pad(x, (lo, hi)), w, dilation=d), same, rtol=0, atol=1e-12)
        library = convarith.configure("conv", (i,), kernel_size=k, dilation=d, padding="same")
        assert library.padding == ((lo, hi),) and library.output_shape == (i,)
        yield Case({**e, "s": 1, "side": 0}, lo, f"padding='same' i={i} k={k} d={d}")
        yield Case({**e, "s": 1, "side": 1, "p_lo": lo}, hi, f"padding='same' i={i} k={k} d={d}")


def same_side(side: int) -> Callable[[Env], Iterator[Case]]:
    def generate(fixed: Env) -> Iterator[Case]:
        for case in same_generate({n: v for n, v in fixed.items() if n != "p_lo"}):
            if case.env["side"] == side:
                yield case

    return generate


@shared
def same_tf_generate(fixed: Env) -> Iterator[Case]:
    """TensorFlow's SAME as convarith resolves it, its output size and total checked with PyTorch.

    Tagged by ``part``: 0 the output size (PyTorch's size with the library's
    zeros), 1 the total (the fewest zeros that give that size in PyTorch),
    2 and 3 the zeros before and after (the library's split of that total).
    """
    for e in grid(fixed, i=INPUTS, k=KERNELS, s=STRIDES, d=DILATIONS):
        i, k, s, d = e["i"], e["k"], e["s"], e["d"]
        library = convarith.configure(
            "conv", (i,), kernel_size=k, stride=s, dilation=d, padding="same_tf"
        )
        ((lo, hi),) = library.padding
        o = torch_padded_size(i, lo + hi, k, s, d)
        assert o == library.output_shape[0], f"same_tf i={i} k={k} s={s} d={d}"
        total = total_for(i, o, k, s, d)
        assert lo + hi == total, f"same_tf i={i} k={k} s={s} d={d}: {lo}+{hi} zeros, fewest {total}"
        what = f"padding='same_tf' i={i} k={k} s={s} d={d}"
        yield Case({**e, "part": 0}, o, what)
        yield Case({**e, "part": 1, "o": o}, total, what)
        yield Case({**e, "part": 2, "o": o, "p_total": total}, lo, what)
        yield Case({**e, "part": 3, "o": o, "p_total": total, "p_lo": lo}, hi, what)


def same_tf_part(part: int) -> Callable[[Env], Iterator[Case]]:
    def generate(fixed: Env) -> Iterator[Case]:
        primaries = {n: v for n, v in fixed.items() if n in ("i", "k", "s", "d")}
        for case in same_tf_generate(primaries):
            if case.env["part"] == part:
                yield case

    return generate


@shared
def causal_generate(fixed: Env) -> Iterator[Case]:
    """The one split of zeros (F.pad) that keeps the length at stride 1 and reads no later cell.

    The inputs are longer than any padding here, so that a split reaching
    one cell ahead has a cell there to read.
    """
    for e in grid(fixed, i=range(13, 17), k=KERNELS, d=DILATIONS):
        i, k, d = e["i"], e["k"], e["d"]
        total = total_for(i, i, k, 1, d)
        hots = torch.eye(i, dtype=torch.float64).reshape(i, 1, i)
        ones = torch.ones(1, 1, k, dtype=torch.float64)
        causal = []
        for lo in range(total + 1):
            # reads[q, t]: whether output cell t reads input cell q.
            reads = F.conv1d(F.pad(hots, (lo, total - lo)), ones, dilation=d)[:, 0, :]
            assert reads.shape[-1] == i
            if not torch.tril(reads, diagonal=-1).any():  # no output t reads a cell q > t
                causal.append(lo)
        assert len(causal) == 1, f"causal i={i} k={k} d={d}: splits {causal}"
        lo, hi = causal[0], total - causal[0]
        assert both("conv", i, kernel_size=k, padding=((lo, hi),), dilation=d) == i
        yield Case({**e, "s": 1, "side": 0}, lo, f"causal i={i} k={k} d={d}")
        yield Case({**e, "s": 1, "side": 1}, hi, f"causal i={i} k={k} d={d}")


def causal_side(side: int) -> Callable[[Env], Iterator[Case]]:
    def generate(fixed: Env) -> Iterator[Case]:
        for case in causal_generate(fixed):
            if case.env["side"] == side:
                yield case

    return generate


@functools.cache
def _layer(k: int, s: int, p: int, d: int) -> torch.nn.ConvTranspose1d:
    return torch.nn.ConvTranspose1d(1, 1, k, stride=s, padding=p, dilation=d)


def restoring_generate(fixed: Env) -> Iterator[Case]:
    """The one output_padding with which PyTorch's transposed convolution gives back ``i``."""
    for e in grid(fixed, i=INPUTS, k=KERNELS, s=STRIDES, p=PADS, d=DILATIONS):
        i, k, s, p, d = e["i"], e["k"], e["s"], e["p"], e["d"]
        o = both("conv", i, kernel_size=k, stride=s, padding=p, dilation=d)
        if o is None:
            continue
        params = {"kernel_size": k, "stride": s, "padding": p, "dilation": d}
        restoring = [
            a
            for a in range(max(s, d))
            if both("conv_transpose", o, output_padding=a, **params) == i
        ]
        assert len(restoring) == 1, f"conv i={i} {params}: output_padding {restoring} give back i"
        assert convarith.restoring_output_padding((i,), **params) == (restoring[0],)
        with torch.no_grad():
            assert _layer(k, s, p, d)(torch.zeros(1, 1, o), output_size=[i]).shape[-1] == i
        yield Case(e, restoring[0], f"conv i={i} {params}, then conv_transpose of its {o} cells")


def stretched_generate(fixed: Env) -> Iterator[Case]:
    """A stride-``s`` transposed convolution with a 1-cell kernel of 1 is the stretched input itself."""
    for e in grid(fixed, **{"i'": INPUTS, "s": STRIDES}):
        n, s = e["i'"], e["s"]
        x = _values(n, n)
        stretched = F.conv_transpose1d(x, torch.ones(1, 1, 1, dtype=torch.float64), stride=s)
        assert torch.equal(stretched[..., ::s], x)
        assert stretched.count_nonzero() == n  # s - 1 zeros between neighbours
        for k in (1, 3):
            eq = convarith.equivalent_direct_conv((n,), kernel_size=k, stride=s)
            assert eq.stretched_shape == (stretched.shape[-1],)
        yield Case(e, stretched.shape[-1], f"conv_transpose i'={n} s={s}")


def equivalent_generate(fixed: Env) -> Iterator[Case]:
    """The zeros per side (negative: cropped) with which a stride-1 convolution of the stretched
    input and the flipped kernel gives PyTorch's transposed convolution, found by search."""
    for e in grid(
        fixed,
        **{
            "i'": range(1, 6),
            "k": range(1, 5),
            "s": range(1, 4),
            "p": PADS,
            "d": DILATIONS,
            "a": range(3),
        },
    ):
        n, k, s, p, d, a = e["i'"], e["k"], e["s"], e["p"], e["d"], e["a"]
        params = {"kernel_size": k, "stride": s, "padding": p, "dilation": d, "output_padding": a}
        if both("conv_transpose", n, **params) is None:
            continue
        x, w = _values(n, n), _values(k, 50 + k)
        transposed = F.conv_transpose1d(x, w, stride=s, padding=p, output_padding=a, dilation=d)
        stretched = torch.zeros(1, 1, (n - 1) * s + 1, dtype=torch.float64)
        stretched[..., ::s] = x
        found = []
        for zeros in range(-8, 14):
            # Only a padded length the kernel fits o' times can give o' values.
            if stretched.shape[-1] + 2 * zeros + a - d * (k - 1) != transposed.shape[-1]:
                continue
            try:  # a negative number of zeros crops; too many cropped is refused
                direct = F.conv1d(F.pad(stretched, (zeros, zeros + a)), w.flip(-1), dilation=d)
            except RuntimeError:
                continue
            if direct.shape == transposed.shape and torch.allclose(
                direct, transposed, rtol=0, atol=1e-12
            ):
                found.append(zeros)
        assert len(found) == 1, f"conv_transpose i'={n} {params}: zeros per side {found}"
        eq = convarith.equivalent_direct_conv((n,), **params)
        assert eq.padding == ((found[0], found[0] + a),)
        yield Case(e, found[0], f"conv_transpose i'={n} {params}")


def dilated_generate(fixed: Env) -> Iterator[Case]:
    """The cells a dilated kernel spans: the shortest input PyTorch's convolution accepts."""
    for e in grid(fixed, k=KERNELS, d=DILATIONS):
        k, d = e["k"], e["d"]
        shortest = next(
            i for i in range(1, 40) if both("conv", i, kernel_size=k, dilation=d) is not None
        )
        assert both("conv", shortest, kernel_size=k, dilation=d) == 1
        yield Case(e, shortest, f"conv k={k} d={d}")


STACK_INPUT = 60


def _reaches(layers: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """First and last input cell that output cells 0 and 1 of each layer depend on.

    Autograd through convolutions with weights of 1: one batch item per
    (layer, output cell), one backward pass for all of them.
    """
    wanted = [(depth, cell) for depth in range(1, len(layers) + 1) for cell in (0, 1)]
    x = torch.ones(len(wanted), 1, STACK_INPUT, dtype=torch.float64, requires_grad=True)
    outputs, y = [], x
    for k, s, d in layers:
        y = F.conv1d(y, torch.ones(1, 1, k, dtype=torch.float64), stride=s, dilation=d)
        outputs.append(y)
    sum(outputs[depth - 1][n, 0, cell] for n, (depth, cell) in enumerate(wanted)).backward()
    assert x.grad is not None
    reaches = []
    for n in range(len(wanted)):
        hits = x.grad[n, 0].nonzero().flatten().tolist()
        reaches.append((hits[0], hits[-1]))
    return reaches


@shared
def stack_generate(fixed: Env) -> Iterator[Case]:
    """Two-layer stacks: receptive field (autograd) and jump, after the first and the second layer."""
    ranges = {
        "k1": range(1, 4),
        "s1": range(1, 4),
        "d1": range(1, 3),
        "k": range(1, 5),
        "s": range(1, 4),
        "d": DILATIONS,
    }
    for e in grid(fixed, **ranges):
        layers = [(e["k1"], e["s1"], e["d1"]), (e["k"], e["s"], e["d"])]
        (first0, last0), (first1, _), (second0, second_last0), (second1, _) = _reaches(layers)
        r_in, j_in = last0 - first0 + 1, first1 - first0
        r_out, j_out = second_last0 - second0 + 1, second1 - second0
        report = convarith.analyze_stack(
            (STACK_INPUT,),
            [{"op": "conv", "kernel_size": k, "stride": s, "dilation": d} for k, s, d in layers],
        )
        assert [r.receptive_field[0] for r in report.layers] == [r_in, r_out]
        assert [r.jump[0] for r in report.layers] == [j_in, j_out]
        what = f"conv stack (k, s, d) = {layers}"
        yield Case({**e, "r_in": r_in, "j_in": j_in, "part": 0}, r_out, what)
        yield Case({**e, "r_in": r_in, "j_in": j_in, "part": 1}, j_out, what)


def stack_part(part: int) -> Callable[[Env], Iterator[Case]]:
    def generate(fixed: Env) -> Iterator[Case]:
        primaries = {n: v for n, v in fixed.items() if n not in ("r_in", "j_in")}
        for case in stack_generate(primaries):
            if case.env["part"] == part:
                yield case

    return generate


def _edge(e: Env) -> int:
    return e["i"] + e["p"]


def _edge_padded(e: Env) -> int:
    return e["i"] + e["p_lo"] + e["p_hi"]


def _transposed_asymmetric(fixed: Env) -> Iterator[Case]:
    """PyTorch has no uneven transposed padding: the full output (padding 0), cut by p_lo and p_hi."""
    ranges = {
        "i'": range(1, 7),
        "k": KERNELS,
        "s": STRIDES,
        "p_lo": SIDES,
        "p_hi": SIDES,
        "d": DILATIONS,
        "a": range(3),
    }
    for e in grid(fixed, **ranges):
        n, k, s, lo, hi, d, a = (e[x] for x in ("i'", "k", "s", "p_lo", "p_hi", "d", "a"))
        if a >= max(s, d):
            continue
        x, w = torch.zeros(1, 1, n, dtype=torch.float64), torch.zeros(1, 1, k, dtype=torch.float64)
        full = F.conv_transpose1d(x, w, stride=s, output_padding=a, dilation=d)
        cut = full[..., lo : full.shape[-1] - hi].shape[-1] if full.shape[-1] > lo + hi else 0
        params = {
            "kernel_size": k,
            "stride": s,
            "padding": ((lo, hi),),
            "dilation": d,
            "output_padding": a,
        }
        try:
            library: int | None = convarith.output_shape("conv_transpose", (n,), **params)[0]
        except ConvArithError:
            library = None
        assert library == (cut or None), (
            f"conv_transpose i'={n} {params}: convarith {library}, PyTorch {cut}"
        )
        if cut:
            yield Case(e, cut, f"conv_transpose i'={n} {params}")


DOMAINS: dict[str, Domain] = {
    "relationship-1": conv_relationship(
        "o", "conv, p=0, s=1, d=1", with_(p=0, s=1, d=1), i=INPUTS, k=KERNELS
    ),
    "relationship-2": conv_relationship(
        "o", "conv, s=1, d=1", with_(s=1, d=1), i=INPUTS, k=KERNELS, p=PADS
    ),
    "relationship-3": conv_relationship(
        "o", "conv, k odd, p=k//2, s=1, d=1", _odd_half, i=INPUTS, k=KERNELS
    ),
    "relationship-4": conv_relationship("o", "conv, p=k-1, s=1, d=1", _full, i=INPUTS, k=KERNELS),
    "relationship-5": conv_relationship(
        "o", "conv, p=0, d=1", with_(p=0, d=1), i=INPUTS, k=KERNELS, s=STRIDES
    ),
    "relationship-6": conv_relationship(
        "o", "conv, d=1", with_(d=1), i=INPUTS, k=KERNELS, s=STRIDES, p=PADS
    ),
    "relationship-7": size_domain(
        "o",
        "max_pool and avg_pool, p=0",
        ("max_pool", "avg_pool"),
        {"i": INPUTS, "k": KERNELS, "s": STRIDES},
        with_(p=0, d=1),
        conv_params,
        names="i k s p d",
    ),
    "relationship-8": transposed_relationship(
        "conv_transpose, p=0, s=1", with_(p=0, s=1, d=1, a=0), **{"i'": INPUTS, "k": KERNELS}
    ),
    "relationship-9": transposed_relationship(
        "conv_transpose, s=1", with_(s=1, d=1, a=0), **{"i'": INPUTS, "k": KERNELS, "p": PADS}
    ),
    "relationship-10": transposed_relationship(
        "conv_transpose, k odd, p=k//2, s=1",
        lambda e: _odd_half({**e, "a": 0}),
        **{"i'": INPUTS, "k": KERNELS},
    ),
    "relationship-11": transposed_relationship(
        "conv_transpose, p=k-1, s=1", lambda e: _full({**e, "a": 0}), **{"i'": INPUTS, "k": KERNELS}
    ),
    "relationship-12": transposed_relationship(
        "conv_transpose, p=0", with_(p=0, d=1, a=0), **{"i'": INPUTS, "k": KERNELS, "s": STRIDES}
    ),
    "relationship-13": transposed_relationship(
        "conv_transpose, a=0",
        with_(d=1, a=0),
        **{"i'": INPUTS, "k": KERNELS, "s": STRIDES, "p": PADS},
    ),
    "relationship-14": transposed_relationship(
        "conv_transpose, a < s",
        lambda e: _below_stride({**e, "d": 1}),
        **{"i'": INPUTS, "k": KERNELS, "s": STRIDES, "p": PADS, "a": range(4)},
    ),
    "relationship-15": conv_relationship(
        "o", "conv, any p, s, d", lambda e: e, i=INPUTS, k=KERNELS, s=STRIDES, p=PADS, d=DILATIONS
    ),
    "conv": size_domain(
        "o",
        "conv and max_pool, any p, s, d",
        ("conv", "max_pool"),
        {"i": INPUTS, "k": KERNELS, "s": STRIDES, "p": PADS, "d": DILATIONS},
        lambda e: e,
        conv_params,
        names="i k s p d",
    ),
    "conv_asymmetric": size_domain(
        "o",
        "conv with (p_lo, p_hi) padding",
        ("conv",),
        {"i": INPUTS, "k": KERNELS, "s": STRIDES, "p_lo": SIDES, "p_hi": SIDES, "d": DILATIONS},
        lambda e: e,
        padded_params,
        names="i k s p_lo p_hi d",
    ),
    "avg_pool": size_domain(
        "o",
        "avg_pool, any p, s",
        ("avg_pool",),
        {"i": INPUTS, "k": KERNELS, "s": STRIDES, "p": PADS},
        with_(d=1),
        conv_params,
        names="i k s p",
    ),
    "avg_pool_asymmetric": size_domain(
        "o",
        "F.pad(p_lo, p_hi), then avg_pool",
        ("avg_pool",),
        {"i": INPUTS, "k": KERNELS, "s": STRIDES, "p_lo": SIDES, "p_hi": SIDES},
        with_(d=1),
        padded_params,
        names="i k s p_lo p_hi",
    ),
    "ceil": size_domain(
        "o",
        "max_pool and avg_pool with ceil_mode",
        ("max_pool", "avg_pool"),
        {"i": INPUTS, "k": KERNELS, "s": STRIDES, "p": PADS, "d": DILATIONS},
        with_(ceil=1),
        lambda op, e: conv_params(op, e) if op == "max_pool" or e["d"] == 1 else None,
        edge=_edge,
        names="i k s p d",
    ),
    "ceil_asymmetric": size_domain(
        "o",
        "F.pad(p_lo, p_hi), then max_pool with ceil_mode",
        ("max_pool",),
        {"i": INPUTS, "k": KERNELS, "s": STRIDES, "p_lo": SIDES, "p_hi": SIDES, "d": DILATIONS},
        with_(ceil=1),
        padded_params,
        edge=_edge_padded,
        names="i k s p_lo p_hi d",
    ),
    "conv_transpose": transposed_relationship(
        "conv_transpose, any p, s, d, a",
        _below_stride_or_dilation,
        **{"i'": range(1, 9), "k": KERNELS, "s": STRIDES, "p": PADS, "d": DILATIONS, "a": range(3)},
    ),
    "conv_transpose_asymmetric": Domain(
        "o'",
        frozenset(("i'", "k", "s", "p_lo", "p_hi", "d", "a")),
        "conv_transpose cut unevenly",
        _transposed_asymmetric,
    ),
    "dilated_kernel": Domain("k_eff", frozenset(("k", "d")), "conv, any k, d", dilated_generate),
    "same_low": Domain("p_lo", frozenset(("i", "k", "d", "s")), "padding='same'", same_side(0)),
    "same_high": Domain(
        "p_hi", frozenset(("i", "k", "d", "s", "p_lo")), "padding='same'", same_side(1)
    ),
    "same_tf_output": Domain(
        "o", frozenset(("i", "k", "s", "d")), "padding='same_tf'", same_tf_part(0)
    ),
    "same_tf_total": Domain(
        "p_total", frozenset(("i", "k", "s", "d", "o")), "padding='same_tf'", same_tf_part(1)
    ),
    "same_tf_low": Domain(
        "p_lo",
        frozenset(("i", "k", "s", "d", "o", "p_total")),
        "padding='same_tf'",
        same_tf_part(2),
    ),
    "same_tf_high": Domain(
        "p_hi",
        frozenset(("i", "k", "s", "d", "o", "p_total", "p_lo")),
        "padding='same_tf'",
        same_tf_part(3),
    ),
    "causal_low": Domain(
        "p_lo", frozenset(("i", "k", "d", "s")), "causal conv, s=1", causal_side(0)
    ),
    "causal_high": Domain(
        "p_hi", frozenset(("i", "k", "d", "s")), "causal conv, s=1", causal_side(1)
    ),
    "restoring_output_padding": Domain(
        "a", frozenset(("i", "k", "s", "p", "d")), "conv, then conv_transpose", restoring_generate
    ),
    "stretched_input": Domain("i_s", frozenset(("i'", "s")), "conv_transpose", stretched_generate),
    "equivalent_padding": Domain(
        "p'", frozenset(("i'", "k", "s", "p", "d", "a")), "conv_transpose", equivalent_generate
    ),
    "receptive_field": Domain(
        "r_out", frozenset(("r_in", "j_in", "k", "s", "d")), "two conv layers", stack_part(0)
    ),
    "jump": Domain(
        "j_out", frozenset(("r_in", "j_in", "k", "s", "d")), "two conv layers", stack_part(1)
    ),
}


# --------------------------------------------------------------------------- the check


@dataclass
class Outcome:
    checked: int = 0
    mismatches: list[str] = field(default_factory=list)


def check(key: str, text: str) -> Outcome:
    """Evaluate the printed ``text`` of formula ``key`` in every configuration of its setting."""
    domain = DOMAINS[key]
    formula = Formula.read(key, text)
    outcome = Outcome()
    if formula.lhs != domain.lhs:
        outcome.mismatches.append(
            f"{key}: gives {formula.lhs!r}, the setting's value is {domain.lhs!r}"
        )
        return outcome
    unknown = formula.names - domain.names
    if unknown:
        outcome.mismatches.append(
            f"{key}: {text!r} uses {sorted(unknown)}, the setting gives {sorted(domain.names)}"
        )
        return outcome
    cases = domain.cases()
    assert cases, f"{key}: the setting has no configuration PyTorch accepts"
    for case in cases:
        outcome.checked += 1
        try:
            value = formula.value(case.env)
        except MathError as error:
            outcome.mismatches.append(f"{case.what}: {error}")
            continue
        expected = value
        # ceil_mode: PyTorch drops a last window that starts at the edge or past it.
        if domain.edge is not None and (value - 1) * case.env["s"] >= domain.edge(case.env):
            expected -= 1
        if expected != case.truth:
            outcome.mismatches.append(
                f"{case.what}: printed formula gives {value}, PyTorch {case.truth}"
            )
    return outcome


def printed_formulas(text: str | None = None) -> dict[str, str]:
    """Key -> math of every ``#formula`` call of the guide's source (one text per key)."""
    found: dict[str, str] = {}
    for match in calls(source()[0] if text is None else text, "formula"):
        key, math = match["key"], match["math"].strip()
        assert found.setdefault(key, math) == math, (
            f"{key} printed as {found[key]!r} and as {math!r}"
        )
    return found


RELATIONSHIP_KEYS = [f"relationship-{n}" for n in range(1, 16)]


def test_every_relationship_and_formula_is_printed_with_a_setting_here() -> None:
    printed = printed_formulas()
    assert set(RELATIONSHIP_KEYS) <= set(printed), sorted(set(RELATIONSHIP_KEYS) - set(printed))
    unchecked = set(printed) - set(DOMAINS)
    assert not unchecked, (
        f"the guide prints formulas this test has no setting for: {sorted(unchecked)}"
    )
    for match in calls(source()[0], "worked"):
        assert match["key"] in printed, (
            f"worked example of {match['key']}, whose formula is not printed"
        )


@pytest.mark.parametrize("key", sorted(DOMAINS))
def test_printed_formula_holds_in_its_setting(key: str) -> None:
    printed = {**reference_rows()[1], **printed_formulas()}
    assert key in printed, f"the guide prints no formula {key!r}, in its text or its reference"
    outcome = check(key, printed[key])
    assert not outcome.mismatches, (
        f"{key} ({DOMAINS[key].setting}) as printed, {printed[key]!r}: "
        f"{len(outcome.mismatches)} of {outcome.checked} configurations disagree, e.g. {outcome.mismatches[:5]}"
    )
    assert outcome.checked >= 10


# --------------------------------------------------------------------------- reference tables

_REFERENCE_ROW = re.compile(
    r"^\s*\[(\d+)\], \[#link\(<relationship-\1>\).*\], \[\$(?P<math>[^$]*)\$\],?$"
)
_GENERAL_ROW = re.compile(
    r'^\s*\[#link\(<[^>]+>\)\[.*\]\], \[#keyed\("(?P<key>[^"]+)", \$(?P<math>[^$]*)\$\)\],?$'
)


def reference_rows() -> tuple[dict[str, str], dict[str, str]]:
    """The reference chapter's formula tables: numbered relationships, and the other formulas."""
    text = source()[0]
    start, end = text.index("<every-formula>"), text.index("<which-formula>")
    numbered: dict[str, str] = {}
    others: dict[str, str] = {}
    for line in text[start:end].splitlines():
        if "[$" not in line and "#keyed(" not in line:
            continue
        row = _REFERENCE_ROW.match(line)
        if row:
            numbered[f"relationship-{row[1]}"] = row["math"].strip()
            continue
        general = _GENERAL_ROW.match(line)
        assert general, f"a formula row of the reference this test cannot read: {line!r}"
        others[general["key"]] = general["math"].strip()
    return numbered, others


def test_reference_relationships_are_those_printed_in_the_text() -> None:
    numbered, _ = reference_rows()
    printed = printed_formulas()
    assert sorted(numbered) == sorted(RELATIONSHIP_KEYS)
    for key, text in numbered.items():
        assert text == printed[key], (
            f"{key}: the reference prints {text!r}, the text {printed[key]!r}"
        )


def test_the_reference_lists_every_formula_as_the_text_prints_it() -> None:
    """Each row is keyed: it is checked in its own setting, and equals the text's formula."""
    _, others = reference_rows()
    printed = printed_formulas()
    assert len(others) >= 20
    for key, text in others.items():
        assert key in DOMAINS, f"the reference prints {key!r}, which this test has no setting for"
        if key in printed:
            assert text == printed[key], f"{key}: reference {text!r}, text {printed[key]!r}"
        assert not check(key, text).mismatches, f"reference formula {key}: {text!r}"
    assert set(DOMAINS) <= set(printed) | set(others)


# --------------------------------------------------------------------------- worked examples


def worked_examples() -> list[tuple[str, Env, str]]:
    return [
        (m["key"], bindings(m["bindings"]), m["math"].strip()) for m in calls(source()[0], "worked")
    ]


def check_worked(key: str, bound: Env, text: str, printed: str) -> list[str]:
    """Problems with one worked example (empty when it is right)."""
    problems = []
    domain = DOMAINS[key]
    formula = Formula.read(key, printed)
    sides = parse(text)
    if len(sides) != 3 or sides[0] != ("var", formula.lhs) or sides[2][0] != "num":
        return [f"{text!r} is not '{formula.lhs} = expression = number'"]
    expression, result = sides[1], sides[2][1]
    if evaluate(expression) != result:
        problems.append(f"{text!r}: the expression is {evaluate(expression)}, not {result}")
    missing = formula.names - set(bound)
    if missing:
        return [*problems, f"{text!r}: no value given for {sorted(missing)}"]
    value = formula.value(bound)
    put_in = substitute(formula.rhs, bound)
    dropped = domain.edge is not None and (value - 1) * bound["s"] >= domain.edge(bound)
    if dropped:
        if expression != ("sub", put_in, ("num", 1)) or result != value - 1:
            problems.append(
                f"{text!r}: the last window is dropped, expected {printed!r} less 1 = {value - 1}"
            )
    else:
        if expression != put_in:
            problems.append(f"{text!r}: the expression is not {printed!r} with the values put in")
        if value != result:
            problems.append(f"{text!r}: {printed!r} gives {value} with these values, not {result}")
    cases = domain.cases(bound)
    if not cases:
        problems.append(
            f"{text!r}: PyTorch accepts no configuration of {domain.setting} with {bound}"
        )
    for case in cases:
        if case.truth != result:
            problems.append(f"{text!r}: PyTorch gives {case.truth} for {case.what}")
    return problems


EXAMPLES = worked_examples()


def test_the_guide_has_worked_examples() -> None:
    assert len(EXAMPLES) >= 10
    assert all(key in DOMAINS for key, _, _ in EXAMPLES)


@pytest.mark.parametrize(
    ("key", "bound", "text"), EXAMPLES, ids=[f"{n}-{key}" for n, (key, _, _) in enumerate(EXAMPLES)]
)
def test_worked_example_against_pytorch(key: str, bound: Env, text: str) -> None:
    problems = check_worked(key, bound, text, printed_formulas()[key])
    assert not problems, f"#worked({key}, {bound}): {problems[:5]}"


# --------------------------------------------------------------------------- the product


def _products(node: tuple) -> list[tuple[int, int]]:
    if node[0] == "add":
        return _products(node[1]) + _products(node[2])
    assert node[0] == "mul" and node[1][0] == "num" and node[2][0] == "num", (
        f"not a product of numbers: {node}"
    )
    return [(node[1][1], node[2][1])]


def test_printed_sum_of_products_is_pytorch_first_output() -> None:
    found = calls(source()[0], "product")
    assert found, "the guide shows no sum of products"
    figures = source()[1]
    for match in found:
        name = match["key"]
        assert name in figures, f"#product names {name!r}, not a figure of the guide"
        figure = figures[name]
        assert figure.op == "conv" and figure.params.get("padding", 0) == 0
        assert figure.params.get("dilation", 1) == 1
        values = figure.animation().scene.values
        x = torch.tensor(values.input, dtype=torch.float64)
        w = torch.tensor(values.weights, dtype=torch.float64)
        sides = parse(match["math"])
        assert len(sides) == 2 and sides[1][0] == "num", match["math"]
        total = sides[1][1]
        window = [
            (int(x[r, c]), int(w[r, c])) for r in range(w.shape[0]) for c in range(w.shape[1])
        ]
        assert _products(sides[0]) == window, "the products are not the first window's, row by row"
        assert evaluate(sides[0]) == total
        stride = figure.params.get("stride", 1)
        first = F.conv2d(x[None, None], w[None, None], stride=stride)[0, 0, 0, 0]
        assert first.item() == total == values.output[0][0]


# --------------------------------------------------------------------------- the check can fail


@pytest.mark.parametrize(
    ("key", "wrong"),
    [
        ("relationship-5", "o = ceil((i - k) / s) + 1"),
        ("relationship-6", "o = floor((i + p - k) / s) + 1"),
        ("relationship-14", "o' = s(i' - 1) + k - 2p"),
        ("conv", "o = floor((i + 2p - d k - 1) / s) + 1"),
        ("ceil", "o = floor((i + 2p - d(k - 1) - 1) / s) + 1"),
        ("same_low", 'p_"lo" = ceil(d(k - 1) / 2)'),
        ("same_tf_total", 'p_"total" = (o - 1)s + d(k - 1) + 1 - i'),
        ("causal_low", 'p_"lo" = d k - 1'),
        ("restoring_output_padding", "a = (i + 2p - k) mod s"),
        ("equivalent_padding", "p' = k - 1 - p"),
        ("receptive_field", 'r_"out" = r_"in" + (k - 1) j_"in"'),
        ("jump", 'j_"out" = s'),
        ("dilated_kernel", 'k_"eff" = d k'),
        ("stretched_input", "i_s = s i'"),
        ("conv_transpose_asymmetric", "o' = (i' - 1)s - 2p_\"lo\" + d(k - 1) + a + 1"),
    ],
)
def test_a_wrong_formula_is_caught(key: str, wrong: str) -> None:
    outcome = check(key, wrong)
    assert outcome.mismatches, f"{wrong!r} passed as {key}"


def test_a_wrong_formula_in_the_source_is_caught() -> None:
    """The whole path: a ``2p`` turned into ``p`` in the source's relationship 6 is found."""
    text = source()[0]
    right = printed_formulas()["relationship-6"]
    wrong = right.replace("2p", "p")
    assert wrong != right
    call = f'#formula("relationship-6", $ {right} $)'
    assert call in text
    changed = printed_formulas(text.replace(call, f'#formula("relationship-6", $ {wrong} $)'))
    assert changed["relationship-6"] == wrong
    assert not check("relationship-6", right).mismatches
    assert check("relationship-6", changed["relationship-6"]).mismatches


def test_a_formula_with_a_name_outside_its_setting_is_caught() -> None:
    assert check("relationship-1", "o = i - k + a + 1").mismatches
    assert check("relationship-8", "o = i' + k - 1").mismatches


def test_a_wrong_worked_example_is_caught() -> None:
    printed = printed_formulas()
    right = (
        "relationship-6",
        {"i": 5, "p": 1, "k": 3, "s": 2},
        "o = floor((5 + 2 dot 1 - 3) / 2) + 1 = 3",
    )
    assert check_worked(*right, printed["relationship-6"]) == []
    wrong_result = "o = floor((5 + 2 dot 1 - 3) / 2) + 1 = 4"
    assert check_worked("relationship-6", right[1], wrong_result, printed["relationship-6"])
    wrong_numbers = "o = floor((5 + 1 - 3) / 2) + 1 = 2"
    assert check_worked("relationship-6", right[1], wrong_numbers, printed["relationship-6"])
    # Right arithmetic for a wrong formula: PyTorch gives 2, not 3, for these values.
    wrong_formula = "o = ceil((i - k) / s) + 1"
    problems = check_worked(
        "relationship-5", {"i": 6, "k": 3, "s": 2}, "o = ceil((6 - 3) / 2) + 1 = 3", wrong_formula
    )
    assert problems and all("PyTorch gives 2" in p for p in problems)
    # The dropped last window must be shown: the formula's own value is not PyTorch's here.
    assert check_worked(
        "ceil",
        {"i": 5, "p": 1, "d": 1, "k": 2, "s": 2},
        "o = ceil((5 + 2 dot 1 - 1 dot (2 - 1) - 1) / 2) + 1 = 4",
        printed["ceil"],
    )


def test_the_evaluator_reads_the_notation() -> None:
    env = {"i'": 3, "s": 2, "p_lo": 1, "p_hi": 2, "d": 2, "k": 3, "a": 1}
    formula = Formula.read("t", 'o\' = (i\' - 1)s - p_"lo" - p_"hi" + d(k - 1) + a + 1')
    assert formula.value(env) == 4 - 3 + 4 + 1 + 1
    assert (
        evaluate(parse("floor(7 / 2) + ceil(7 / 2) + max(2 - 5, 0) + (9 mod 4)")[0])
        == 3 + 4 + 0 + 1
    )
    assert evaluate(parse("(3 - 1)(2 - 1) + 2 dot 3")[0]) == 8
    for bad in ("2 3", "ab + 1", "i * k", "7 / 2", "o = i & k"):
        with pytest.raises(MathError):
            evaluate(parse(bad)[0], {"i": 1, "k": 1})
