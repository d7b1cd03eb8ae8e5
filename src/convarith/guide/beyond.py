"""The guide's chapter beyond the original report: 'same' padding, asymmetric and causal padding, 3-D, stacks."""

from __future__ import annotations

from typing import Any

from convarith.core.text import shape_text
from convarith.guide.figures import GuideFigure
from convarith.guide.markup import (
    Chapter,
    figure,
    formula,
    formula_text,
    heading,
    math,
    table,
    text,
    worked,
)
from convarith.guide.mathtext import put_in

__all__ = ["beyond_the_original"]


def _axis(op: str, shape: tuple[int, ...], **params: object) -> tuple[int, int, int, int]:
    """(pad_lo, pad_hi, kernel, output size) of the first axis, as the library configures it."""
    from convarith.core.arithmetic import configure

    config = configure(op, shape, **params)
    a = config.axes[0]
    return a.pad_lo, a.pad_hi, a.kernel, config.output_shape[0]


def _same_padding() -> tuple[str, list[GuideFigure]]:
    torch_fig = GuideFigure(
        "same_padding_even_kernel",
        "conv",
        (5, 5),
        {"kernel_size": 4, "padding": "same"},
        caption="PyTorch's `padding='same'` with an even $4 times 4$ kernel: 3 zeros per axis, "
        "1 before and 2 after, and the output keeps the input's $5 times 5$.",
    )
    tf_fig = GuideFigure(
        "same_tf_padding_strides",
        "conv",
        (6, 6),
        {"kernel_size": 3, "stride": 2, "padding": "same_tf"},
        caption="TensorFlow's SAME with stride 2 over a $6 times 6$ input: $o = 3$ needs one "
        "zero per axis, and it goes at the end.",
    )
    lo, hi, _, _ = _axis("conv", (5,), kernel_size=4, padding="same")
    same_values = {"d": 1, "k": 4}
    tf_lo, tf_hi, _, tf_o = _axis("conv", (6,), kernel_size=3, stride=2, padding="same_tf")
    tf_values = {"o": tf_o, "s": 2, "d": 1, "k": 3, "i": 6}
    total = tf_lo + tf_hi
    markup = (
        heading(2, "'same' in PyTorch and in TensorFlow", "same-padding")
        + f"""
Half padding keeps the size only for an odd kernel. PyTorch's
`padding='same'` generalises it to any kernel size and dilation (with stride
1 only): it adds $d(k - 1)$ zeros per axis, and when that number is odd the
extra zero goes at the end (bottom, right):

{formula("same_low")}{formula("same_high")}
{worked("same_low", same_values, f"{put_in(formula_text('same_low'), same_values)} = {lo}")}
so $p_"hi" = {hi}$:

{figure(torch_fig)}
TensorFlow's `SAME` works with any stride: it first fixes the output size,
then adds as many zeros as that output needs, again the extra one at the
end:

{formula("same_tf_output")}{formula("same_tf_total")}{formula("same_tf_low")}{formula("same_tf_high")}
{worked("same_tf_total", tf_values, f"{put_in(formula_text('same_tf_total'), tf_values)} = {total}")}
so $p_"lo" = {tf_lo}$ and $p_"hi" = {tf_hi}$. PyTorch refuses `padding='same'` with a
stride; convarith accepts `same_tf` (and `low:high` padding) for any
stride, so that a TensorFlow model's sizes can be checked too.

{figure(tf_fig)}"""
    )
    return markup, [torch_fig, tf_fig]


def _asymmetric_and_causal() -> tuple[str, list[GuideFigure]]:
    from convarith.core.relations import relationship

    asym = GuideFigure(
        "asymmetric_padding",
        "conv",
        (5, 5),
        {"kernel_size": 3, "padding": ((1, 2), (1, 2))},
        caption="Padding 1 before and 2 after on each axis (`--padding 1:2x1:2`).",
    )
    causal = GuideFigure(
        "causal_dilated_1d",
        "conv",
        (8,),
        {"kernel_size": 3, "dilation": 2, "padding": ((4, 0),)},
        caption="A causal 1-D convolution: $k = 3$, $d = 2$ and padding $(4, 0)$; each output "
        "reads only its own and earlier cells, and the output is as long as the input.",
    )
    asym_worked = relationship(asym.op, asym.input_shape, **asym.params)[0].worked
    causal_worked = relationship(causal.op, causal.input_shape, **causal.params)[0].worked
    markup = (
        heading(2, "Asymmetric padding", "asymmetric-padding")
        + f"""
Nothing requires the same padding on both sides. With {math("p_lo")} zeros
before and {math("p_hi")} after, the padded input has
{math("i + p_lo + p_hi")} cells, and the general formula becomes

{formula("conv_asymmetric")}
{worked("conv_asymmetric", {"i": 5, "p_lo": 1, "p_hi": 2, "d": 1, "k": 3, "s": 1}, asym_worked)}
PyTorch's layers take one padding per axis; asymmetric padding is an
`F.pad` (or `nn.ZeroPad2d`) before the convolution, which is what convarith
computes for `low:high`.

{figure(asym)}"""
        + heading(2, "Causal convolution", "causal-convolution")
        + f"""
A causal 1-D convolution, as in WaveNet-style models of sequences, must not
read the future: output cell $t$ may depend on input cells up to $t$ only.
That is asymmetric padding, all of it before the input:

{formula("causal_low")}{formula("causal_high")}
With stride 1 the output then has the input's length. No new parameter is
needed, only the padding `(d*(k-1), 0)`:

{worked("conv_asymmetric", {"i": 8, "p_lo": 4, "p_hi": 0, "d": 2, "k": 3, "s": 1}, causal_worked)}
{figure(causal)}"""
    )
    return markup, [asym, causal]


