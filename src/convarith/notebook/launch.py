"""``convarith.explore``: the explorer's controls as a notebook widget, started from Python.

Importing this module imports neither anywidget nor the drawing layers: the
widget's module is imported when :func:`explore` runs, and a missing
``notebook`` extra is refused in one line that says how to install it.
"""

from __future__ import annotations

from typing import Any

from convarith.core.arithmetic import configure
from convarith.core.errors import ConvArithError
from convarith.core.text import brief
from convarith.explorer.controls import ExplorerRequest, request_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType

    from convarith.notebook.widget import ExplorerWidget

__all__ = ["INSTALL_HINT", "explore", "state_of"]

#: The refusal when the ``notebook`` extra is missing.
INSTALL_HINT = "convarith.explore needs the optional extra: pip install 'convarith[notebook]'"

#: The parameters the explorer has a control for, as :func:`convarith.animate` names them.
PARAMETERS = (
    "kernel_size",
    "stride",
    "padding",
    "dilation",
    "output_padding",
    "ceil_mode",
    "count_include_pad",
)

#: The modules of the extra; a missing one means the extra is not installed.
_EXTRA_MODULES = ("anywidget", "ipywidgets", "traitlets", "comm")


def state_of(
    op: str = "conv",
    input_shape: Any = (5, 5),
    *,
    view: str = "arithmetic",
    theme: str = "light",
    seed: int = 0,
    **params: Any,
) -> dict[str, str]:
    """The explorer state (control name -> text) of a call written as for :func:`convarith.animate`.

    A parameter left out takes the control's default (``kernel_size`` 3);
    ``padding="causal"`` is the page's preset ``(d*(k-1), 0)``.

    Raises
    ------
    ConvArithError
        For a parameter the explorer has no control for, and for anything the
        library refuses, in the library's words.

    Examples
    --------
    >>> state = state_of("conv_transpose", (3, 3), stride=2, padding=(1, 0))
    >>> state["op"], state["input"], state["kernel"], state["stride"], state["padding"]
    ('conv_transpose', '3x3', '3', '2', '1x0')
    >>> try:
    ...     state_of("conv", (5, 5), groups=2)
    ... except ConvArithError as error:
    ...     print(error)
    groups=2 has no control in the explorer; it takes kernel_size, stride, padding, dilation, output_padding, ceil_mode, count_include_pad

    """
    for key, value in params.items():
        if key not in PARAMETERS:
            raise ConvArithError(
                f"{key}={brief(value)} has no control in the explorer; it takes {', '.join(PARAMETERS)}"
            )
    given = {"kernel_size": request_of({}).params["kernel_size"], **params}
    causal = isinstance(given.get("padding"), str) and given["padding"].strip().lower() == "causal"
    checked = {**given, "padding": 0} if causal else given
    config = configure(op, input_shape, **checked)  # the library's rules, in its words
    state = ExplorerRequest(config.op, config.input_shape, checked, view, theme, seed).state()
    if causal:
        state["padding"] = "causal"
    return request_of(state).state()


def _widget_module() -> ModuleType:
    """The widget's module, or a one-line refusal when the ``notebook`` extra is missing."""
    try:
        from convarith.notebook import widget
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] in _EXTRA_MODULES:
            raise ConvArithError(INSTALL_HINT) from None
        raise
    return widget


def explore(
    op: str = "conv",
    input_shape: Any = (5, 5),
    *,
    view: str = "arithmetic",
    theme: str = "light",
    seed: int = 0,
    **params: Any,
) -> ExplorerWidget:
    """The explorer as a notebook widget: the page's controls, the animation and its numbers.

    Displayed in Jupyter, the widget shows one control per entry of
    :data:`convarith.explorer.controls.CONTROLS`, the animation that
    :func:`convarith.animate` draws for them (play, pause, step, a frame
    slider and a speed), and beside it the output size, the formula with the
    numbers put in, the guide's relationship and the library's explanation.
    A value the library refuses shows its one-line message, and the last
    valid picture stays.

    Parameters
    ----------
    op, input_shape
        The operation and the input size, as for :func:`convarith.animate`.
        A 3-D input is answered in numbers (no picture).
    view, theme, seed
        How to draw it, as for :func:`convarith.animate`.
    **params
        ``kernel_size`` (default 3), ``stride``, ``padding`` (also
        ``"causal"``), ``dilation``, ``output_padding``, ``ceil_mode``,
        ``count_include_pad``.

    Returns
    -------
    ExplorerWidget
        ``widget.state`` holds the controls' values (as the page's URL
        writes them); ``widget.animation`` is what the picture shows.

    Raises
    ------
    ConvArithError
        Without the ``notebook`` extra (``pip install 'convarith[notebook]'``),
        and for parameters the library refuses.

    Examples
    --------
    >>> import convarith
    >>> widget = convarith.explore("conv", (5, 5), kernel_size=3, stride=2, padding=1)
    >>> widget.info["output"], widget.animation.frame_count
    ('3x3', 9)
    >>> widget.state = {**widget.state, "stride": "0"}
    >>> widget.error
    'stride=0 must be at least 1'
    >>> widget.animation.frame_count  # the last valid picture stays
    9

    """
    module = _widget_module()
    state = state_of(op, input_shape, view=view, theme=theme, seed=seed, **params)
    widget: ExplorerWidget = module.ExplorerWidget(state)
    return widget
