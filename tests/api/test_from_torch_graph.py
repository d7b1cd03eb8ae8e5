"""from_torch on any module: what it records, the stack for chains, refusals, the model untouched, speed."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from fractions import Fraction
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from convarith import ConvArithError
from convarith.api.from_torch import from_torch, layers_from_torch
from convarith.core.graph import ModelReport
from convarith.core.stack import StackReport, analyze_stack


class Bottleneck(nn.Module):
    """torchvision's ResNet-50 block: 1x1, 3x3 (stride), 1x1, and a 1x1 projection shortcut."""

    def __init__(self, c_in: int, width: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, width * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(width * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or c_in != width * 4:
            self.downsample = nn.Sequential(
                nn.Conv2d(c_in, width * 4, 1, stride, bias=False), nn.BatchNorm2d(width * 4)
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class ResNet50(nn.Module):
    """The layer structure of torchvision's resnet50 (25.6M parameters), without torchvision."""

    def __init__(self, blocks: tuple[int, ...] = (3, 4, 6, 3), classes: int = 1000) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        c = 64
        stages = []
        for i, n in enumerate(blocks):
            width = 64 * 2**i
            stage = [Bottleneck(c, width, 1 if i == 0 else 2)]
            c = width * 4
            stage += [Bottleneck(c, width) for _ in range(n - 1)]
            stages.append(nn.Sequential(*stage))
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(c, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def test_resnet50_structure():
    model = ResNet50()
    report = from_torch(model, (3, 224, 224))
    assert isinstance(report, ModelReport)
    assert len(report.layers) == 53 + 1  # convolutions and the max pooling
    assert len([n for n in report.nodes if n.kind == "add"]) == 16
    rows = {n.label: n for n in report.nodes}
    # The receptive fields torchvision's resnet50 is known for, at the end of each stage.
    ends = ("layer1.2.relu", "layer2.3.relu", "layer3.5.relu", "layer4.2.relu")
    assert [rows[f"{e}: ReLU"].receptive_field[0] for e in ends] == [35, 91, 267, 427]
    assert rows["layer4.2.relu: ReLU"].jump == (Fraction(32), Fraction(32))
    assert rows["avgpool: AdaptiveAvgPool2d"].shape == (1, 2048, 1, 1)
    assert rows["fc: Linear"].whole and rows["fc: Linear"].shape == (1, 1000)
    assert report.outputs == ((1, 1000),)
    assert report.output_shape == (1, 1) and report.out_channels == 2048
    table = report.table()
    assert len(table.splitlines()) == len(report.nodes) + 3
    assert "layer4.2: add" in table and "170,162" in table  # the sum reads its two branches
    json.dumps(report.to_dict())


RESNET_SCRIPT = """
import sys, time
sys.path.insert(0, {tests!r})
import torch
from test_from_torch_graph import ResNet50
model = ResNet50()
import convarith
start = time.perf_counter()
convarith.from_torch(model, (3, 224, 224))
first = time.perf_counter() - start
start = time.perf_counter()
convarith.from_torch(model, (3, 224, 224))
second = time.perf_counter() - start
heavy = [m for m in ("sympy", "torch._dynamo", "torch._inductor") if m in sys.modules]
print(first, second, ",".join(heavy) or "-")
"""


def test_resnet50_takes_well_under_a_second():
    """Timed in a fresh process: no meta kernel runs, so PyTorch's seconds of first-use imports never happen."""
    script = RESNET_SCRIPT.format(tests=str(Path(__file__).parent))
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    first, second, heavy = done.stdout.split()
    assert heavy == "-"
    assert float(first) < 1.0, first
    assert float(second) < 0.5, second


def test_the_model_is_neither_modified_nor_moved():
    model = ResNet50(blocks=(1, 1, 1, 1), classes=10).train()
    model.layer1[0].bn1.momentum = None
    calls = []
    model.conv1.register_forward_hook(lambda *_: calls.append(1))
    before = {k: (v.data_ptr(), v.clone()) for k, v in model.state_dict().items()}
    modules = {n: id(m) for n, m in model.named_modules()}
    from_torch(model, (2, 3, 64, 64))
    assert model.training and all(m.training for m in model.modules())
    assert calls == []  # the user's hooks do not run on the copy
    assert len(model.conv1._forward_hooks) == 1
    assert all(not m._forward_pre_hooks for m in model.modules())
    assert {n: id(m) for n, m in model.named_modules()} == modules
    for key, value in model.state_dict().items():
        assert value.device.type == "cpu"
        assert value.data_ptr() == before[key][0]
        assert torch.equal(value, before[key][1])


def test_flat_sequentials_give_the_stack_report():
    models = [
        nn.Sequential(nn.Conv2d(3, 8, 3, stride=2), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2)),
        nn.Sequential(
            nn.Conv1d(2, 4, 5, dilation=2),
            nn.Sequential(nn.ConvTranspose1d(4, 4, 4, 2, 1), nn.GELU()),
        ),
        nn.Sequential(nn.Conv3d(1, 2, 3, padding=1), nn.AvgPool3d(2, ceil_mode=True)),
    ]
    for model, spatial in zip(models, ((33, 30), (50,), (9, 8, 7))):
        channels = next(model.modules().__iter__().__next__().modules())
        c = next(m for m in model.modules() if isinstance(m, nn.modules.conv._ConvNd)).in_channels
        del channels
        expected = analyze_stack(spatial, layers_from_torch(model), in_channels=c)
        report = from_torch(model, (c, *spatial))
        assert type(report) is StackReport
        assert report == expected
        assert from_torch(model, spatial) == analyze_stack(spatial, layers_from_torch(model))
        # The whole graph says the same for the convolutions and pooling, and shows every layer.
        graph = from_torch(model, (c, *spatial), graph=True)
        assert isinstance(graph, ModelReport)
        assert [(r.name, r.config, r.receptive_field, r.jump) for r in graph.layers] == [
            (r.name, r.config, r.receptive_field, r.jump) for r in expected.layers
        ]
        assert len(graph.nodes) == sum(
            1 for m in model.modules() if next(m.children(), None) is None
        )


class TwoHeads(nn.Module):
    """A shared convolution used twice, a functional convolution, an SE gate, two outputs."""

    def __init__(self) -> None:
        super().__init__()
        self.shared = nn.Conv2d(4, 4, 3, padding=1)
        self.weight = nn.Parameter(torch.randn(4, 4, 3, 3))
        self.gate = nn.Conv2d(4, 4, 1)
        self.head = nn.Conv2d(4, 1, 1)

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        y = self.shared(self.shared(x))
        z = F.conv2d(x, self.weight, stride=2, padding=1)
        gate = torch.sigmoid(self.gate(F.adaptive_avg_pool2d(y, 1)))
        return {"dense": self.head(y * gate), "coarse": F.max_pool2d(z, 2)}


def test_custom_forward_shared_modules_functional_layers_and_outputs():
    model = TwoHeads()
    report = from_torch(model, (4, 20, 18))
    labels = [n.label for n in report.nodes]
    assert labels.count("shared: Conv2d") == 2
    assert "conv2d" in labels and "max_pool2d" in labels
    rows = {n.label: n for n in report.nodes}
    assert rows["conv2d"].rule == "layer" and rows["conv2d"].receptive_field == (3, 3)
    assert rows["max_pool2d"].receptive_field == (5, 5)
    assert rows["max_pool2d"].jump == (Fraction(4), Fraction(4))
    # The gate reads every cell of y, whose fields (padding counted) reach 2 cells beyond each edge.
    head = rows["head: Conv2d"]
    assert head.receptive_field == (24, 22)
    assert report.fields(head.index) == (((0, 19),) * 20, ((0, 17),) * 18)
    real = model(torch.zeros(1, 4, 20, 18))
    assert report.outputs == (tuple(real["dense"].shape), tuple(real["coarse"].shape))


def test_every_input_shape_form_gives_the_same_fields():
    model = TwoHeads()
    reports = [from_torch(model, s) for s in ((20, 18), (4, 20, 18), (3, 4, 20, 18))]
    assert len({tuple((n.label, n.receptive_field, n.jump) for n in r.nodes) for r in reports}) == 1
    assert reports[0].in_channels is None and reports[1].in_channels == 4
    assert reports[2].input_size == (3, 4, 20, 18)


def test_one_and_three_dimensional_models():
    class Temporal(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.a = nn.Conv1d(2, 4, 3, padding=2, dilation=2)
            self.b = nn.Conv1d(4, 4, 3, stride=2, padding=1)
            self.skip = nn.Conv1d(2, 4, 1, stride=2)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.b(torch.relu(self.a(x))) + self.skip(x)

    report = from_torch(Temporal(), (2, 40))
    assert report.nodes[-1].kind == "add"
    assert report.nodes[-1].receptive_field == (7,) and report.nodes[-1].shape == (1, 4, 20)

    volume = nn.Sequential(
        nn.Conv3d(1, 2, 3, padding=1), nn.MaxPool3d(2), nn.ConvTranspose3d(2, 2, 2, 2), nn.Flatten()
    )
    report = from_torch(volume, (1, 8, 6, 4))
    assert [n.kind for n in report.nodes] == ["Conv3d", "MaxPool3d", "ConvTranspose3d", "Flatten"]
    assert report.nodes[2].receptive_field == (4, 4, 4)
    assert report.nodes[-1].whole


def test_eval_mode_copy_and_training_only_branches():
    class Aux(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(1, 1, 3)
            self.aux = nn.Conv2d(1, 1, 5)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            y = self.conv(x)
            return y + self.aux(y).mean() if self.training else y

    model = Aux().train()
    report = from_torch(model, (1, 16, 16))
    assert [layer.name for layer in report.layers] == ["conv: Conv2d"]
    assert model.training


def test_operations_it_does_not_follow_keep_shapes_and_say_so():
    class Differences(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(1, 2, 3)
            self.after = nn.Conv2d(2, 2, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.after(torch.diff(self.conv(x), dim=-1))

    report = from_torch(Differences(), (1, 12, 12))
    rows = {n.label: n for n in report.nodes}
    assert rows["conv: Conv2d"].receptive_field == (3, 3)
    assert rows["diff"].rule == "opaque" and rows["diff"].receptive_field is None
    assert rows["after: Conv2d"].receptive_field is None
    assert rows["after: Conv2d"].shape == (1, 2, 8, 7)
    (layer,) = [r for r in report.layers if r.name == "after: Conv2d"]
    assert layer.receptive_field == (None, None) and layer.jump == ()
    assert len(report.notes) == 1 and "diff" in report.notes[0]
    table = report.table()
    assert table.splitlines()[-1].startswith("note: row 2 (diff)")
    assert " ?" in table


# --- refusals: one line each ----------------------------------------------------


def one_line(error: pytest.ExceptionInfo[ConvArithError]) -> str:
    message = str(error.value)
    assert "\n" not in message
    return message


def test_refuses_what_is_not_a_module():
    with pytest.raises(ConvArithError) as info:
        from_torch(torch.zeros(3), (3, 8, 8))
    assert one_line(info) == "module=Tensor is not a torch.nn.Module"


def test_the_models_own_refusal_names_the_layer():
    model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Flatten(), nn.Linear(8 * 14 * 14, 2))
    with pytest.raises(ConvArithError) as info:
        from_torch(model, (3, 20, 20))
    assert one_line(info) == (
        "module=Sequential refuses input 1x3x20x20 in 2 (Linear): "
        "mat1 and mat2 shapes cannot be multiplied (1x2592 and 1568x2)"
    )
    with pytest.raises(RuntimeError, match="mat1 and mat2"):
        model(torch.zeros(1, 3, 20, 20))


def test_a_too_small_input_names_the_layer_deep_in_the_model():
    model = ResNet50(blocks=(1, 1, 1, 1))
    with pytest.raises(ConvArithError) as info:
        from_torch(nn.Sequential(model.layer1, nn.Conv2d(256, 4, 5)), (64, 4, 4))
    assert one_line(info).startswith("layer 5 (1: Conv2d) on 4x4: kernel_size=5")


def test_wrong_channels_name_the_layer():
    model = TwoHeads()
    with pytest.raises(ConvArithError) as info:
        from_torch(model, (3, 20, 18))
    assert one_line(info) == "layer 1 (shared: Conv2d): in_channels=4 but 3 channels come in"


def test_a_guessed_channel_count_is_said():
    class Late(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.second = nn.Conv2d(8, 8, 3)
            self.first = nn.Conv2d(3, 8, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.second(self.first(x))

    with pytest.raises(ConvArithError) as info:
        from_torch(Late(), (16, 16))
    assert one_line(info).endswith(
        "(input_shape gave no channels; convarith tried 8, the first convolution's in_channels)"
    )
    assert from_torch(Late(), (3, 16, 16)).output_shape == (12, 12)


@pytest.mark.parametrize(
    "forward",
    [
        lambda self, x: self.conv(x) if x.sum() > 0 else x,
        lambda self, x: self.conv(x) * x.mean().item(),
        lambda self, x: self.conv(x[x > 0].view(1, 1, 4, 4)),
    ],
)
def test_a_model_that_reads_tensor_values_cannot_be_traced(forward):
    class ReadsValues(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(1, 1, 3)

    ReadsValues.forward = forward
    with pytest.raises(ConvArithError) as info:
        from_torch(ReadsValues(), (1, 8, 8))
    message = one_line(info)
    assert message.startswith(
        "module=ReadsValues cannot be traced on the meta device in the forward of ReadsValues: "
    )
    assert message.endswith(
        "(its forward reads tensor values, which a trace without data cannot give)"
    )


def test_a_forward_that_wants_more_inputs_is_refused():
    class Pair(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(1, 1, 3)

        def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
            return self.conv(x) + y

    with pytest.raises(ConvArithError) as info:
        from_torch(Pair(), (1, 8, 8))
    assert "missing 1 required positional argument: 'y'" in one_line(info)


def test_input_shapes_that_do_not_fit():
    with pytest.raises(ConvArithError, match="does not fit a 2-D module"):
        from_torch(TwoHeads(), (1, 1, 4, 20, 18))
    with pytest.raises(ConvArithError, match="channels=0 must be a positive int"):
        from_torch(TwoHeads(), (0, 20, 18))
    with pytest.raises(ConvArithError, match="must be spatial sizes"):
        from_torch(TwoHeads(), "20x18")


def test_a_model_that_cannot_be_copied():
    class Locked(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(1, 1, 3)
            self.stream = open(__file__)  # noqa: SIM115 - a file cannot be deep-copied

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.conv(x)

    model = Locked()
    try:
        with pytest.raises(ConvArithError) as info:
            from_torch(model, (1, 8, 8))
        assert one_line(info).startswith("module=Locked cannot be copied to trace it: ")
    finally:
        model.stream.close()


def test_a_parametrized_model_and_a_lazy_model():
    model = nn.Sequential(
        nn.utils.parametrizations.weight_norm(nn.Conv2d(1, 4, 3)), nn.LazyConv2d(2, 3), nn.Flatten()
    )
    report = from_torch(model, (1, 1, 10, 10))
    assert [n.shape for n in report.nodes] == [(1, 4, 8, 8), (1, 2, 6, 6), (1, 72)]
    assert isinstance(model[1], nn.LazyConv2d)  # the model's own lazy module is not initialised


def test_dtype_follows_the_model():
    model = nn.Sequential(nn.Conv2d(1, 1, 3), nn.Upsample(scale_factor=2)).double()
    report = from_torch(model, (1, 6, 6))
    assert report.nodes[-1].shape == (1, 1, 8, 8)


def test_the_table_of_a_join():
    class Join(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.a = nn.Conv2d(1, 2, 3, padding=1)
            self.b = nn.Conv2d(1, 2, 5, padding=2)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return torch.cat([self.a(x), self.b(x)], 1)

    text = from_torch(Join(), (1, 8, 8)).table()
    assert text == textwrap.dedent(
        """\
        #  layer      from  parameters   output  receptive field  jump
        -  ---------  ----  -----------  ------  ---------------  ----
           input                         1x8x8   1                1
        1  a: Conv2d        k=3 s=1 p=1  2x8x8   3x3              1
        2  b: Conv2d  0     k=5 s=1 p=2  2x8x8   5x5              1
        3  cat        1,2   dim=1        4x8x8   5x5              1"""
    )


def test_tracing_is_quick_for_a_small_model():
    model = TwoHeads()
    from_torch(model, (4, 32, 32))
    start = time.perf_counter()
    for _ in range(5):
        from_torch(model, (4, 32, 32))
    assert (time.perf_counter() - start) / 5 < 0.1


def test_fields_along_a_very_long_axis_are_not_worked_out():
    model = nn.Sequential(*[nn.Conv1d(1, 1, 9, padding=4) for _ in range(40)], nn.MaxPool1d(4))
    start = time.perf_counter()
    report = from_torch(model, (1, 1, 100_000), graph=True)
    assert time.perf_counter() - start < 2
    assert report.nodes[-1].shape == (1, 1, 25_000)
    assert all(n.receptive_field is None for n in report.nodes)
    assert report.layers[-1].receptive_field == (None,)
    assert "MAX_FIELD_STEPS" in report.notes[-1]
    with pytest.raises(ConvArithError, match="not worked out"):
        report.fields(1)
    short = from_torch(model, (1, 1, 2_000), graph=True)
    assert short.nodes[-2].receptive_field == (321,)
