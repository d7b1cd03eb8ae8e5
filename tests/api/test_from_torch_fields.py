"""from_torch's receptive fields against autograd, on ResNet-, U-Net- and randomly nested models.

The measurement: a float64 copy of the model with positive weights
(1/fan-in), zero biases and identity batch norms runs on an all-ones input, so
that every value is positive and no gradient can cancel.  Max pooling reads
the same cells as a sum over its window, so it is replaced by a depthwise
all-ones convolution over the same windows.  The gradient of one output cell
(summed over channels) then marks exactly the input cells it depends on.

convarith's fields are unclipped (padding cells count), and the measured ones
are real cells only: ``fields(row)`` (clipped, where padding reads nothing)
must be exactly the measured bounding box of every probed cell, and the
receptive field must be the widest unclipped field, reached by cells that read
no padding when the input is wide enough.
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from convarith.api.from_torch import from_torch
from convarith.core.graph import ModelReport

# --- the measurement ----------------------------------------------------------


class MaxAsSum(nn.Module):
    """A max pooling's windows as a depthwise all-ones convolution (the gradient reaches every cell)."""

    def __init__(self, pool: nn.Module) -> None:
        super().__init__()
        self.pool = pool

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        nd = x.dim() - 2
        pool = self.pool

        def axes(v: Any) -> tuple[int, ...]:
            return tuple(v) if isinstance(v, (tuple, list)) else (v,) * nd

        k, s, p, d = (
            axes(pool.kernel_size),
            axes(pool.stride),
            axes(pool.padding),
            axes(pool.dilation),
        )
        target = pool(x.detach()).shape[2:]
        pads: list[int] = []
        for a in reversed(range(nd)):
            need = (target[a] - 1) * s[a] + d[a] * (k[a] - 1) + 1
            pads += [p[a], max(p[a], need - x.shape[2 + a] - p[a])]
        y = F.pad(x, pads)
        c = x.shape[1]
        w = torch.ones(c, 1, *k, dtype=x.dtype)
        conv = (F.conv1d, F.conv2d, F.conv3d)[nd - 1]
        out = conv(y, w, stride=s, dilation=d, groups=c)
        slices = tuple(slice(0, n) for n in target)
        return out[(..., *slices)]


def positive_copy(model: nn.Module) -> nn.Module:
    """A float64 copy whose every value is positive, with max pooling turned into sums."""
    m = copy.deepcopy(model).double().eval()
    for module in list(m.modules()):
        for name, child in list(module.named_children()):
            if isinstance(child, (nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d)):
                setattr(module, name, MaxAsSum(child))
            if isinstance(child, nn.AdaptiveMaxPool2d):
                setattr(module, name, nn.AdaptiveAvgPool2d(child.output_size))
        if isinstance(module, (nn.modules.conv._ConvNd, nn.Linear)):
            w = module.weight
            fan_in = (
                w[0].numel()
                if not isinstance(module, nn.modules.conv._ConvTransposeNd)
                else w[:, 0].numel()
            )
            with torch.no_grad():
                w.fill_(1.0 / fan_in)
                if module.bias is not None:
                    module.bias.zero_()
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            with torch.no_grad():
                module.running_mean.zero_()
                module.running_var.fill_(1.0)
                if module.weight is not None:
                    module.weight.fill_(1.0)
                    module.bias.zero_()
    return m


