"""What the gallery renders: the original guide's 19 animations and the explanatory extras.

:data:`ORIGINAL` lists the 19 animations of Dumoulin & Visin's guide under
their original names and parameters; :data:`EXTRAS` the views that explain
transposed convolution (numerical, scatter, matrix, gather beside scatter).

>>> len(ORIGINAL), len(EXTRAS)
(19, 11)
>>> ORIGINAL[0].name, ORIGINAL[0].input_shape
('no_padding_no_strides', (4, 4))
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from convarith.api.animation import Animation

__all__ = ["ALL", "EXTRAS", "ORIGINAL", "GalleryItem"]


@dataclass(frozen=True)
class GalleryItem:
    """One animation of the gallery: a name and what :func:`convarith.animate` needs."""

    name: str
    op: str
    input_shape: tuple[int, ...]
    params: dict[str, Any] = field(default_factory=dict)
    view: str = "arithmetic"
    numerical: bool = False
    group: str = "original"
    #: ``input_values`` and ``weights`` of :func:`convarith.animate`, when not seeded.
    values: dict[str, Any] = field(default_factory=dict)

    def key(self) -> str:
        """What the animation depends on, for the up-to-date check."""
        return json.dumps(
            [
                self.name,
                self.op,
                self.input_shape,
                self.params,
                self.view,
                self.numerical,
                self.values,
            ],
            sort_keys=True,
        )

    def animation(self) -> Animation:
        """The animation, as :func:`convarith.animate` makes it from this item.

        >>> ORIGINAL[0].animation().figure.frame_count
        4
        """
        from convarith.api.animation import animate

        return animate(
            self.op,
            self.input_shape,
            view=self.view,
            numerical=self.numerical,
            name=self.name,
            **self.values,
            **self.params,
        )


#: The input of the original's four numerical figures, and the kernel of its
#: two convolutions, as its published figures show them (the one of
#: "padding, strides" was published with the stride ignored; its values are
#: the same).
ORIGINAL_INPUT = (
    (3, 3, 2, 1, 0),
    (0, 0, 1, 3, 1),
    (3, 1, 2, 2, 3),
    (2, 0, 0, 2, 2),
    (2, 0, 0, 0, 1),
)
ORIGINAL_KERNEL = ((0, 1, 2), (2, 2, 0), (0, 1, 2))
_CONV_VALUES = {"input_values": ORIGINAL_INPUT, "weights": ORIGINAL_KERNEL}
_POOL_VALUES = {"input_values": ORIGINAL_INPUT}


def _direct_and_transposed(
    name: str, i: int, k: int, s: int, p: int, d: int = 1
) -> list[GalleryItem]:
    """A convolution of the guide and, when it has one, its transposed twin."""
    from convarith.core.arithmetic import output_shape
    from convarith.core.output_padding import restoring_output_padding

    direct = GalleryItem(
        name, "conv", (i, i), {"kernel_size": k, "stride": s, "padding": p, "dilation": d}
    )
    if d > 1:
        return [direct]
    o = output_shape("conv", (i, i), kernel_size=k, stride=s, padding=p)[0]
    a = restoring_output_padding((i, i), kernel_size=k, stride=s, padding=p)[0]
    params: dict[str, Any] = {"kernel_size": k, "stride": s, "padding": p}
    if a:
        params["output_padding"] = a
    return [direct, GalleryItem(f"{name}_transposed", "conv_transpose", (o, o), params)]


def _original() -> tuple[GalleryItem, ...]:
    items: list[GalleryItem] = []
    for name, i, k, s, p, d in (
        ("no_padding_no_strides", 4, 3, 1, 0, 1),
        ("arbitrary_padding_no_strides", 5, 4, 1, 2, 1),
        ("same_padding_no_strides", 5, 3, 1, 1, 1),
        ("full_padding_no_strides", 5, 3, 1, 2, 1),
        ("no_padding_strides", 5, 3, 2, 0, 1),
        ("padding_strides", 5, 3, 2, 1, 1),
        ("padding_strides_odd", 6, 3, 2, 1, 1),
        ("dilation", 7, 3, 1, 0, 2),
    ):
        items += _direct_and_transposed(name, i, k, s, p, d)
    items += [
        GalleryItem(
            "numerical_no_padding_no_strides",
            "conv",
            (5, 5),
            {"kernel_size": 3},
            "numerical",
            values=_CONV_VALUES,
        ),
        GalleryItem(
            "numerical_padding_strides",
            "conv",
            (5, 5),
            {"kernel_size": 3, "stride": 2, "padding": 1},
            "numerical",
            values=_CONV_VALUES,
        ),
        GalleryItem(
            "numerical_average_pooling",
            "avg_pool",
            (5, 5),
            {"kernel_size": 3, "stride": 1},
            "numerical",
            values=_POOL_VALUES,
        ),
        GalleryItem(
            "numerical_max_pooling",
            "max_pool",
            (5, 5),
            {"kernel_size": 3, "stride": 1},
            "numerical",
            values=_POOL_VALUES,
        ),
    ]
    return tuple(items)


#: The 19 animations of the original guide, under their original names.
ORIGINAL: tuple[GalleryItem, ...] = _original()


def _extras() -> tuple[GalleryItem, ...]:
    def item(
        name: str, op: str, size: int, view: str, numerical: bool = False, **params: Any
    ) -> GalleryItem:
        return GalleryItem(
            name, op, (size, size), {"kernel_size": 3, **params}, view, numerical, "extra"
        )

    t = "conv_transpose"
    return (
        item("numerical_no_padding_no_strides_transposed", t, 3, "numerical"),
        item("numerical_padding_strides_transposed", t, 3, "numerical", stride=2, padding=1),
        item("scatter_no_padding_no_strides", t, 3, "scatter"),
        item("scatter_padding_strides", t, 3, "scatter", stride=2, padding=1),
        item("scatter_dilation", t, 3, "scatter", dilation=2),
        item("matrix_no_padding_no_strides", "conv", 4, "matrix"),
        item("matrix_no_padding_no_strides_transposed", t, 2, "matrix"),
        item("matrix_padding_strides", "conv", 5, "matrix", True, stride=2, padding=1),
        item("matrix_padding_strides_transposed", t, 3, "matrix", True, stride=2, padding=1),
        item("gather_scatter_no_padding_no_strides", t, 2, "compare"),
        item("gather_scatter_padding_strides", t, 3, "compare", stride=2, padding=1),
    )


#: Views that explain transposed convolution (scatter, matrix, gather beside scatter).
EXTRAS: tuple[GalleryItem, ...] = _extras()
#: Everything ``convarith gallery`` renders by default.
ALL: tuple[GalleryItem, ...] = ORIGINAL + EXTRAS
