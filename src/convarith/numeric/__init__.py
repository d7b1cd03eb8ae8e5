"""Reference computations of convolution, transposed convolution and pooling, in numpy.

Every operation gives exactly what ``torch.nn.functional`` gives (1-D, 2-D
and 3-D; stride, padding, dilation, output padding, groups, bias), and a
convolution can be computed three ways that must agree: gathering windows,
scattering input cells, or multiplying by the convolution matrix.

>>> import numpy as np
>>> from convarith.numeric import conv, conv_matrix
>>> x = np.arange(9.0).reshape(1, 3, 3)
>>> w = np.ones((1, 1, 2, 2))
>>> conv(x, w)
array([[[ 8., 12.],
        [20., 24.]]])
>>> (conv_matrix((3, 3), w) @ x.reshape(-1)).tolist()
[8.0, 12.0, 20.0, 24.0]
"""

from __future__ import annotations

from convarith.numeric.convolution import conv, conv_transpose
from convarith.numeric.matrix import DENSE_LIMIT, conv_matrix
from convarith.numeric.pooling import avg_pool, max_pool
from convarith.numeric.sampling import sample_values

__all__ = [
    "DENSE_LIMIT",
    "avg_pool",
    "conv",
    "conv_matrix",
    "conv_transpose",
    "max_pool",
    "sample_values",
]
