"""The guide's reference chapter: every formula, which one to use, how to draw every figure again."""

from __future__ import annotations

from convarith.core.formulas import CEIL_CONDITION, FORMULAS, RELATIONSHIPS
from convarith.guide.markup import Chapter, heading, keyed, link, math, string, table, text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from convarith.guide.figures import GuideFigure

__all__ = ["DESCRIPTIONS", "reference"]

#: What each formula of ``FORMULAS`` gives, and the section that explains it.
DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "conv": ("convolution or max pooling, any stride, padding and dilation", "relationship-15"),
    "conv_asymmetric": ("the same with different padding before and after", "asymmetric-padding"),
    "avg_pool": ("average pooling", "pooling"),
    "avg_pool_asymmetric": ("average pooling, different padding before and after", "pooling"),
    "ceil": (f"pooling with ceil_mode, {CEIL_CONDITION}", "ceil-mode"),
    "ceil_asymmetric": ("the same with different padding before and after", "ceil-mode"),
    "conv_transpose": (
        "transposed convolution, any stride, padding and dilation",
        "relationship-14",
    ),
    "conv_transpose_asymmetric": (
        "the same, cropping differently before and after",
        "equivalent-convolution",
    ),
    "dilated_kernel": ("the cells a dilated kernel spans", "dilated-convolution"),
    "same_low": ("PyTorch's padding='same': zeros before", "same-padding"),
    "same_high": ("PyTorch's padding='same': zeros after", "same-padding"),
    "same_tf_output": ("TensorFlow's SAME: output size", "same-padding"),
    "same_tf_total": ("TensorFlow's SAME: zeros per axis", "same-padding"),
    "same_tf_low": ("TensorFlow's SAME: zeros before", "same-padding"),
    "same_tf_high": ("TensorFlow's SAME: zeros after", "same-padding"),
    "causal_low": ("causal convolution: zeros before", "causal-convolution"),
    "causal_high": ("causal convolution: zeros after", "causal-convolution"),
    "restoring_output_padding": (
        "the output_padding that gives back a convolution's input size",
        "relationship-14",
    ),
    "stretched_input": (
        "transposed convolution as a direct one: the stretched input",
        "equivalent-convolution",
    ),
    "equivalent_padding": (
        "transposed convolution as a direct one: zeros on each side",
        "equivalent-convolution",
    ),
    "receptive_field": ("receptive field after a layer", "layer-stack"),
    "jump": ("jump after a layer", "layer-stack"),
}

#: The reader's question -> (the place that answers it, what to look at).
QUESTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "What output size does my convolution give?",
        "relationship-15",
        "the general formula (relationship 6 without dilation)",
    ),
    (
        "Which padding keeps the size?",
        "relationship-3",
        "half padding for odd kernels; 'same' for any kernel",
    ),
    (
        "How do I halve the size exactly?",
        "relationship-6",
        "stride 2 with half padding; the floor drops one cell of odd sizes",
    ),
    (
        "What does my transposed convolution output?",
        "relationship-14",
        "its general formula, with output_padding",
    ),
    (
        "Which output_padding gives back my input size?",
        "relationship-14",
        "the formula for the restoring output_padding",
    ),
    (
        "Why is my pooling output one larger or smaller than I expected?",
        "ceil-mode",
        "ceil_mode and PyTorch's last-window rule",
    ),
    (
        "How far does a dilated kernel reach?",
        "dilated-convolution",
        "the span of the dilated kernel",
    ),
    ("How do I port TensorFlow's SAME padding?", "same-padding", "its padding per side"),
    (
        "How do I make a 1-D convolution causal?",
        "causal-convolution",
        "all the padding before the input",
    ),
    (
        "How many input cells does a deep output cell see?",
        "layer-stack",
        "receptive field and jump",
    ),
)


def reference(figures: Sequence[GuideFigure]) -> Chapter:
    """Every formula in one table, which one a question needs, and every figure's command.

    Examples
    --------
    >>> markup, shown = reference([])
    >>> "<reference>" in markup and "<ref-dumoulin>" in markup, shown
    (True, [])

    """
    relationship_rows = [
        [str(n), link(f"relationship-{n}", text(setting)), math(formula)]
        for n, (setting, formula) in RELATIONSHIPS.items()
    ]
    general_rows = [
        [link(DESCRIPTIONS[key][1], text(DESCRIPTIONS[key][0])), keyed(key)] for key in FORMULAS
    ]
    question_rows = [
        [text(question), link(place, text(answer))] for question, place, answer in QUESTIONS
    ]
    commands = "\n".join(
        f"- {link('fig-' + f.name, text(f.name))}: #raw(block: true, {string(f.command())})"
        for f in figures
    )
    markup = (
        heading(1, "Reference", "reference")
        + heading(2, "Every formula", "every-formula")
        + "The original report's fifteen relationships:\n\n"
        + table(["#", "setting", "output size"], relationship_rows, "(auto, 1fr, auto)")
        + "\nPyTorch's general formulas and the others this guide uses:\n\n"
        + table(["what", "formula"], general_rows, "(1fr, auto)")
        + heading(2, "Which formula do I need?", "which-formula")
        + table(["question", "look at"], question_rows, "(1fr, 1fr)")
        + heading(2, "Every figure again", "every-figure")
        + f"""
Each figure of this guide is drawn by one command; change the extension of
`-o` for another format (`.png` frames in a folder ending in `/`, `.svg`,
`.pdf`, `.mp4`, `.tex`), or any parameter for another figure. The guide
itself is `convarith guide -o guide.pdf` (or `guide.html`).

#block[#set par(justify: false)
{commands}
]
"""
        + heading(2, "References", "references")
        + """
#block[[1] Vincent Dumoulin and Francesco Visin. _A guide to convolution arithmetic for
deep learning._ arXiv:1603.07285, 2016.
#link("https://arxiv.org/abs/1603.07285")[arxiv.org/abs/1603.07285]. The origin
of the relationships and of the figures' style; this guide's text is its own.
] <ref-dumoulin>

convarith's sizes follow PyTorch's documentation of `Conv2d`,
`ConvTranspose2d`, `MaxPool2d` and `AvgPool2d`, and its tests check them
against PyTorch itself.
"""
    )
    return markup, []