def _three_d() -> str:
    from convarith.core.explain import describe

    rows = []
    cases: tuple[tuple[str, tuple[int, ...], dict[str, Any]], ...] = (
        ("conv", (16, 112, 112), {"kernel_size": 3, "stride": (1, 2, 2), "padding": 1}),
        (
            "conv_transpose",
            (8, 28, 28),
            {"kernel_size": (3, 4, 4), "stride": (1, 2, 2), "padding": 1},
        ),
        (
            "max_pool",
            (16, 56, 56),
            {"kernel_size": (1, 3, 3), "stride": (1, 2, 2), "padding": (0, 1, 1)},
        ),
    )
    descriptions = [describe(op, shape, **params) for op, shape, params in cases]
    for (op, shape, params), d in zip(cases, descriptions):
        settings = ", ".join(
            f"{k.replace('_size', '')} {shape_text(v) if isinstance(v, tuple) else v}"
            for k, v in params.items()
        )
        rows.append(
            [
                text(op),
                text(settings),
                text(shape_text(shape)),
                text(shape_text(d.config.output_shape)),
            ]
        )
    worked_depth = descriptions[0].worked[1]
    return (
        heading(2, "Three dimensions", "three-dimensions")
        + f"""
Video and volumetric data add a third axis; nothing else changes: each axis
follows the formulas of its own parameters. Some examples, computed by
convarith (depth x height x width):

{table(["operation", "parameters", "input", "output"], rows)}
For the first, the height axis is relationship 6:
{math(worked_depth)}.
"""
    )


def _stack() -> str:
    from convarith.core.stack import analyze_stack

    layers = [
        {"op": "conv", "kernel_size": 3, "padding": 1},
        {"op": "conv", "kernel_size": 3, "stride": 2, "padding": 1},
        {"op": "max_pool", "kernel_size": 2},
        {"op": "conv", "kernel_size": 3, "dilation": 2, "padding": 2},
    ]
    report = analyze_stack((32, 32), layers)
    rows = [["", "input", "", text("32x32"), "1", "1"]]
    for n, (spec, r) in enumerate(zip(layers, report.layers), start=1):
        settings = " ".join(f"{key[0]}={value}" for key, value in spec.items() if key != "op")
        rows.append(
            [
                str(n),
                text(str(spec["op"])),
                text(settings),
                text(shape_text(r.config.output_shape)),
                str(r.receptive_field[0]),
                str(r.jump[0]),
            ]
        )
    second = report.layers[1]
    first_field = report.layers[0].receptive_field[0]
    assert first_field is not None
    values = {
        "r_in": first_field,
        "d": 1,
        "k": 3,
        "j_in": int(report.layers[0].jump[0]),
    }
    jump_values = {"s": 2, "j_in": int(report.layers[0].jump[0])}
    return (
        heading(2, "A stack of layers", "layer-stack")
        + f"""
Through a stack of layers, two more numbers matter: the _receptive field_
{math("r")}, the span of input cells (per axis) that one output cell can
depend on (with dilation, some cells inside the span are skipped), and the
_jump_ {math("j")}, how many input cells apart two neighbouring output cells
are. A layer with kernel $k$, dilation $d$ and stride $s$ widens the span by
$d(k - 1)$ jumps of its input and multiplies the jump by $s$:

{formula("receptive_field")}{formula("jump")}
For example, convarith's `convarith stack --input 32x32` on four layers:

{table(["#", "layer", "parameters", "output", "receptive field", "jump"], rows)}
{
            worked(
                "receptive_field",
                values,
                f"{put_in(formula_text('receptive_field'), values)} = {second.receptive_field[0]}",
            )
        }
{worked("jump", jump_values, f"{put_in(formula_text('jump'), jump_values)} = {second.jump[0]}")}
A transposed convolution divides the jump by its stride; `convarith stack`
and `convarith.from_torch` carry both through any stack or PyTorch model.
"""
    )


def beyond_the_original() -> Chapter:
    """'same' padding, asymmetric and causal padding, three dimensions, a stack of layers.

    Examples
    --------
    >>> markup, figures = beyond_the_original()
    >>> "<beyond-the-original>" in markup, len(figures)
    (True, 4)

    """
    same_markup, same_figures = _same_padding()
    asym_markup, asym_figures = _asymmetric_and_causal()
    markup = (
        heading(1, "Beyond the original", "beyond-the-original")
        + """
The original report stops at symmetric padding and square inputs. Models do
not: this chapter covers what they use besides, with the same care.
"""
        + same_markup
        + asym_markup
        + _three_d()
        + _stack()
    )
    return markup, [*same_figures, *asym_figures]
