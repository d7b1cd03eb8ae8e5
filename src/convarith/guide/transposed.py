"""The guide's chapters on transposed convolution (relationships 8 to 14) and dilation (15)."""

from __future__ import annotations

from convarith.guide.figures import GuideFigure, from_gallery
from convarith.guide.markup import (
    Chapter,
    figure,
    formula,
    formula_text,
    heading,
    link,
    math,
    worked,
)
from convarith.guide.mathtext import put_in
from convarith.guide.relationship_text import relationship_section

__all__ = ["dilated_convolution", "transposed_convolution"]


def _matrix_part() -> tuple[str, list[GuideFigure]]:
    """Convolution as a matrix ``C``, the transposed convolution as ``Cᵀ``, and the scatter view."""
    from convarith.numeric import conv_matrix

    conv = from_gallery(
        "matrix_no_padding_no_strides",
        "The convolution of a $3 times 3$ kernel over a $4 times 4$ input as $y = C x$: "
        "each row of $C$ holds the kernel's weights where the window reads.",
    )
    transposed = from_gallery(
        "matrix_no_padding_no_strides_transposed",
        "The transposed convolution with the same kernel, $x' = C^T y'$: each input value "
        "of the $2 times 2$ grid is spread over the $4 times 4$ output by a column of $C$.",
    )
    scatter = from_gallery(
        "scatter_padding_strides",
        "The scatter view of a transposed convolution ($3 times 3$ input, $3 times 3$ kernel, "
        "stride 2, padding 1): each input value times the whole kernel is added into the output, "
        "$s$ cells further for each input cell; padding cuts $p$ cells off each side.",
    )
    c = conv_matrix((4, 4), [[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]])
    rows, columns = c.shape
    nonzero = int((c != 0).sum())
    markup = (
        heading(2, "Convolution as a matrix", "convolution-as-matrix")
        + f"""
Write the input's cells one after the other, row by row, as a vector $x$,
and the output's cells as a vector $y$. A convolution is linear, so it is a
matrix product $y = C x$. For a $3 times 3$ kernel over a $4 times 4$ input,
$C$ has {rows} rows (one per output cell) and {columns} columns (one per
input cell), and only {nonzero} of its {rows * columns} entries are not zero:
each row holds the kernel's nine weights, placed where that output's window
reads.

{figure(conv)}"""
        + heading(2, "The transposed convolution is the transposed matrix", "transposed-matrix")
        + f"""
The matrix $C^T$ goes the other way: from {rows} values to {columns}. That is
a transposed convolution: $x' = C^T y'$ takes a grid of the convolution's
output size to a grid of its input size, and connects each input cell to
exactly the output cells that the convolution connected it with. It is also
what backpropagation computes for a convolution's input gradient, which is
why deep-learning libraries have it and why it is sometimes, misleadingly,
called a deconvolution: it restores the sizes, not the values.

{figure(transposed)}"""
        + heading(2, "The scatter view", "scatter-view")
        + f"""
Read column by column, $C^T$ says: take each input value, multiply the whole
kernel by it, and add the result into the output, starting $s$ cells further
for each step in the input. Where the copies overlap, they add up. Padding
$p$ of a transposed convolution removes $p$ cells from each side of that
sum, which is why it makes the output smaller.

{figure(scatter)}"""
    )
    return markup, [conv, transposed, scatter]


def _equivalent_part() -> tuple[str, list[GuideFigure]]:
    """The transposed convolution as a direct convolution over a stretched, padded input."""
    from convarith.core.equivalent import equivalent_direct_conv

    compare = from_gallery(
        "gather_scatter_padding_strides",
        "The same transposed convolution two ways: scattering each input value (left) and "
        "gathering with a direct convolution over the stretched, padded input (right).",
    )
    e = equivalent_direct_conv((3, 3), kernel_size=3, stride=2, padding=1, output_padding=1).axes[0]
    markup = (
        heading(2, "As a direct convolution", "equivalent-convolution")
        + f"""
The same result comes from an ordinary convolution, which is how the
animations of the next sections draw it: put $s - 1$ zeros between
neighbouring input cells, so that the input stretches to

{formula("stretched_input")}
cells; add

{formula("equivalent_padding")}
zeros on each side (and {math("a")} more at the end, see
{link("relationship-14", "relationship 14")}); then convolve with stride 1 and
the kernel flipped. For example, a transposed convolution of a 3-cell input
with $k = 3$, $s = 2$, $p = 1$ and $a = 1$ stretches the input to
{e.stretched_size} cells with {e.inserted_zeros} zero between neighbours, pads
{e.pad_lo} zero at the start and {e.pad_hi} at the end, and gives
{math(f"o' = {e.output_size}")}. When $p > d(k - 1)$, the "padding" is
negative: the stretched input is cropped instead.

{figure(compare)}"""
    )
    return markup, [compare]


