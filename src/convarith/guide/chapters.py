"""The guide's chapters, in order."""

from __future__ import annotations

from convarith.guide.basics import (
    about,
    convolution_arithmetic,
    discrete_convolution,
    pooling_arithmetic,
)
from convarith.guide.beyond import beyond_the_original
from convarith.guide.reference import reference
from convarith.guide.transposed import dilated_convolution, transposed_convolution

TYPE_CHECKING = False
if TYPE_CHECKING:
    from convarith.guide.markup import Chapter

__all__ = ["chapters"]


def chapters() -> list[Chapter]:
    """Every chapter's markup and figures, in the guide's order; the reference comes last.

    Examples
    --------
    >>> [markup.split("<")[1].split(">")[0] for markup, _ in chapters()]
    ['about', 'discrete-convolution', 'convolution-arithmetic', 'pooling', 'transposed-convolution', 'dilated-convolution', 'beyond-the-original', 'reference']

    """
    body = [
        about(),
        discrete_convolution(),
        convolution_arithmetic(),
        pooling_arithmetic(),
        transposed_convolution(),
        dilated_convolution(),
        beyond_the_original(),
    ]
    figures = [f for _, shown in body for f in shown]
    return [*body, reference(figures)]
