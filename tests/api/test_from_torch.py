"""from_torch on real modules: every kind and dimensionality, nested Sequentials, refusals."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from convarith import ConvArithError
from convarith.api.from_torch import from_torch, layers_from_torch

SPATIAL = {1: (23,), 2: (19, 16), 3: (9, 8, 7)}

MODULES = [
    # (module factory per ndim, in channels, out channels)
    (lambda n: getattr(nn, f"Conv{n}d")(3, 5, 3), 3, 5),
    (
        lambda n: getattr(nn, f"Conv{n}d")(
            4, 6, (2, 3, 1)[:n] if n > 1 else 2, stride=2, padding=1, dilation=2, groups=2
        ),
        4,
        6,
    ),
    (
        lambda n: getattr(nn, f"Conv{n}d")(
            2, 2, 4, padding="same", dilation=(1, 2, 1)[:n] if n > 1 else 3
        ),
        2,
        2,
    ),
    (lambda n: getattr(nn, f"Conv{n}d")(2, 3, 3, padding="valid", padding_mode="reflect"), 2, 3),
    (lambda n: getattr(nn, f"ConvTranspose{n}d")(3, 2, 4, stride=2, padding=1), 3, 2),
    (
        lambda n: getattr(nn, f"ConvTranspose{n}d")(
            2, 4, 3, stride=3, padding=4, output_padding=2, dilation=2, groups=2
        ),
        2,
        4,
    ),
    (lambda n: getattr(nn, f"MaxPool{n}d")(2), 3, 3),
    (
        lambda n: getattr(nn, f"MaxPool{n}d")(3, stride=2, padding=1, dilation=2, ceil_mode=True),
        3,
        3,
    ),
    (lambda n: getattr(nn, f"AvgPool{n}d")(3, stride=1, padding=1, count_include_pad=False), 3, 3),
    (lambda n: getattr(nn, f"AvgPool{n}d")(2, ceil_mode=True), 3, 3),
]


@pytest.mark.parametrize("ndim", (1, 2, 3))
@pytest.mark.parametrize("case", range(len(MODULES)))
def test_single_modules(case, ndim):
    make, c_in, c_out = MODULES[case]
    m = make(ndim)
    spatial = SPATIAL[ndim]
    expected = tuple(m(torch.zeros(2, c_in, *spatial)).shape)
    for given in (spatial, (c_in, *spatial), (2, c_in, *spatial)):
        report = from_torch(m, given)
        assert report.output_shape == expected[2:], given
        assert len(report.layers) == 1
    assert from_torch(m, (c_in, *spatial)).out_channels == expected[1]
    if c_in == c_out:  # a pooling keeps the count; a conv's is its out_channels
        assert from_torch(m, (2, c_in, *spatial)).out_channels == c_in


def test_avg_pool_divisor_override_is_read():
    m = nn.AvgPool2d(2, divisor_override=3)
    (layer,) = layers_from_torch(m)
    assert layer.params["divisor_override"] == 3
    assert from_torch(m, (7, 7)).output_shape == tuple(m(torch.zeros(1, 1, 7, 7)).shape[2:])


def test_nested_sequential_with_shape_keeping_layers():
    model = nn.Sequential(
        nn.Conv2d(3, 16, 7, stride=2, padding=3, bias=False),
        nn.BatchNorm2d(16),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(3, stride=2, padding=1),
        nn.Sequential(
            nn.Conv2d(16, 32, 3, padding=1),
            nn.Dropout(0.1),
            nn.Sequential(nn.Conv2d(32, 32, 3, stride=2, dilation=2), nn.GELU()),
            nn.Dropout2d(),
        ),
        nn.ConvTranspose2d(32, 8, 4, stride=2, padding=1),
        nn.AvgPool2d(2),
        nn.Identity(),
    ).eval()
    x = torch.zeros(2, 3, 64, 48)
    expected = []
    hooks = [
        m.register_forward_hook(lambda _m, _i, out: expected.append(tuple(out.shape[1:])))
        for m in model.modules()
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.MaxPool2d, nn.AvgPool2d))
    ]
    final = model(x)
    for h in hooks:
        h.remove()
    for given in ((64, 48), (3, 64, 48), (2, 3, 64, 48)):
        report = from_torch(model, given)
        assert report.output_shape == tuple(final.shape[2:])
        assert len(report.layers) == 6
        assert [r.output_shape for r in report.layers] == [e[1:] for e in expected]
    report = from_torch(model, (3, 64, 48))
    assert [r.out_channels for r in report.layers] == [e[0] for e in expected]
    # Layer names say where each sits in the model.
    assert report.layers[2].name.startswith("4.0")


def test_one_dimensional_input_as_an_int():
    m = nn.Conv1d(1, 1, 3)
    assert from_torch(m, 10).output_shape == (8,)


@pytest.mark.parametrize(
    "module",
    [
        nn.Sequential(nn.Conv2d(3, 8, 3), nn.Flatten(), nn.Linear(8 * 14 * 14, 2)),
        nn.Sequential(nn.Conv2d(3, 8, 3), nn.Upsample(scale_factor=2)),
        nn.Sequential(nn.Conv2d(3, 8, 3), nn.AdaptiveAvgPool2d(1)),
    ],
)
def test_follows_modules_beyond_convolution_and_pooling(module):
    report = from_torch(module, (3, 16, 16))
    last = report.nodes[-1]
    assert last.shape == tuple(module(torch.zeros(1, 3, 16, 16)).shape)
    assert last.receptive_field is not None
    # Reading modules without running them still knows only convolutions and pooling.
    with pytest.raises(ConvArithError) as info:
        layers_from_torch(module)
    assert "\n" not in str(info.value)
    assert any(name in str(info.value) for name in ("Flatten", "Upsample", "AdaptiveAvgPool2d"))


def test_refuses_a_model_without_convolution_or_pooling():
    with pytest.raises(ConvArithError):
        from_torch(nn.Sequential(nn.ReLU(), nn.Dropout()), (3, 8, 8))
    with pytest.raises(ConvArithError, match="runs no convolution or pooling"):
        from_torch(nn.Sequential(nn.ReLU(), nn.Dropout()), (1, 3, 8, 8))
    with pytest.raises(ConvArithError, match="Flatten"):
        from_torch(nn.Flatten(), (1, 3, 16, 16))
    with pytest.raises(ConvArithError, match=r"not a torch\.nn\.Module"):
        from_torch("conv", (3, 8, 8))


def test_channel_mismatch_is_refused_like_pytorch():
    m = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Conv2d(8, 4, 3))
    with pytest.raises(RuntimeError):
        m(torch.zeros(1, 4, 16, 16))
    with pytest.raises(ConvArithError):
        from_torch(m, (4, 16, 16))
    with pytest.raises(ConvArithError):
        from_torch(m, (1, 4, 16, 16))
    assert from_torch(m, (1, 3, 16, 16)).out_channels == 4


def test_wrong_number_of_sizes_is_refused():
    m = nn.Conv2d(3, 8, 3)
    with pytest.raises(ConvArithError, match="2-D"):
        from_torch(m, (1, 1, 3, 16, 16))
    with pytest.raises(ConvArithError):
        from_torch(m, (16,))


def test_too_small_input_is_refused_like_pytorch():
    m = nn.Sequential(nn.Conv2d(1, 1, 3), nn.MaxPool2d(2), nn.Conv2d(1, 1, 3))
    with pytest.raises(RuntimeError):
        m(torch.zeros(1, 1, 7, 7))
    with pytest.raises(ConvArithError, match="layer 3"):
        from_torch(m, (7, 7))
    assert from_torch(m, (8, 8)).output_shape == tuple(m(torch.zeros(1, 1, 8, 8)).shape[2:])


def test_a_module_used_twice_counts_twice():
    conv = nn.Conv2d(4, 4, 3)
    pool = nn.MaxPool2d(2)
    model = nn.Sequential(conv, nn.ReLU(), conv, pool, pool)
    expected = tuple(model(torch.zeros(1, 4, 20, 20)).shape[2:])
    assert expected == (4, 4)
    assert from_torch(model, (4, 20, 20)).output_shape == expected
