"""The guide's figures: what each animation is, the command that draws it, and its frame strip.

A :class:`GuideFigure` holds exactly what :func:`convarith.animate` needs;
:meth:`GuideFigure.command` spells the same request as a ``convarith
animate`` command line, which the guide prints under the figure (a test runs
every one and compares its frames with the figure's).
"""

from __future__ import annotations

import shlex
from typing import Any

from convarith.core.errors import ConvArithError
from convarith.core.record import Record
from convarith.core.text import shape_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from convarith.api.animation import Animation

__all__ = ["GuideFigure", "from_gallery", "strip_frames"]

#: keyword of animate -> option of ``convarith animate``, in the order they are printed.
_OPTIONS = (
    ("kernel_size", "--kernel"),
    ("stride", "--stride"),
    ("padding", "--padding"),
    ("dilation", "--dilation"),
    ("output_padding", "--output-padding"),
)

#: Values the command leaves out, because they are the CLI's defaults (the
#: stride is not among them: pooling's default stride is the kernel size).
_DEFAULTS: dict[str, Any] = {"padding": 0, "dilation": 1, "output_padding": 0}

#: Flags of ``convarith animate``: keyword -> (flag, the value without it).
_FLAGS: dict[str, tuple[str, bool]] = {
    "ceil_mode": ("--ceil-mode", False),
    "count_include_pad": ("--no-count-include-pad", True),
}

#: Most frames a strip shows: the first, the last and evenly spaced ones between.
STRIP_FRAMES = 4


def strip_frames(count: int, most: int = STRIP_FRAMES) -> tuple[int, ...]:
    """The frames a strip shows: all when few, else the first, the last and evenly spaced ones.

    Examples
    --------
    >>> strip_frames(4)
    (0, 1, 2, 3)
    >>> strip_frames(16)
    (0, 5, 10, 15)
    >>> strip_frames(9, most=4)
    (0, 3, 5, 8)

    """
    if count <= most:
        return tuple(range(count))
    return tuple(round(n * (count - 1) / (most - 1)) for n in range(most))


def _option_value(value: Any) -> str:
    """A parameter as the CLI spells it: ``3``, ``3x2``, ``1:2``, ``same``."""
    if isinstance(value, str):
        return value
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return "x".join(f"{lo}:{hi}" for lo, hi in value)
    if isinstance(value, tuple):
        return "x".join(str(v) for v in value)
    return str(value)


class GuideFigure(Record):
    """One animation of the guide.

    ``name`` is the stem of the file its command writes (and the anchor of
    the figure); ``caption`` a sentence under it.  ``params`` are the
    keyword arguments of :func:`convarith.animate` (``kernel_size``,
    ``stride``, ``padding`` as an int, a string or per-axis ``(low, high)``
    pairs, ``dilation``, ``output_padding``); ``view`` and ``seed`` as there.

    Examples
    --------
    >>> f = GuideFigure("padding_strides", "conv", (5, 5), {"kernel_size": 3, "stride": 2,
    ...                 "padding": 1}, caption="Padding and strides.")
    >>> f.command()
    'convarith animate conv --input 5x5 --kernel 3 --stride 2 --padding 1 -o padding_strides.gif'

    """

    name: str
    op: str
    input_shape: tuple[int, ...]
    params: dict[str, Any]
    view: str = "arithmetic"
    seed: int | None = None
    caption: str = ""

    def command(self) -> str:
        """The ``convarith animate`` command that draws this figure, as the guide prints it."""
        # The CLI spells operations with hyphens (conv-transpose).
        words = [
            "convarith",
            "animate",
            self.op.replace("_", "-"),
            "--input",
            shape_text(self.input_shape),
        ]
        for key, option in _OPTIONS:
            value = self.params.get(key)
            default = _DEFAULTS.get(key, 1 if key == "stride" and "pool" not in self.op else None)
            if value is not None and value != default:
                words += [option, _option_value(value)]
        for key, (option, default) in _FLAGS.items():
            if self.params.get(key, default) != default:
                words.append(option)
        if self.view != "arithmetic":
            words += ["--view", self.view]
        if self.seed is not None:
            words += ["--seed", str(self.seed)]
        words += ["-o", f"{self.name}.gif"]
        return shlex.join(words)

    def animation(self, theme: str = "light") -> Animation:
        """The figure drawn by :func:`convarith.animate`, in ``theme``."""
        key = (repr(self), theme)
        if key not in _DRAWN:
            _DRAWN[key] = _animate(self, theme)
        return _DRAWN[key]


#: Animations already drawn in this process, by figure and theme (the PDF and
#: the HTML show the same ones; a figure's parameters are its repr).
_DRAWN: dict[tuple[str, str], Animation] = {}


def _animate(figure: GuideFigure, theme: str) -> Animation:
    from convarith.api.animation import animate

    return animate(
        figure.op,
        figure.input_shape,
        view=figure.view,
        seed=figure.seed,
        theme=theme,
        name=figure.name,
        **figure.params,
    )


def from_gallery(name: str, caption: str) -> GuideFigure:
    """The gallery's animation ``name`` (one of the original guide's) as a figure of the guide.

    Examples
    --------
    >>> f = from_gallery("padding_strides", "Padding and strides.")
    >>> f.input_shape, f.params
    ((5, 5), {'kernel_size': 3, 'stride': 2, 'padding': 1, 'dilation': 1})

    """
    from convarith.gallery.catalogue import ALL

    for item in ALL:
        if item.name == name:
            if item.values:
                raise ConvArithError(f"gallery animation {name} has values of its own")
            return GuideFigure(
                name,
                item.op,
                item.input_shape,
                dict(item.params),
                view=item.view,
                seed=0 if item.numerical else None,
                caption=caption,
            )
    raise ConvArithError(f"no gallery animation is called {name!r}")
