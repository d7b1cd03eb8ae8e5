"""The public verbs that wire scene, drawing and output together.

>>> import convarith
>>> anim = convarith.animate("conv", (5, 5), kernel_size=3, stride=2, padding=1)
>>> anim.frame_count, anim.name
(9, 'conv_5x5_k3_s2_p1')

``anim.save("padding_strides.gif")`` writes it; the extension picks the format.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

from convarith.core.errors import ConvArithError
from convarith.core.text import brief, per_axis_text, shape_text
from convarith.draw import THEMES, VIEWS, Style, draw
from convarith.draw.views import AnyScene
from convarith.figure.primitives import Figure

__all__ = ["Animation", "animate", "default_name", "make_style"]

_STYLE_KEYS = tuple(Style.__dataclass_fields__)


def default_name(sc: AnyScene, view: str = "arithmetic") -> str:
    """A file-name stem that says what the animation shows: ``conv_5x5_k3_s2_p1``."""
    c = sc.config

    pads = tuple(lo if lo == hi else f"{lo}-{hi}" for lo, hi in c.padding)
    parts = [
        c.op,
        shape_text(c.input_shape),
        f"k{per_axis_text(c.kernel_size)}",
        f"s{per_axis_text(c.stride)}",
        f"p{per_axis_text(pads)}",
    ]
    if any(d > 1 for d in c.dilation):
        parts.append(f"d{per_axis_text(c.dilation)}")
    if any(a > 0 for a in c.output_padding):
        parts.append(f"a{per_axis_text(c.output_padding)}")
    if c.ceil_mode:
        parts.append("ceil")
    if view != "arithmetic":
        parts.append(view)
    return "_".join(parts)


def make_style(theme: str = "light", style: Style | None = None, **changes: Any) -> Style:
    """A style from a theme name (``light``, ``dark``), an optional base, and changes."""
    if style is None:
        if not isinstance(theme, str) or theme not in THEMES:
            raise ConvArithError(f"theme={brief(theme)} must be one of {', '.join(THEMES)}")
        style = THEMES[theme]
    unknown = [k for k in changes if k not in _STYLE_KEYS]
    if unknown:
        raise ConvArithError(
            f"unknown style option {brief(unknown[0])}; known: {', '.join(_STYLE_KEYS)}"
        )
    return style.updated(**changes)


class Animation:
    """An animation ready to be saved in any format.

    Build one with :func:`animate`.  ``scene`` is the data, ``figure`` the
    drawing (built on first use), ``name`` the stem of frame files.
    """

    def __init__(self, scene: AnyScene, view: str, style: Style, name: str) -> None:
        self.scene = scene
        self.view = view
        self.style = style
        self.name = name

    @cached_property
    def figure(self) -> Figure:
        """The drawing: primitives per layer and per frame."""
        return draw(self.scene, self.view, self.style)

    @property
    def frame_count(self) -> int:
        """Number of frames (one per output cell in the classic views)."""
        return self.figure.frame_count

    def save(
        self,
        path: str | os.PathLike[str],
        *,
        scale: float = 1.0,
        frame_format: str = "png",
        progress: Callable[[int, int], None] | None = None,
    ) -> list[Path]:
        """Write the animation; the extension picks the format.

        ``.gif``, ``.webp``, ``.apng``, ``.mp4`` (optional extra), ``.svg``
        (animated), ``.pdf`` (a page per frame), ``.tex`` (TikZ), or a folder
        (path ending in ``/``) of ``NAME_00.png`` ... (``frame_format`` ``svg``
        or ``pdf`` for vector frames).  ``progress(done, total)`` is called as
        frames are written.  Returns the paths written.
        """
        from convarith.core.limits import check_scale
        from convarith.formats.save import check_target, save_figure

        # Everything about the request is checked before the figure is drawn.
        check_scale(scale)
        check_target(path, frame_format)
        return save_figure(
            self.figure,
            path,
            scale=scale,
            name=self.name,
            frame_format=frame_format,
            progress=progress,
        )

    def _repr_svg_(self) -> str:
        """Inline display in notebooks: the animated SVG."""
        from convarith.backends.svg import animated_svg

        return animated_svg(self.figure)

    def _repr_html_(self) -> str:
        """Inline display in Jupyter: the animated SVG, playing, and a caption with the parameters.

        The SVG is the document :meth:`save` writes to ``.svg``, embedded as
        a base64 data URL in an ``<img>``: self-contained (no network, no
        script), it plays by itself and keeps its fonts and styles out of the
        notebook's page.

        Examples
        --------
        >>> import convarith
        >>> html = convarith.animate("conv", (5, 5), kernel_size=3)._repr_html_()
        >>> html.startswith("<figure") and 'src="data:image/svg+xml;base64,' in html
        True
        >>> print(html[html.index("<figcaption"):])  # doctest: +NORMALIZE_WHITESPACE
        <figcaption ...>convolution: input 5x5 -&gt; output 3x3<br>kernel 3, stride 1,
        padding 0, dilation 1<br>arithmetic view, 9 frames</figcaption></figure>

        """
        import base64
        import html

        from convarith.backends.svg import animated_svg
        from convarith.core.explain import describe

        figure = self.figure
        data = base64.b64encode(animated_svg(figure).encode("utf-8")).decode("ascii")
        c = self.scene.config
        rebuilt = c.rule_params()
        if c.padding_rule:  # said as it was asked for: padding 1 ('same')
            rebuilt["padding"] = c.padding_rule
        head, params = describe(c.op, c.input_shape, **rebuilt).text().splitlines()[:2]
        lines = [head, params.strip(), f"{self.view} view, {self.frame_count} frames"]
        caption = "<br>".join(html.escape(line) for line in lines)
        return (
            '<figure style="margin:0">'
            f'<img src="data:image/svg+xml;base64,{data}" width="{round(figure.width)}" '
            f'style="max-width:100%;height:auto" alt="{html.escape(self.name)}">'
            '<figcaption style="font-size:12px;line-height:1.4">'
            f"{caption}</figcaption></figure>"
        )

    def __repr__(self) -> str:
        return f"<Animation {self.name} ({self.view}, {self.frame_count} frames)>"


def _scene(
    op: str,
    input_shape: Any,
    view: str,
    numerical: bool,
    seed: int | None,
    params: dict[str, Any],
    given: dict[str, Any] | None = None,
) -> AnyScene:
    """The scene a view draws, its cost checked from the arithmetic before anything is built."""
    from convarith.core.arithmetic import configure
    from convarith.core.params import canonical_op
    from convarith.scenes.build import check_cost, check_seed, scene_cost, scene_of

    if view in ("scatter", "compare") and canonical_op(op) != "conv_transpose":
        raise ConvArithError(
            f"view={view!r} shows a transposed convolution (op='conv_transpose'), not op={brief(op)}"
        )
    if given and view not in ("arithmetic", "numerical"):
        raise ConvArithError(
            f"input_values= and weights= are drawn by the arithmetic and numerical views, not view={view!r}"
        )
    check_seed(seed)
    config = configure(op, input_shape, **params)
    if config.ndim > 2:
        raise ConvArithError(
            f"input_shape={brief(config.input_shape)}: animations draw 1-D and 2-D operations; "
            "a 3-D scene is available as data (convarith scene ... --json)"
        )
    if view in ("scatter", "compare"):
        from convarith.scenes.scatter import scatter_scene

        return scatter_scene(
            config.input_shape, seed=seed, gather_frames=view == "compare", **config.rule_params()
        )
    if view == "matrix":
        from convarith.scenes.matrix import matrix_scene

        return matrix_scene(
            op, config.input_shape, numerical=numerical, seed=seed, **config.rule_params()
        )
    check_cost(config, scene_cost, "an animation")
    return scene_of(config, numerical=numerical or view == "numerical", seed=seed, **(given or {}))


def animate(
    op: str,
    input_shape: Any,
    *,
    view: str | None = None,
    numerical: bool = False,
    seed: int | None = None,
    style: Style | None = None,
    theme: str = "light",
    name: str | None = None,
    input_values: Any = None,
    weights: Any = None,
    **params: Any,
) -> Animation:
    """An animation of ``op`` on ``input_shape``, as the original guide draws them, and more.

    Parameters
    ----------
    op : {"conv", "conv_transpose", "max_pool", "avg_pool"}
        The operation.
    input_shape : tuple of int
        1 or 2 spatial sizes.
    view : str, optional
        ``"arithmetic"``: slanted grids, the original's animations (default);
        ``"numerical"``: flat grids with values (default when ``numerical``);
        ``"scatter"``: a transposed convolution as input cells times the
        kernel added into the output; ``"matrix"``: ``y = C x`` (``x' = Cᵀ y'``
        for a transposed convolution); ``"compare"``: the gather and scatter
        views of a transposed convolution side by side.
    numerical : bool
        Draw values: seeded integer inputs and weights and the output.
    seed : int, optional
        Seed of the values.
    input_values, weights : nested lists or arrays, optional
        Values of your own instead of seeded ones, for the arithmetic and
        numerical views: the input (shaped as ``input_shape``) and, for a
        convolution, the kernel (shaped as ``kernel_size``).
    style : Style, optional
        Colours, sizes, timing; ``theme`` picks a named one (``light``, ``dark``).
    name : str, optional
        Stem for frame files (default: from the parameters).
    **params
        As for :func:`convarith.output_shape`, plus style fields (for example
        ``frame_ms=500``, ``caption=True``, ``input_color=(200, 0, 0)``).

    Returns
    -------
    Animation

    Raises
    ------
    ConvArithError
        For a configuration PyTorch refuses, a 3-D input, a view that does not
        fit the operation, or an animation too large to watch: frames, grid
        cells and window positions are checked against
        :mod:`convarith.core.limits` from the arithmetic, before the scene is
        built or anything is drawn.
    """
    if name is not None:
        from convarith.files.names import check_file_name

        check_file_name(name)
    style_changes = {k: params.pop(k) for k in list(params) if k in _STYLE_KEYS}
    chosen = make_style(theme, style, **style_changes)
    given = None
    if input_values is not None or weights is not None:
        given = {"input_values": input_values, "weights": weights}
        numerical = True
    view = view or ("numerical" if numerical else "arithmetic")
    if not isinstance(view, str) or view not in VIEWS:
        raise ConvArithError(f"view={brief(view)} must be one of {', '.join(VIEWS)}")
    sc = _scene(op, input_shape, view, numerical, seed, params, given)
    return Animation(sc, view, chosen, default_name(sc, view) if name is None else name)