def measured(
    model: nn.Module,
    size: Sequence[int],
    module_name: str,
    occurrence: int,
    cells: Sequence[Sequence[int]],
) -> list[list[tuple[int, int] | None]]:
    """For each output cell of the module's ``occurrence``-th call: the (first, last) input cell per axis."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small tensors: threads only contend on a shared machine
    try:
        return _measured(model, size, module_name, occurrence, cells)
    finally:
        torch.set_num_threads(threads)


def _measured(
    model: nn.Module,
    size: Sequence[int],
    module_name: str,
    occurrence: int,
    cells: Sequence[Sequence[int]],
) -> list[list[tuple[int, int] | None]]:
    m = positive_copy(model)
    seen: list[torch.Tensor] = []
    target = dict(m.named_modules())[module_name]
    handle = target.register_forward_hook(lambda _m, _i, out: seen.append(out))
    x = torch.ones(*size, dtype=torch.float64, requires_grad=True)
    m(x)
    handle.remove()
    out = seen[occurrence]
    # One backward pass per cell, batched: each cotangent is one cell over all channels.
    cotangents = torch.zeros(len(cells), *out.shape, dtype=out.dtype)
    for k, cell in enumerate(cells):
        cotangents[(k, 0, slice(None), *cell)] = 1.0
    (grads,) = torch.autograd.grad(out, x, cotangents, is_grads_batched=True)
    result = []
    for grad in grads:
        # A resize weight that is 0 in exact arithmetic (a sample point on a cell) can come
        # out as 1e-16 in floating point; convarith counts exact weights.
        magnitude = grad[0].abs().sum(0)
        mask = magnitude > 1e-9 * magnitude.max()
        per_axis: list[tuple[int, int] | None] = []
        for a in range(mask.dim()):
            other = tuple(b for b in range(mask.dim()) if b != a)
            hit = mask.any(dim=other) if other else mask
            where = torch.nonzero(hit).flatten().tolist()
            per_axis.append((where[0], where[-1]) if where else None)
        result.append(per_axis)
    return result


def rows_of(report: ModelReport, module_name: str) -> list[int]:
    """The rows (in call order) that a module's calls made."""
    return [n.index for n in report.nodes if n.name == module_name]


