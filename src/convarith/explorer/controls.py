"""The explorer's controls, and the state in a URL turned into a request.

The page (``convarith serve``) and the notebook widget show the same
controls: :data:`CONTROLS` lists them, each with its URL key, label, kind,
default and choices.  A state is a mapping of those keys to strings, as a
URL's query holds them (``input="5x5"``, ``padding="1:2x0:1"``);
:func:`request_of` checks every value and returns an :class:`ExplorerRequest`,
which draws itself (:meth:`ExplorerRequest.animation`) and writes itself back
as a query (:meth:`ExplorerRequest.query`).

Sizes and per-axis values are read by the command line's parsers
(:mod:`convarith.core.spelling`), and every rule about the parameters is the
library's own: a state the library refuses is refused with its words.

>>> request = request_of({"op": "conv", "input": "5x5", "stride": "2", "padding": "1"})
>>> request.op, request.input_shape, request.params
('conv', (5, 5), {'kernel_size': 3, 'stride': 2, 'padding': 1})
>>> request.query()
'op=conv&input=5x5&kernel=3&stride=2&padding=1'
"""

from __future__ import annotations

from convarith.core.errors import ConvArithError
from convarith.core.explain import OPERATION_NAMES
from convarith.core.record import Record
from convarith.core.text import brief

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from convarith.api.animation import Animation

__all__ = [
    "CONTROLS",
    "OPERATIONS",
    "THEMES",
    "VIEWS",
    "Control",
    "ExplorerRequest",
    "applies",
    "defaults",
    "request_of",
]

#: The operations, as the library names them, with their labels (the explanations' names).
OPERATIONS = OPERATION_NAMES
#: The views (``compare`` is gather and scatter side by side), with their labels.
VIEWS = {
    "arithmetic": "arithmetic",
    "numerical": "numerical",
    "scatter": "scatter",
    "matrix": "matrix",
    "compare": "gather vs scatter",
}
#: The colour themes of :data:`convarith.draw.THEMES`, listed here so that
#: reading a state does not import the drawing layer (a test holds them equal).
THEMES = ("light", "dark", "original")

_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")
#: Digits of a seed: numpy's seeds are at most 2**32 - 1 wide, and longer text is refused unread.
_SEED_DIGITS = 20


class Control(Record):
    """One control of the explorer.

    ``name`` is the URL key; ``kind`` is ``choice``, ``text``, ``int`` or
    ``bool``; ``default`` and ``choices`` are strings as a URL writes them.
    An empty ``text`` value means PyTorch's default for that parameter.

    >>> CONTROLS[0].name, CONTROLS[0].kind, CONTROLS[0].choices
    ('op', 'choice', ('conv', 'conv_transpose', 'max_pool', 'avg_pool'))
    """

    name: str
    label: str
    kind: str
    default: str
    choices: tuple[str, ...] = ()
    help: str = ""


CONTROLS: tuple[Control, ...] = (
    Control("op", "operation", "choice", "conv", tuple(OPERATIONS), ", ".join(OPERATIONS.values())),
    Control(
        "input", "input", "text", "5x5", (), "input size, one per axis: 7 (1-D), 5x5 (2-D), 4x4x4"
    ),
    Control("kernel", "kernel", "text", "3", (), "kernel size: 3, or one per axis: 3x2"),
    Control(
        "stride", "stride", "text", "", (), "stride: 2 or 2x1 (empty: 1; pooling: the kernel size)"
    ),
    Control(
        "padding",
        "padding",
        "text",
        "0",
        (),
        "zeros around the input: 1, 1x2, low:high (1:2, 1:2x0:1), same, valid, same_tf, "
        "or causal (d*(k-1) before, 0 after)",
    ),
    Control("dilation", "dilation", "text", "1", (), "spacing of the kernel's taps: 2 or 2x1"),
    Control(
        "output_padding",
        "output padding",
        "text",
        "0",
        (),
        "transposed convolution: extra cells at the end of the output",
    ),
    Control("ceil_mode", "ceil mode", "bool", "false", (), "pooling: round the output size up"),
    Control(
        "count_include_pad",
        "count padding",
        "bool",
        "true",
        (),
        "average pooling: count padded zeros in the mean",
    ),
    Control("view", "view", "choice", "arithmetic", tuple(VIEWS), ", ".join(VIEWS.values())),
    Control("theme", "theme", "choice", "light", THEMES, "colours"),
    Control("seed", "values seed", "int", "0", (), "seed of the values (numerical views)"),
)

_BY_NAME = {control.name: control for control in CONTROLS}

#: Which operations each parameter applies to (the others keep its default).
_APPLIES = {
    "dilation": ("conv", "conv_transpose", "max_pool"),
    "output_padding": ("conv_transpose",),
    "ceil_mode": ("max_pool", "avg_pool"),
    "count_include_pad": ("avg_pool",),
}