def transposed_convolution() -> Chapter:
    """Convolution as a matrix, the scatter view, the equivalent convolution, relationships 8 to 14.

    Examples
    --------
    >>> markup, figures = transposed_convolution()
    >>> all(f"<relationship-{n}>" in markup for n in range(8, 15))
    True

    """
    from convarith.core.output_padding import restoring_output_padding

    matrix_markup, matrix_figures = _matrix_part()
    equivalent_markup, equivalent_figures = _equivalent_part()
    f8 = from_gallery(
        "no_padding_no_strides_transposed",
        "The transpose of a $3 times 3$ kernel "
        "over a $4 times 4$ input: a $2 times 2$ input, padded with 2 zeros, gives "
        "$4 times 4$.",
    )
    f9 = from_gallery(
        "arbitrary_padding_no_strides_transposed",
        "The transpose of a $4 times 4$ "
        "kernel over a $5 times 5$ input padded by 2: a $6 times 6$ input, padded "
        "with 1 zero, gives $5 times 5$.",
    )
    f10 = from_gallery(
        "same_padding_no_strides_transposed",
        "The transpose of half padding is half padding: a $5 times 5$ input gives $5 times 5$.",
    )
    f11 = from_gallery(
        "full_padding_no_strides_transposed",
        "The transpose of full padding: a $7 times 7$ input, with no padding, gives $5 times 5$.",
    )
    f12 = from_gallery(
        "no_padding_strides_transposed",
        "The transpose of a $3 times 3$ kernel "
        "with stride 2 over a $5 times 5$ input: zeros are inserted between the "
        "$2 times 2$ input's cells.",
    )
    f13 = from_gallery(
        "padding_strides_transposed",
        "The transpose of a $3 times 3$ kernel with "
        "stride 2 and padding 1 over a $5 times 5$ input: $3 times 3$ gives back "
        "$5 times 5$.",
    )
    f14 = from_gallery(
        "padding_strides_odd_transposed",
        "The transpose of the same convolution "
        "over a $6 times 6$ input: `output_padding=1` adds the missing row and "
        "column, at the bottom and on the right.",
    )
    a = restoring_output_padding((6,), kernel_size=3, stride=2, padding=1)[0]
    values = {"i": 6, "p": 1, "d": 1, "k": 3, "s": 2}
    restoring = formula_text("restoring_output_padding")
    markup = (
        heading(1, "Transposed convolution", "transposed-convolution")
        + """
A transposed convolution maps a grid to a larger one with the connectivity
of a convolution run backwards: where a convolution connects a window of
input cells to one output cell, its transpose connects one input cell to that
window of output cells. Decoders, segmentation networks and generators use
it to upsample. The sections below show why it is called transposed, how to
compute it, and its sizes: each relationship is the transpose of a
convolution of the previous chapter, with the sizes the other way round.
"""
        + matrix_markup
        + equivalent_markup
        + relationship_section(
            8,
            f8,
            """
The transpose of a convolution with no padding and unit strides is a
convolution with full padding, $p' = k - 1$ zeros on each side.""",
        )
        + relationship_section(
            9,
            f9,
            """
The transpose of a convolution with padding $p$ pads with $k - p - 1$
zeros.""",
        )
        + relationship_section(
            10,
            f10,
            """
Half padding is its own transpose: the output keeps the input's size.""",
        )
        + relationship_section(
            11,
            f11,
            """
The transpose of a full-padding convolution is a convolution with no
padding.""",
        )
        + relationship_section(
            12,
            f12,
            """
A stride $s$ in the convolution becomes $s - 1$ zeros between the input
cells of its transpose, which is why a transposed convolution is also called
_fractionally strided_: its window moves $1 / s$ of an input cell per step.""",
        )
        + relationship_section(
            13,
            f13,
            """
With padding and strides, the input is stretched and then padded with
$k - p - 1$ zeros.""",
        )
        + relationship_section(
            14,
            f14,
            f"""
A strided convolution maps several input sizes to the same output size
(relationship 6): 5 and 6 both give 3 with $k = 3$, $s = 2$, $p = 1$. Its
transpose cannot know which one to give back, so PyTorch takes
`output_padding` ({math("a")}) to say how many cells to add at the end of
each axis:""",
            f"""
The extra cells are zeros of the stretched input added at the end, after
the padding: at the bottom and on the right of the figure, never at the top
or on the left. PyTorch requires {math("a")} to be smaller than the stride
or the dilation, and the value that gives back the input size {math("i")} of
a convolution is

{formula("restoring_output_padding")}
{worked("restoring_output_padding", values, f"{put_in(restoring, values)} = {a}")}""",
        )
    )
    figures = [*matrix_figures, *equivalent_figures, f8, f9, f10, f11, f12, f13, f14]
    return markup, figures


def dilated_convolution() -> Chapter:
    """Relationship 15: dilation spreads the kernel's taps apart.

    Examples
    --------
    >>> markup, figures = dilated_convolution()
    >>> "<relationship-15>" in markup, figures[0].name
    (True, 'dilation')

    """
    f15 = from_gallery(
        "dilation",
        "A $3 times 3$ kernel with dilation 2 over a $7 times 7$ "
        "input: it covers $5 times 5$ cells and gives $3 times 3$.",
    )
    scatter = from_gallery(
        "scatter_dilation",
        "A transposed convolution with dilation 2: each "
        "input value spreads over every other output cell.",
    )
    markup = (
        heading(1, "Dilated convolution", "dilated-convolution")
        + """
Dilation inserts $d - 1$ gaps between the kernel's taps, so that a small
kernel covers a wide field without more weights; it is also called an atrous
convolution. The kernel then spans
"""
        + formula("dilated_kernel")
        + """
cells, and the output size is relationship 6 with that span in place of
$k$:
"""
        + relationship_section(
            15,
            f15,
            """
Dilation works the same way for every padding and stride, and for
transposed convolutions too, where each input value is spread over cells
$d$ apart:""",
            figure(scatter),
        )
    )
    return markup, [f15, scatter]
