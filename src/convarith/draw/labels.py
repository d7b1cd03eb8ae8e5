"""What the labels and captions of a figure say.

The original's users regularly misread its transposed animations: nothing
said which map was the input and which the output.  Every map here is
labelled with its role and size, and a transposed convolution's maps say
whose input and output they are.

>>> from convarith.core.arithmetic import configure
>>> config = configure("conv_transpose", (3, 3), kernel_size=3, stride=2, padding=1)
>>> input_label(config, (7, 7)), output_label(config)
(('transposed conv input 3×3', 'dashed: zeros between cells and zero padding'), 'transposed conv output 5×5')
"""

from __future__ import annotations

from convarith.core.arithmetic import Config
from convarith.core.text import per_axis_text, shape_text
from convarith.figure.primitives import Color, Text

__all__ = ["caption_lines", "input_label", "output_label", "title"]

_OPS = {
    "conv": "convolution",
    "conv_transpose": "transposed convolution",
    "max_pool": "max pooling",
    "avg_pool": "average pooling",
}


def _padded(config: Config) -> bool:
    return any(lo or hi for lo, hi in config.padding)


def input_label(config: Config, grid_shape: tuple[int, ...]) -> tuple[str, str | None]:
    """The input map's label and an optional second line explaining its dashed cells."""
    size = shape_text(config.input_shape, "×")
    if config.transposed:
        # The equivalent direct convolution's zeros per side (negative: cropped).
        sides = [
            (d * (k - 1) - lo, d * (k - 1) - hi + a)
            for d, k, (lo, hi), a in zip(
                config.dilation, config.kernel_size, config.padding, config.output_padding
            )
        ]
        what = ["zeros between cells"] if any(s > 1 for s in config.stride) else []
        if any(n > 0 for pair in sides for n in pair):
            what.append("zero padding")
        notes = [f"dashed: {' and '.join(what)}"] if what else []
        if any(n < 0 for pair in sides for n in pair):
            notes.append("edges cropped by the padding")
        return f"transposed conv input {size}", "; ".join(notes) or None
    padded_shape = tuple(i + lo + hi for i, (lo, hi) in zip(config.input_shape, config.padding))
    notes = []
    if _padded(config):
        fill = "zeros"
        if config.op == "max_pool":
            fill = "−∞, never the max"
        elif config.op == "avg_pool":
            fill = (
                "zeros, counted in the mean" if config.count_include_pad else "left out of the mean"
            )
        notes.append(f"padded to {shape_text(padded_shape, '×')} (dashed: {fill})")
    if any(g > p for g, p in zip(grid_shape, padded_shape)):
        notes.append("dashed past the edge: only ceil_mode's last window")
    return f"input {size}", "; ".join(notes) or None


def output_label(config: Config) -> str:
    """The output map's label."""
    size = shape_text(config.output_shape, "×")
    if config.transposed:
        return f"transposed conv output {size}"
    if config.pooling:
        return f"{_OPS[config.op]} output {size}"
    return f"output {size}"


def _params(config: Config) -> list[str]:
    pads = tuple(lo if lo == hi else f"{lo}:{hi}" for lo, hi in config.padding)
    parts = [
        f"kernel {per_axis_text(config.kernel_size, '×')}",
        f"stride {per_axis_text(config.stride, '×')}",
        f"padding {per_axis_text(pads, '×')}",
    ]
    if any(d > 1 for d in config.dilation):
        parts.append(f"dilation {per_axis_text(config.dilation, '×')}")
    if any(a > 0 for a in config.output_padding):
        parts.append(f"output_padding {per_axis_text(config.output_padding, '×')}")
    if config.ceil_mode:
        parts.append("ceil_mode")
    return parts


def title(config: Config) -> str:
    """One line naming the operation, its sizes and parameters."""
    return (
        f"{_OPS[config.op]} {shape_text(config.input_shape, '×')} → {shape_text(config.output_shape, '×')}, "
        + ", ".join(_params(config))
    )


def caption_lines(config: Config) -> list[str]:
    """The caption: the parameters, and for a transposed convolution how it is drawn."""
    lines = [
        f"{_OPS[config.op]}: {shape_text(config.input_shape, '×')} → {shape_text(config.output_shape, '×')}",
        ", ".join(_params(config)),
    ]
    if config.transposed:
        lines.append("drawn as a stride-1 convolution of the stretched input, kernel flipped")
    return lines


def caption_texts(
    config: Config, x: float, top: float, size: float, room: float, color: Color
) -> list[Text]:
    """The caption's lines, wrapped to ``room``, centred on ``x`` from ``top`` down (every view's).

    >>> from convarith.core.arithmetic import configure
    >>> texts = caption_texts(configure("conv", (5, 5), kernel_size=3), 100, 0, 12, 400, (0, 0, 0))
    >>> [t.text for t in texts]
    ['convolution: 5×5 → 3×3', 'kernel 3, stride 1, padding 0']
    """
    from convarith.draw.lettering import lines_below, wrap

    lines = [
        (piece, size, False, color)
        for line in caption_lines(config)
        for piece in wrap(line, size, room)
    ]
    return lines_below(x, top + 0.8 * size, lines)[0]