def applies(name: str, op: str) -> bool:
    """Whether the control ``name`` means something for the operation ``op``.

    >>> applies("output_padding", "conv"), applies("output_padding", "conv_transpose")
    (False, True)
    """
    return op in _APPLIES.get(name, tuple(OPERATIONS))


def defaults() -> dict[str, str]:
    """Every control's default value, by URL key.

    >>> defaults()["input"], defaults()["view"]
    ('5x5', 'arithmetic')
    """
    return {control.name: control.default for control in CONTROLS}


def _choice(control: Control, value: str) -> str:
    text = value.strip().lower()
    if control.name == "op":
        text = text.replace("-", "_")
    if text not in control.choices:
        raise ConvArithError(
            f"{control.name}={brief(value)} must be one of {', '.join(control.choices)}"
        )
    return text


def _flag(control: Control, value: str) -> bool:
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConvArithError(f"{control.name}={brief(value)} must be true or false")


def _seed(value: str) -> int:
    text = value.strip()
    if len(text) > _SEED_DIGITS or not (text.isascii() and text.isdigit()):
        raise ConvArithError(f"seed={brief(value)} must be a whole number of at least 0")
    from convarith.scenes.build import check_seed

    return check_seed(int(text))


def _per_axis(name: str, value: str) -> int | tuple[int, ...] | None:
    """A per-axis value (``3``, ``3x2``), or None when empty (PyTorch's default)."""
    from convarith.core.spelling import parse_sizes

    if not value.strip():
        return None
    sizes = parse_sizes(name, value.strip())
    return sizes[0] if len(sizes) == 1 else sizes


def _axes(value: int | tuple[int, ...] | None, ndim: int, default: int) -> tuple[int, ...]:
    if value is None:
        return (default,) * ndim
    if isinstance(value, int):
        return (value,) * ndim
    return value


def _causal(kernel: Any, dilation: Any, ndim: int) -> tuple[tuple[int, int], ...]:
    """``(d*(k-1), 0)`` on every axis: the output at ``t`` reads inputs up to ``t`` only."""
    ks, ds = _axes(kernel, ndim, 1), _axes(dilation, ndim, 1)
    if len(ks) != ndim or len(ds) != ndim:
        # The library names the mismatch (a kernel of 2 values on a 1-D input).
        return ((0, 0),) * ndim
    return tuple((d * (k - 1), 0) for k, d in zip(ks, ds))


class ExplorerRequest(Record):
    """One view of the explorer: an operation, its input and parameters, and how to draw it.

    ``params`` holds keyword arguments of :func:`convarith.animate` and
    :func:`convarith.output_shape` (``kernel_size``, ``stride``, ...).
    ``causal`` says the padding was asked for as ``causal``: the state and
    the query keep the word, so that a new kernel or dilation pads anew.

    >>> request = request_of({"op": "max_pool", "input": "6", "kernel": "2"})
    >>> request.params, request.ndim
    ({'kernel_size': 2, 'padding': 0}, 1)
    """

    op: str
    input_shape: tuple[int, ...]
    params: dict[str, Any]
    view: str = "arithmetic"
    theme: str = "light"
    seed: int = 0
    causal: bool = False

    @property
    def ndim(self) -> int:
        """Number of spatial axes."""
        return len(self.input_shape)

    def animation(self) -> Animation:
        """The animation this request shows, drawn by :func:`convarith.animate`.

        Raises
        ------
        ConvArithError
            For a 3-D input (answered in numbers only) and for anything the
            library refuses.

        Examples
        --------
        >>> request_of({"input": "4x4"}).animation().frame_count
        4
        """
        from convarith.api.animation import animate

        if self.ndim > 2:
            raise ConvArithError(
                f"input={brief('x'.join(map(str, self.input_shape)))}: 3-D is answered in numbers "
                "(sizes, formula, explanation); the explorer draws 1-D and 2-D inputs"
            )
        return animate(
            self.op,
            self.input_shape,
            view=self.view,
            theme=self.theme,
            seed=self.seed,
            **self.params,
        )

    def state(self) -> dict[str, str]:
        """The request as URL values, every control's key included.

        >>> request_of({"padding": "1:2", "kernel": "3", "input": "7"}).state()["padding"]
        '1:2'
        """
        state = defaults()
        state.update(op=self.op, input=_joined(self.input_shape), view=self.view)
        state.update(theme=self.theme, seed=str(self.seed))
        p = self.params
        state["kernel"] = _joined(p["kernel_size"])
        state["stride"] = "" if p.get("stride") is None else _joined(p["stride"])
        state["padding"] = "causal" if self.causal else _joined(p.get("padding", 0))
        state["dilation"] = _joined(p.get("dilation", 1))
        state["output_padding"] = _joined(p.get("output_padding", 0))
        state["ceil_mode"] = "true" if p.get("ceil_mode") else "false"
        state["count_include_pad"] = "false" if p.get("count_include_pad") is False else "true"
        return state

    def query(self) -> str:
        """The canonical URL query that reproduces this request (defaults left out, but ``op``, ``input`` and ``kernel``).

        >>> request_of({"op": "conv_transpose", "input": "3x3", "stride": "2", "padding": "1:0"}).query()
        'op=conv_transpose&input=3x3&kernel=3&stride=2&padding=1:0'
        """
        from urllib.parse import quote

        state = self.state()
        base = defaults()
        keep = ("op", "input", "kernel")
        return "&".join(
            f"{name}={quote(state[name], safe=':')}"
            for name in base
            if name in keep or state[name] != base[name]
        )


