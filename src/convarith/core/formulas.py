"""Every formula convarith states, written once.

The command line (``convarith shape``), the explanations and the guide print
these texts; nothing else types a formula.  They are plain text in one small
notation that reads as it is written and that the guide typesets as
mathematics: ``i``, ``k``, ``s``, ``p``, ``d``, ``a`` (``output_padding``),
``o`` for sizes, a prime for the transposed convolution's sizes (``i'``,
``o'``), an underscore for a subscript (``p_lo``), juxtaposition for a
product (``2p``, ``d(k - 1)``), ``/`` inside ``floor(...)`` or ``ceil(...)``
for the division, and ``mod``.

>>> RELATIONSHIPS[6]
('zero padding, non-unit strides', 'o = floor((i + 2p - k) / s) + 1')
>>> FORMULAS["conv"]
'o = floor((i + 2p - d(k - 1) - 1) / s) + 1'
"""

from __future__ import annotations

__all__ = ["CEIL_CONDITION", "FORMULAS", "RELATIONSHIPS"]

#: The original guide's fifteen relationships, numbered as Dumoulin & Visin
#: number them: number -> (setting, formula).
RELATIONSHIPS: dict[int, tuple[str, str]] = {
    1: ("no zero padding, unit strides", "o = i - k + 1"),
    2: ("zero padding, unit strides", "o = i - k + 2p + 1"),
    3: ("half (same) padding, unit strides", "o = i"),
    4: ("full padding, unit strides", "o = i + k - 1"),
    5: ("no zero padding, non-unit strides", "o = floor((i - k) / s) + 1"),
    6: ("zero padding, non-unit strides", "o = floor((i + 2p - k) / s) + 1"),
    7: ("pooling", "o = floor((i - k) / s) + 1"),
    8: ("transpose of no padding, unit strides", "o' = i' + k - 1"),
    9: ("transpose of zero padding, unit strides", "o' = i' + k - 1 - 2p"),
    10: ("transpose of half (same) padding, unit strides", "o' = i'"),
    11: ("transpose of full padding, unit strides", "o' = i' - k + 1"),
    12: ("transpose of no padding, non-unit strides", "o' = s(i' - 1) + k"),
    13: ("transpose of zero padding, non-unit strides", "o' = s(i' - 1) + k - 2p"),
    14: (
        "transpose of zero padding, non-unit strides, odd sizes",
        "o' = s(i' - 1) + a + k - 2p",
    ),
    15: ("dilated convolution", "o = floor((i + 2p - k - (k - 1)(d - 1)) / s) + 1"),
}

#: PyTorch's general formulas, and the other relations convarith states: key -> formula.
FORMULAS: dict[str, str] = {
    # Output sizes, as PyTorch computes them.
    "conv": "o = floor((i + 2p - d(k - 1) - 1) / s) + 1",
    "conv_asymmetric": "o = floor((i + p_lo + p_hi - d(k - 1) - 1) / s) + 1",
    "avg_pool": "o = floor((i + 2p - k) / s) + 1",
    "avg_pool_asymmetric": "o = floor((i + p_lo + p_hi - k) / s) + 1",
    "ceil": "o = ceil((i + 2p - d(k - 1) - 1) / s) + 1",
    "ceil_asymmetric": "o = ceil((i + p_lo + p_hi - d(k - 1) - 1) / s) + 1",
    "conv_transpose": "o' = (i' - 1)s - 2p + d(k - 1) + a + 1",
    "conv_transpose_asymmetric": "o' = (i' - 1)s - p_lo - p_hi + d(k - 1) + a + 1",
    # The dilated kernel's extent.
    "dilated_kernel": "k_eff = k + (k - 1)(d - 1)",
    # PyTorch's padding='same' (unit stride only): the total is split, the extra zero at the end.
    "same_low": "p_lo = floor(d(k - 1) / 2)",
    "same_high": "p_hi = d(k - 1) - p_lo",
    # TensorFlow's SAME (any stride).
    "same_tf_output": "o = ceil(i / s)",
    "same_tf_total": "p_total = max((o - 1)s + d(k - 1) + 1 - i, 0)",
    "same_tf_low": "p_lo = floor(p_total / 2)",
    "same_tf_high": "p_hi = p_total - p_lo",
    # Causal 1-D convolution: all the padding on the left.
    "causal_low": "p_lo = d(k - 1)",
    "causal_high": "p_hi = 0",
    # The output_padding that makes the transposed convolution give back i.
    "restoring_output_padding": "a = (i + 2p - d(k - 1) - 1) mod s",
    # The transposed convolution as a direct one: stretched input, zeros per side.
    "stretched_input": "i_s = s(i' - 1) + 1",
    "equivalent_padding": "p' = d(k - 1) - p",
    # Through a stack of layers.
    "receptive_field": "r_out = r_in + d(k - 1) j_in",
    "jump": "j_out = s j_in",
}

#: What PyTorch subtracts from the ``ceil`` formulas: a last window starting
#: in the right padding or beyond is dropped.
CEIL_CONDITION = "less 1 if the last window would start at or past i + p"
