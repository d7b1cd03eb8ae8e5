"""The explorer widget: the page's controls, the animation and its numbers, in a notebook.

The front end (``static/explorer.js``, an ES module that anywidget loads; no
network, no build step) draws one control per entry of
:data:`convarith.explorer.controls.CONTROLS` and writes their values into the
``state`` trait, as text, the way the page's URL holds them.  Every change of
``state`` is checked by :func:`convarith.explorer.controls.request_of` and
drawn by :meth:`ExplorerRequest.animation`, the same :func:`convarith.animate`
call as the page makes, within the page's limits
(:func:`convarith.explorer.limits.check_drawable`); ``svg`` is then that
animation's animated SVG, the document :meth:`Animation.save` writes to
``.svg``.  A state the library (or the page) refuses sets ``error`` to its
one-line message and keeps the last valid picture.  Playback (``playing``, ``frame``, ``speed``) runs in the front end,
which pauses the SVG's own clock and moves it frame by frame.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import traitlets

from convarith.backends.svg import animated_svg
from convarith.core.arithmetic import configure
from convarith.core.errors import ConvArithError
from convarith.explorer.controls import (
    CONTROLS,
    OPERATIONS,
    VIEWS,
    applies,
    defaults,
    request_of,
)
from convarith.explorer.limits import check_drawable
from convarith.figure.checks import check_frame
from convarith.notebook.info import info_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from convarith.api.animation import Animation

__all__ = ["SPEEDS", "ExplorerWidget", "control_specs"]

STATIC = Path(__file__).resolve().parent / "static"

#: Playback speeds the front end offers (1 is the animation's own timing).
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)

#: Readable names of the choices of choice controls, where the page has them.
_CHOICE_LABELS = {"op": OPERATIONS, "view": VIEWS}


def control_specs() -> list[dict[str, Any]]:
    """The controls as the front end draws them: CONTROLS, plus the operations each applies to.

    Examples
    --------
    >>> specs = control_specs()
    >>> [s["name"] for s in specs][:4]
    ['op', 'input', 'kernel', 'stride']
    >>> output_padding = next(s for s in specs if s["name"] == "output_padding")
    >>> output_padding["label"], output_padding["kind"], output_padding["ops"]
    ('output padding', 'text', ['conv_transpose'])

    """
    specs = []
    for control in CONTROLS:
        names = _CHOICE_LABELS.get(control.name, {})
        specs.append(
            {
                "name": control.name,
                "label": control.label,
                "kind": control.kind,
                "default": control.default,
                "choices": list(control.choices),
                "choice_labels": [names.get(choice, choice) for choice in control.choices],
                "help": control.help,
                "ops": [op for op in OPERATIONS if applies(control.name, op)],
            }
        )
    return specs


class ExplorerWidget(anywidget.AnyWidget):
    """The explorer as a Jupyter widget; build one with :func:`convarith.explore`.

    Every attribute below is a trait shared with the front end.

    Attributes
    ----------
    controls : list of dict
        The controls to draw (:func:`control_specs`), fixed.
    state : dict of str to str
        The controls' values, as the page's URL writes them; the front end
        sets it, and every change is checked and drawn.
    svg : str
        The animated SVG of the picture shown (``""`` for none): the last
        valid one when the current state is refused.
    durations, loop
        Its timing: milliseconds per frame, and whether it repeats.
    info : dict
        The numbers beside the picture (:func:`convarith.notebook.info.info_of`).
    error : str
        The library's one-line refusal of the current state, or ``""``.
    stale, info_stale : bool
        The picture, or the numbers, belong to the last valid state.  A state
        refused before its sizes are known keeps both; one whose sizes are
        right but whose animation is refused (too large to watch, a view that
        does not fit) gets its numbers.
    note : str
        Why there is no picture: a 3-D input is answered in numbers.
    playing, frame, speed
        Playback: ``frame`` is the frame shown when paused (from 0), ``speed``
        one of :data:`SPEEDS`.

    Parameters
    ----------
    state : mapping of str to str, optional
        The controls' values; missing ones take their defaults.

    Examples
    --------
    >>> widget = ExplorerWidget({"op": "max_pool", "input": "4x4", "kernel": "2"})
    >>> widget.info["output"], widget.durations
    ('2x2', [1000, 1000, 1000, 1000])
    >>> widget.svg == widget.animation._repr_svg_()
    True
    >>> widget.state = {**widget.state, "input": "6x6"}   # as the front end sends it
    >>> widget.info["output"], widget.error
    ('3x3', '')
    >>> widget.frame = 8
    >>> widget.frame
    8

    """

    _esm = STATIC / "explorer.js"
    _css = STATIC / "explorer.css"

    controls: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    speeds: traitlets.List[float] = traitlets.List().tag(sync=True)
    state = traitlets.Dict().tag(sync=True)
    svg = traitlets.Unicode("").tag(sync=True)
    durations: traitlets.List[int] = traitlets.List().tag(sync=True)
    loop = traitlets.Bool(True).tag(sync=True)
    info = traitlets.Dict().tag(sync=True)
    info_stale = traitlets.Bool(False).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    stale = traitlets.Bool(False).tag(sync=True)
    note = traitlets.Unicode("").tag(sync=True)
    playing = traitlets.Bool(True).tag(sync=True)
    frame = traitlets.Int(0).tag(sync=True)
    speed = traitlets.Float(1.0).tag(sync=True)

    def __init__(self, state: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        self._animation: Animation | None = None
        super().__init__(controls=control_specs(), speeds=list(SPEEDS), **kwargs)
        self.state = {**defaults(), **(state or {})}

    @property
    def animation(self) -> Animation | None:
        """The animation the picture shows (the last valid one), or None before any."""
        return self._animation

    @traitlets.observe("state")
    def _state_changed(self, change: dict[str, Any]) -> None:
        self.redraw()

    def redraw(self) -> None:
        """Check ``state`` and show what it draws, or its refusal beside the last valid picture."""
        try:
            request = request_of(self.state)
            info = info_of(request)
        except ConvArithError as error:
            self._refused(str(error))
            return
        try:
            if request.ndim <= 2:
                # The page's limits: what it refuses to draw, the notebook refuses too.
                check_drawable(configure(request.op, request.input_shape, **request.params))
            animation = request.animation()
            svg = animated_svg(animation.figure)
        except ConvArithError as error:
            if request.ndim > 2:
                # Answered in numbers: the request's own refusal says so.
                self._answered_in_numbers(info, str(error))
                return
            with self.hold_sync():
                self.info = info
                self._refused(str(error), numbers_stale=False)
            return
        with self.hold_sync():
            self._animation = animation
            self.svg = svg
            self.durations = list(animation.figure.durations)
            self.loop = animation.figure.loop
            self.frame = 0
            self.info = info
            self.error = self.note = ""
            self.stale = self.info_stale = False

    def _refused(self, message: str, *, numbers_stale: bool = True) -> None:
        with self.hold_sync():
            self.error = message
            self.stale = bool(self.svg)
            self.info_stale = numbers_stale and bool(self.info)

    def _answered_in_numbers(self, info: dict[str, Any], message: str) -> None:
        with self.hold_sync():
            self._animation = None
            self.svg = ""
            self.durations = []
            self.frame = 0
            self.info = info
            self.note = message
            self.error = ""
            self.stale = self.info_stale = False

    @traitlets.validate("frame")
    def _valid_frame(self, proposal: dict[str, Any]) -> int:
        index = proposal["value"]
        if self._animation is None:
            if index != 0:
                raise ConvArithError(f"frame={index!r} must be 0: there is no picture")
            return 0
        return check_frame(self._animation.figure, index, "frame")

    @traitlets.validate("speed")
    def _valid_speed(self, proposal: dict[str, Any]) -> float:
        speed = proposal["value"]
        if speed not in SPEEDS:
            shown = ", ".join(f"{s:g}" for s in SPEEDS)
            raise ConvArithError(f"speed={speed:g} must be one of {shown}")
        return float(speed)

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """Take a change from the front end; a frame of a picture since replaced is dropped."""
        frame = sync_data.get("frame")
        if frame is not None:
            count = 1 if self._animation is None else self._animation.frame_count
            if not (isinstance(frame, int) and 0 <= frame < count):
                sync_data = {k: v for k, v in sync_data.items() if k != "frame"}
        super().set_state(sync_data)