def probe_cells(sizes: Sequence[int], limit: int = 16) -> list[tuple[int, ...]]:
    """Cells along the middle line of each axis: every position, or an even spread with both ends."""
    middle = [n // 2 for n in sizes]
    cells = []
    for a, n in enumerate(sizes):
        positions = (
            range(n)
            if n <= limit
            else sorted({round(i * (n - 1) / (limit - 1)) for i in range(limit)})
        )
        for u in positions:
            cell = list(middle)
            cell[a] = u
            cells.append(tuple(cell))
    return cells


def check_row(
    model: nn.Module,
    report: ModelReport,
    size: Sequence[int],
    module_name: str,
    occurrence: int = 0,
    index: int | None = None,
) -> int:
    """Compare one module call's fields with autograd; return how many probed cells read no padding.

    ``index`` is the module call's output row, when not its only row (a forward of several operations).
    """
    index = index if index is not None else rows_of(report, module_name)[occurrence]
    node = report.nodes[index - 1]
    nd = len(report.input_shape)
    fields = report.fields(index)
    unclipped = report.fields(index, clip=False)
    cells = probe_cells(node.shape[-nd:])
    found = measured(model, size, module_name, occurrence, cells)
    interior = 0
    for cell, got in zip(cells, found):
        if all(len(axis) == 1 for axis in fields) and not node.spatial:
            cell = (0,) * nd  # spatial axes gone: every element reads the same cells
        want = [fields[a][u] for a, u in enumerate(cell)]
        if None in want:  # a cell that reads nothing along one axis reads nothing
            want = [None] * len(cell)
        assert got == want, f"{node.label} cell {cell}: convarith {want}, autograd {got}"
        interior += all(fields[a][u] == unclipped[a][u] for a, u in enumerate(cell))
    # The receptive field is the widest unclipped field; no cell reads a wider box.
    widest = tuple(
        max((f[1] - f[0] + 1 for f in axis if f is not None), default=0) for axis in unclipped
    )
    assert node.receptive_field == widest
    for axis, width in zip(fields, widest):
        assert all(f[1] - f[0] + 1 <= width for f in axis if f is not None)
    return interior if node.spatial else 0


def check_widest_inside(
    model: nn.Module, report: ModelReport, size: Sequence[int], module_name: str, period: int = 1
) -> None:
    """Over a period of cells that read no padding, autograd's widest field is the receptive field."""
    index = rows_of(report, module_name)[0]
    node = report.nodes[index - 1]
    sizes = node.shape[-len(report.input_shape) :]
    fields = report.fields(index)
    unclipped = report.fields(index, clip=False)
    middle = [n // 2 for n in sizes]
    for a, n in enumerate(sizes):
        inside = [u for u in range(n) if fields[a][u] == unclipped[a][u]]
        assert len(inside) >= period, f"{node.label}: too few cells read no padding on axis {a}"
        cells = []
        for u in inside[:period]:
            cell = list(middle)
            cell[a] = u
            cells.append(tuple(cell))
        found = measured(model, size, module_name, 0, cells)
        widest = max(f[a][1] - f[a][0] + 1 for f in found)
        assert widest == node.receptive_field[a]


def check_jump(report: ModelReport, index: int, period: int = 1) -> None:
    """The jump is the slope of the fields' first cells over whole periods of the fields' pattern."""
    node = report.nodes[index - 1]
    fields = report.fields(index, clip=False)
    assert node.jump is not None
    for axis, jump in zip(fields, node.jump):
        period = math.lcm(period, jump.denominator)
        firsts = [f[0] for f in axis if f is not None]
        if len(firsts) <= period:
            continue
        span = (len(firsts) - 1) // period * period
        assert Fraction(firsts[span] - firsts[0], span) == jump


# --- a ResNet-style model -----------------------------------------------------


class BasicBlock(nn.Module):
    def __init__(self, c_in: int, c_out: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or c_in != c_out:
            self.downsample = nn.Sequential(
                nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out)
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += identity
        return self.relu(out)


class ResNetStyle(nn.Module):
    def __init__(self, widths: Sequence[int] = (8, 16, 32), blocks: int = 2) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, widths[0], 7, 2, 3, bias=False),
            nn.BatchNorm2d(widths[0]),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2, 1),
        )
        layers = []
        c = widths[0]
        for i, w in enumerate(widths):
            layers.append(
                nn.Sequential(
                    *[
                        BasicBlock(c if b == 0 else w, w, 2 if i and b == 0 else 1)
                        for b in range(blocks)
                    ]
                )
            )
            c = w
        self.layers = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(c, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.layers(self.stem(x))
        return self.fc(torch.flatten(self.pool(x), 1))


# --- a U-Net-style model ------------------------------------------------------


class DoubleConv(nn.Sequential):
    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__(
            nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
            nn.BatchNorm2d(c_out),
            nn.ReLU(inplace=True),
            nn.Conv2d(c_out, c_out, 3, padding=1, bias=False),
            nn.BatchNorm2d(c_out),
            nn.ReLU(inplace=True),
        )


class UNetStyle(nn.Module):
    """Encoder, bottleneck, decoder with ConvTranspose2d upsampling and skip concatenation."""

    def __init__(self, c: int = 4, depth: int = 3, resize: str = "transpose") -> None:
        super().__init__()
        self.resize = resize
        self.down = nn.ModuleList()
        self.pools = nn.ModuleList()
        channels = [c * 2**i for i in range(depth + 1)]
        c_in = 1
        for w in channels[:-1]:
            self.down.append(DoubleConv(c_in, w))
            self.pools.append(nn.MaxPool2d(2))
            c_in = w
        self.bottom = DoubleConv(channels[-2], channels[-1])
        self.up = nn.ModuleList()
        self.dec = nn.ModuleList()
        for w in reversed(channels[:-1]):
            if resize == "transpose":
                self.up.append(nn.ConvTranspose2d(2 * w, w, 2, stride=2))
            else:
                self.up.append(
                    nn.Sequential(nn.Upsample(scale_factor=2, mode=resize), nn.Conv2d(2 * w, w, 1))
                )
            self.dec.append(DoubleConv(2 * w, w))
        self.head = nn.Conv2d(channels[0], 2, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = []
        for block, pool in zip(self.down, self.pools):
            x = block(x)
            skips.append(x)
            x = pool(x)
        x = self.bottom(x)
        for up, block, skip in zip(self.up, self.dec, reversed(skips)):
            x = up(x)
            dy, dx = skip.shape[2] - x.shape[2], skip.shape[3] - x.shape[3]
            if dy or dx:
                x = F.pad(x, [dx // 2, dx - dx // 2, dy // 2, dy - dy // 2])
            x = block(torch.cat([skip, x], dim=1))
        return self.head(x)


# --- the tests ----------------------------------------------------------------


def real_leaf_calls(
    model: nn.Module, size: Sequence[int]
) -> list[tuple[str, str, tuple[int, ...]]]:
    """(path, class, output shape) of every leaf module call of a real forward pass."""
    calls: list[tuple[str, str, tuple[int, ...]]] = []
    handles = []
    for name, module in model.named_modules():
        if next(module.children(), None) is None:
            handles.append(
                module.register_forward_hook(
                    lambda m, _i, out, name=name: calls.append(
                        (name, type(m).__name__, tuple(out.shape))
                    )
                )
            )
    with torch.no_grad():
        model.eval()(torch.zeros(*size))
    for h in handles:
        h.remove()
    return calls


def reported_leaf_calls(
    report: ModelReport, model: nn.Module
) -> list[tuple[str, str, tuple[int, ...]]]:
    leaves = {n for n, m in model.named_modules() if next(m.children(), None) is None}
    return [(n.name, n.kind, n.shape) for n in report.nodes if n.name in leaves]


@pytest.mark.parametrize("size", [(1, 3, 96, 80), (2, 3, 61, 47)])
def test_resnet_style_shapes_match_real_forward_hooks(size):
    model = ResNetStyle()
    report = from_torch(model, size)
    assert isinstance(report, ModelReport)
    assert reported_leaf_calls(report, model) == real_leaf_calls(model, size)
    convs = [m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.MaxPool2d))]
    assert len(report.layers) == len(convs)
    # The residual sums are rows too, reading the block's last batch norm and its shortcut.
    adds = [n for n in report.nodes if n.kind == "add"]
    assert len(adds) == 6
    assert all(len(n.inputs) == 2 for n in adds)


def test_resnet_style_fields_match_autograd():
    model = ResNetStyle()
    size = (1, 3, 72, 64)
    report = from_torch(model, size)
    checked = 0
    for name in (
        "stem.0",
        "stem.3",
        "layers.0.1.relu",
        "layers.1.0.downsample.0",
        "layers.1.0.relu",
        "layers.2.1.conv2",
    ):
        for occurrence in range(len(rows_of(report, name))):
            check_row(model, report, size, name, occurrence)
            checked += 1
    assert checked >= 8
    assert report.nodes[-1].whole  # fc reads every cell
    # Past the first block the shortcut and the path are joined; on an input
    # wide enough, cells read no padding and span the whole field.
    size = (1, 3, 216, 216)
    report = from_torch(model, size)
    last = rows_of(report, "layers.2.1.relu")[-1]
    assert report.nodes[last - 1].receptive_field == (211, 211)
    assert report.nodes[last - 1].jump == (Fraction(16), Fraction(16))
    check_jump(report, last)
    check_widest_inside(model, report, size, "layers.2.1.relu")


@pytest.mark.parametrize("resize", ["transpose", "nearest", "bilinear"])
def test_unet_style_fields_match_autograd(resize):
    model = UNetStyle(resize=resize)
    size = (1, 1, 48, 40)
    report = from_torch(model, size)
    assert reported_leaf_calls(report, model) == real_leaf_calls(model, size)
    cats = [n for n in report.nodes if n.kind == "cat"]
    assert len(cats) == 3 and all(len(n.inputs) == 2 for n in cats)
    for name in ("down.1.3", "bottom.3", "dec.0.0", "dec.1.3", "dec.2.3", "head"):
        check_row(model, report, size, name)
    # At every level the decoder joins the skip (a small field) and the deep path.
    head = rows_of(report, "head")[0]
    deep = rows_of(report, "bottom.3")[0]
    assert report.nodes[head - 1].receptive_field > report.nodes[deep - 1].receptive_field
    # The fields repeat every 8 cells: over 8 cells that read no padding, the
    # widest is the receptive field.
    size = (1, 1, 128, 128) if resize != "bilinear" else (1, 1, 136, 136)
    report = from_torch(model, size)
    head = rows_of(report, "head")[0]
    assert report.nodes[head - 1].jump == (Fraction(1), Fraction(1))
    check_jump(report, head, period=8)
    check_widest_inside(model, report, size, "head", period=8)


def test_unet_with_odd_sizes_pads_to_join():
    model = UNetStyle(resize="nearest", depth=2)
    size = (1, 1, 45, 51)
    report = from_torch(model, size)
    assert reported_leaf_calls(report, model) == real_leaf_calls(model, size)
    assert any(n.kind == "pad" for n in report.nodes)
    for name in ("dec.0.0", "head"):
        check_row(model, report, size, name)


# --- random nested models -------------------------------------------------------


class Residual(nn.Module):
    def __init__(self, body: nn.Module) -> None:
        super().__init__()
        self.body = body

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class Branches(nn.Module):
    def __init__(self, *branches: nn.Module) -> None:
        super().__init__()
        self.branches = nn.ModuleList(branches)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([b(x) for b in self.branches], 1)


class Resize(nn.Module):
    def __init__(self, size: tuple[int, int] | None, scale: float | None, mode: str) -> None:
        super().__init__()
        self.size, self.scale, self.mode = size, scale, mode

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        align = False if self.mode in ("bilinear", "bicubic") else None
        return F.interpolate(x, self.size, self.scale, self.mode, align)


class Crop(nn.Module):
    def __init__(self, top: int, left: int) -> None:
        super().__init__()
        self.top, self.left = top, left

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x[:, :, self.top :, self.left : x.shape[3] - self.left]


class Pad(nn.Module):
    def __init__(self, pads: list[int], mode: str) -> None:
        super().__init__()
        self.pads, self.mode = pads, mode

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.pad(x, self.pads, mode=self.mode)


def random_block(rng: random.Random, c: int, depth: int) -> tuple[nn.Module, int, bool]:
    """A random block on c channels: (module, its output channels, whether its fields are contiguous)."""
    kind = rng.choice(
        [
            "conv",
            "conv",
            "pool",
            "avg",
            "transpose",
            "residual",
            "branches",
            "resize",
            "adaptive",
            "crop",
            "pad",
            "nested",
        ]
    )
    if kind == "nested" and depth < 2:
        layers, contiguous = [], True
        for _ in range(rng.randint(1, 3)):
            block, c, ok = random_block(rng, c, depth + 1)
            layers.append(block)
            contiguous &= ok
        return nn.Sequential(*layers), c, contiguous
    if kind == "conv" or kind == "nested":
        k, d = rng.choice([1, 2, 3, 3, 5]), rng.choice([1, 1, 2])
        c_out = rng.choice([2, 3, 4])
        conv = nn.Conv2d(c, c_out, k, rng.choice([1, 1, 2]), rng.randint(0, k // 2), d)
        return (
            nn.Sequential(conv, nn.BatchNorm2d(c_out), nn.ReLU()),
            c_out,
            (d == 1 and k > 1) or conv.stride == (1, 1),
        )
    if kind == "pool":
        k = rng.choice([2, 3])
        return (
            nn.MaxPool2d(
                k, rng.choice([1, 2]), rng.randint(0, k // 2), ceil_mode=rng.random() < 0.5
            ),
            c,
            True,
        )
    if kind == "avg":
        k = rng.choice([2, 3])
        return (
            nn.AvgPool2d(
                k, rng.choice([1, 2]), rng.randint(0, k // 2), ceil_mode=rng.random() < 0.3
            ),
            c,
            True,
        )
    if kind == "transpose":
        s = rng.choice([1, 2])
        k = rng.choice([s, s + 1, 3])
        return nn.ConvTranspose2d(c, c, k, s, rng.randint(0, (k - 1) // 2)), c, k >= s
    if kind == "residual":
        k = rng.choice([1, 3, 5])
        body = nn.Sequential(
            nn.Conv2d(c, c, k, padding=k // 2), nn.ReLU(), nn.Conv2d(c, c, 3, padding=1)
        )
        return Residual(body), c, True
    if kind == "branches":
        a = nn.Conv2d(c, 2, 1)
        b = nn.Sequential(nn.Conv2d(c, 2, 3, padding=1), nn.Conv2d(2, 2, 3, padding=2, dilation=2))
        p = nn.MaxPool2d(3, 1, 1)
        return Branches(a, b, p), 4 + c, True
    if kind == "resize":
        mode = rng.choice(["nearest", "nearest", "bilinear", "nearest-exact"])
        if rng.random() < 0.5:
            return Resize(None, rng.choice([2.0, 1.5, 0.5, 3.0]), mode), c, mode != "nearest"
        return Resize((rng.randint(9, 40), rng.randint(9, 40)), None, mode), c, False
    if kind == "adaptive":
        return nn.AdaptiveAvgPool2d((rng.randint(3, 9), rng.randint(3, 9))), c, True
    if kind == "crop":
        return Crop(rng.randint(0, 2), rng.randint(0, 2)), c, True
    return (
        Pad(
            [rng.randint(0, 2) for _ in range(4)], rng.choice(["constant", "reflect", "replicate"])
        ),
        c,
        True,
    )


@pytest.mark.parametrize("seed", range(12))
def test_random_nested_models_fields_match_autograd(seed):
    rng = random.Random(seed)
    for _attempt in range(50):
        c = 2
        blocks, contiguous = [], True
        for _ in range(rng.randint(2, 5)):
            block, c, ok = random_block(rng, c, 0)
            blocks.append(block)
            contiguous &= ok
        model = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), *blocks, nn.Conv2d(c, 1, 1))
        size = (1, 1, rng.randint(20, 40), rng.randint(20, 40))
        try:
            with torch.no_grad():
                out = model.eval()(torch.zeros(*size))
        except RuntimeError:
            continue
        if min(out.shape[2:]) >= 2:
            break
    else:
        pytest.skip("no valid random model")
    report = from_torch(model, size, graph=True)
    assert reported_leaf_calls(report, model) == real_leaf_calls(model, size)
    plain = from_torch(model, size)
    assert [(r.receptive_field, r.jump, r.output_shape) for r in plain.layers] == [
        (r.receptive_field, r.jump, r.output_shape) for r in report.layers
    ]
    check_row(model, report, size, str(len(blocks) + 1))
    middle = [n for n in report.nodes if n.kind in ("Conv2d", "ConvTranspose2d", "MaxPool2d")]
    node = middle[len(middle) // 2]
    check_row(model, report, size, node.name, rows_of(report, node.name).index(node.index))


# --- single operations ----------------------------------------------------------


class Op(nn.Module):
    """A leaf module whose forward is one function."""

    def __init__(self, fn: Callable[[torch.Tensor], torch.Tensor]) -> None:
        super().__init__()
        self.fn = fn

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fn(x)


def check_op(op: nn.Module, size: Sequence[int], kind: str | None = None) -> ModelReport:
    """A 1x1 convolution, then the operation: its row against autograd, and its shapes against PyTorch."""
    model = nn.Sequential(nn.Conv2d(size[1], 2, 1), op)
    report = from_torch(model, size, graph=True)
    real = real_leaf_calls(model, size)
    rows = rows_of(report, "1")
    node = report.nodes[rows[-1] - 1]
    assert node.shape == real[-1][2]
    if kind is not None:
        assert len(rows) == 1 and node.kind == kind
    assert node.receptive_field is not None
    check_row(model, report, size, "1", index=rows[-1])
    return report


RESIZES = [
    dict(scale_factor=2.0),
    dict(scale_factor=1.5),
    dict(scale_factor=0.5),
    dict(scale_factor=(3.0, 1.0 / 3)),
    dict(scale_factor=2.5, recompute_scale_factor=True),
    dict(size=(13, 5)),
    dict(size=(7, 31)),
    dict(size=(29, 11)),
]


@pytest.mark.parametrize("mode", ["nearest", "nearest-exact", "bilinear", "bicubic", "area"])
@pytest.mark.parametrize("how", range(len(RESIZES)))
def test_resizing_reads_what_autograd_says(mode, how):
    kwargs = dict(RESIZES[how])
    if mode == "area" and "size" not in kwargs:
        kwargs.pop("recompute_scale_factor", None)
    for size in ((1, 1, 11, 17), (1, 1, 6, 9)):
        check_op(Op(lambda x: F.interpolate(x, mode=mode, **kwargs)), size, "Op")
        if mode in ("bilinear", "bicubic"):
            check_op(Op(lambda x: F.interpolate(x, mode=mode, align_corners=True, **kwargs)), size)


@pytest.mark.parametrize("factor", [2, 3])
@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_upsample_modules(factor, mode):
    report = check_op(nn.Upsample(scale_factor=factor, mode=mode), (1, 1, 10, 7), "Upsample")
    node = report.nodes[rows_of(report, "1")[0] - 1]
    assert node.jump == (Fraction(1, factor), Fraction(1, factor))


@pytest.mark.parametrize("out", [1, 3, (5, 2), (7, None), 10])
def test_adaptive_pooling_reads_its_windows(out):
    for size in ((1, 1, 7, 10), (1, 1, 13, 9)):
        check_op(nn.AdaptiveAvgPool2d(out), size, "AdaptiveAvgPool2d")
        check_op(nn.AdaptiveMaxPool2d(out), size, "AdaptiveMaxPool2d")


@pytest.mark.parametrize(
    "pads, mode",
    [
        ([1, 2, 0, 3], "constant"),
        ([-1, 2, 2, -2], "constant"),
        ([2, 1, 3, 0], "reflect"),
        ([2, 3, 1, 1], "replicate"),
        ([3, 2, 1, 4], "circular"),
    ],
)
def test_padding_modes(pads, mode):
    check_op(Op(lambda x: F.pad(x, pads, mode=mode)), (1, 1, 9, 8))


def test_pixel_shuffle_and_unshuffle():
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.PixelShuffle(2), nn.Conv2d(1, 1, 3, padding=1)
    )
    report = from_torch(model, (1, 1, 5, 6))
    check_row(model, report, (1, 1, 5, 6), "2")
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.PixelUnshuffle(2), nn.Conv2d(16, 1, 3, padding=1)
    )
    report = from_torch(model, (1, 1, 12, 16))
    check_row(model, report, (1, 1, 12, 16), "2")


def test_spatial_cat_split_flip_roll_slice_repeat():
    ops = [
        lambda x: torch.cat([x, x.flip(2)[:, :, :4]], dim=2),
        lambda x: torch.cat(list(reversed(x.split([3, 6], dim=3))), dim=-1),
        lambda x: torch.cat(x.chunk(3, dim=2)[::-1], 2),
        lambda x: x.narrow(3, 2, 4),
        lambda x: torch.flip(x, (2,)),
        lambda x: torch.roll(x, (3, -2), (2, 3)),
        lambda x: x[:, :, 1::2, ::3],
        lambda x: x[..., 2:-1],
        lambda x: x.repeat(1, 1, 2, 3),
        lambda x: x.permute(1, 0, 2, 3).contiguous().view(2, 1, 9, 9).transpose(0, 1),
    ]
    for fn in ops:
        check_op(Op(fn), (1, 1, 9, 9))


def test_a_concatenation_along_an_axis_is_exact_there_and_a_union_across():
    def join(x: torch.Tensor) -> torch.Tensor:
        return torch.cat([x, F.avg_pool2d(x, 3, 1, 1)[:, :, :4]], dim=2)

    model = nn.Sequential(nn.Conv2d(1, 2, 1), Op(join))
    size = (1, 1, 9, 9)
    report = from_torch(model, size, graph=True)
    assert any("joins maps along a spatial axis" in note for note in report.notes)
    index = rows_of(report, "1")[-1]
    fields = report.fields(index)
    cells = probe_cells((13, 9))
    for cell, got in zip(cells, measured(model, size, "1", 0, cells)):
        u, v = cell
        assert got[0] == fields[0][u]  # exact along the joined axis
        assert fields[1][v][0] <= got[1][0] and got[1][1] <= fields[1][v][1]  # a union across


def test_broadcast_reductions_and_axis_operations():
    se = Op(lambda x: x * torch.sigmoid(x.mean((2, 3), keepdim=True)))
    report = check_op(se, (1, 1, 9, 7))
    assert report.nodes[rows_of(report, "1")[0] - 1].receptive_field == (9, 7)  # every cell
    report = check_op(Op(lambda x: torch.softmax(x, dim=-1)), (1, 1, 6, 8))
    assert report.nodes[rows_of(report, "1")[0] - 1].receptive_field == (1, 8)
    report = check_op(nn.Linear(8, 5), (1, 1, 6, 8), "Linear")
    assert report.nodes[rows_of(report, "1")[0] - 1].receptive_field == (1, 8)
    check_op(Op(lambda x: x - x.amax(dim=2, keepdim=True)), (1, 1, 6, 8))
    check_op(Op(lambda x: x.sum(1, keepdim=True) + x), (1, 1, 6, 8))


def test_after_flatten_every_value_reads_the_whole_input():
    class Unflatten(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x.view(1, 1, 6, 6)

    model = nn.Sequential(
        nn.Conv2d(1, 1, 3), nn.Flatten(), nn.Linear(64, 36), Unflatten(), nn.Conv2d(1, 1, 3)
    )
    size = (1, 1, 10, 10)
    report = from_torch(model, size)
    last = report.nodes[-1]
    assert last.whole and last.receptive_field == (10, 10)
    assert report.table().splitlines()[-1].split()[-2:] == ["(all)", "-"]
    check_row(model, report, size, "4")


def test_transposed_convolution_with_output_size():
    class Up(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.down = nn.Conv2d(1, 1, 3, stride=2, padding=1)
            self.up = nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.up(self.down(x), output_size=x.shape[2:])

    model = Up()
    size = (1, 1, 14, 13)
    assert from_torch(model, size).layers[-1].config.output_padding == (1, 0)  # a chain: the stack
    report = from_torch(model, size, graph=True)
    (layer,) = [r for r in report.layers if r.name == "up: ConvTranspose2d"]
    assert layer.output_shape == (14, 13)
    assert layer.config.output_padding == (1, 0)
    check_row(model, report, size, "up")


@pytest.mark.parametrize("mode", ["reflect", "replicate"])
def test_padding_modes_of_a_convolution_read_inside_the_window(mode):
    # Reflected or replicated cells lie inside the window's box, so the box is a zero-padded one's.
    model = nn.Sequential(
        nn.Conv2d(1, 1, 5, padding=2, padding_mode=mode),
        nn.Conv2d(1, 1, 3, padding=1, padding_mode=mode),
    )
    report = from_torch(model, (1, 1, 9, 9), graph=True)
    check_row(model, report, (1, 1, 9, 9), "1")