def _joined(value: Any) -> str:
    """A parameter as a URL writes it: ``3``, ``3x2``, ``1:2x0``, ``same``."""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    return "x".join(f"{v[0]}:{v[1]}" if isinstance(v, tuple) else str(v) for v in value)


def request_of(state: Mapping[str, str]) -> ExplorerRequest:
    """Check a state (URL key -> string) and return the request it describes.

    Missing keys take their defaults; an unknown key, or a value that is not
    a string, is refused.  ``padding="causal"`` is ``(d*(k-1), 0)`` on every
    axis.  A parameter that does not apply to the operation is refused by
    the library unless it holds its default.

    Parameters
    ----------
    state : mapping of str to str
        Values as a URL's query holds them.

    Returns
    -------
    ExplorerRequest

    Raises
    ------
    ConvArithError
        One line naming the parameter, its value and the rule.

    Examples
    --------
    >>> request = request_of({"input": "7", "padding": "causal", "dilation": "2"})
    >>> request.params["padding"], request.query()
    (((4, 0),), 'op=conv&input=7&kernel=3&padding=causal&dilation=2')
    >>> try:
    ...     request_of({"zoom": "2"})
    ... except ConvArithError as error:
    ...     print(error)
    unknown parameter zoom='2'; the explorer takes op, input, kernel, stride, padding, dilation, output_padding, ceil_mode, count_include_pad, view, theme, seed
    >>> try:
    ...     request_of({"op": "conv", "output_padding": "1"})
    ... except ConvArithError as error:
    ...     print(error)
    output_padding=1 does not apply to conv: only conv_transpose has output_padding
    """
    from convarith.core.arithmetic import configure
    from convarith.core.spelling import parse_padding, parse_sizes

    for key, value in state.items():
        if key not in _BY_NAME:
            raise ConvArithError(
                f"unknown parameter {brief(key)[1:-1] if isinstance(key, str) else brief(key)}"
                f"={brief(value)}; the explorer takes {', '.join(_BY_NAME)}"
            )
        if not isinstance(value, str):
            raise ConvArithError(f"{key}={brief(value)} must be text, as in a URL")
    values = {**defaults(), **state}
    op = _choice(_BY_NAME["op"], values["op"])
    view = _choice(_BY_NAME["view"], values["view"])
    theme = _choice(_BY_NAME["theme"], values["theme"])
    seed = _seed(values["seed"])
    if not values["input"].strip():
        raise ConvArithError("input='' must be one size per axis, like 7, 5x5 or 4x4x4")
    shape = parse_sizes("input", values["input"].strip())
    kernel = _per_axis("kernel", values["kernel"])
    if kernel is None:
        raise ConvArithError("kernel='' must be a size per axis, like 3 or 3x2")
    params: dict[str, Any] = {"kernel_size": kernel}
    stride = _per_axis("stride", values["stride"])
    if stride is not None:
        params["stride"] = stride
    dilation = _per_axis("dilation", values["dilation"])
    padding_text = values["padding"].strip() or "0"
    causal = padding_text.lower() == "causal"
    if causal:
        params["padding"] = _causal(kernel, dilation, len(shape))
    else:
        params["padding"] = parse_padding(padding_text, "padding")
    if dilation not in (None, 1):
        params["dilation"] = dilation
    output_padding = _per_axis("output_padding", values["output_padding"])
    if output_padding not in (None, 0):
        params["output_padding"] = output_padding
    if _flag(_BY_NAME["ceil_mode"], values["ceil_mode"]):
        params["ceil_mode"] = True
    if not _flag(_BY_NAME["count_include_pad"], values["count_include_pad"]):
        params["count_include_pad"] = False
    configure(op, shape, **params)  # every rule of the library, before anything is drawn
    return ExplorerRequest(op, shape, params, view, theme, seed, causal)
