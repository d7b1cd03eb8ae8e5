"""Assemble a figure: pick the view, size the cells, lay out the canvas."""

from __future__ import annotations

from convarith.core.errors import ConvArithError
from convarith.core.text import shape_text
from convarith.draw.labels import title
from convarith.draw.panels import shape2
from convarith.draw.style import Style
from convarith.figure.primitives import Figure, FigureLayer
from convarith.scenes.matrix import MatrixScene
from convarith.scenes.model import Scene
from convarith.scenes.scatter import ScatterScene

__all__ = ["VIEWS", "AnyScene", "cell_size", "draw"]

AnyScene = Scene | ScatterScene | MatrixScene

#: view -> the kind of scene it draws.
VIEWS: dict[str, type] = {
    "arithmetic": Scene,
    "numerical": Scene,
    "scatter": ScatterScene,
    "matrix": MatrixScene,
    "compare": ScatterScene,
}

#: Figures aim to stay about this wide (canvas units, pixels at scale 1).
TARGET_WIDTH = {"matrix": 1200.0}
DEFAULT_TARGET = 1000.0
#: Smallest automatic cell per view: below it, grids stop being readable.
MIN_CELL = {"arithmetic": 6.0, "matrix": 14.0}
DEFAULT_MIN_CELL = 22.0
DEFAULT_CELL = 30.0


#: Stacked views may be this much taller than wide before their cells shrink.
_TALL = 1.6


def _extent_cells(scene: AnyScene, view: str) -> float:
    """The figure's extent in cells (without labels), per view: its width, or its height over 1.6."""
    c = scene.config
    if isinstance(scene, MatrixScene):
        maps = sum(shape2(s)[1] for s in (c.input_shape, c.output_shape, c.kernel_size)) + 3
        return float(max(maps, 3.5 + scene.matrix.shape[1]))
    if isinstance(scene, ScatterScene):
        panels = [c.input_shape, c.kernel_size, tuple(a.k_eff for a in c.axes), scene.full_shape]
        width = max(shape2(s)[1] for s in panels)
        # Panels stacked, with a sign and a label between each two.
        height = sum(shape2(s)[0] for s in panels) + 10
        if view == "compare":
            rows, grid = shape2(scene.gather.grid_shape)
            out = shape2(c.output_shape)[1]
            width = max(width, grid + 2 + out)
            height += rows + 6
        return max(float(width), height / _TALL)
    rows, cols = shape2(scene.grid_shape)
    if view == "numerical":
        return cols + 1 + c.output_shape[-1]
    return cols + 0.7 * rows


def cell_size(scene: AnyScene, view: str, style: Style) -> float:
    """The cell size: the style's, or 30 shrunk so that the figure keeps a readable width.

    Raises
    ------
    ConvArithError
        When even the smallest readable cell makes the figure too large.
    """
    if style.cell is not None:
        return style.cell
    target = TARGET_WIDTH.get(view, DEFAULT_TARGET)
    smallest = MIN_CELL.get(view, DEFAULT_MIN_CELL)
    cells = _extent_cells(scene, view)
    fitted = min(DEFAULT_CELL, target / cells)
    if fitted < smallest:
        raise ConvArithError(
            f"input {shape_text(scene.config.input_shape)} is too large for a legible {view} "
            f"view: its cells would be {fitted:.0f} px wide (at least {smallest:.0f} needed); use a "
            f"smaller input (the figure has room for about {int(target / smallest)} cells across) "
            "or set a cell size"
        )
    return fitted


def _layers(
    scene: AnyScene, view: str, style: Style, cell: float, margin: float
) -> tuple[tuple[FigureLayer, ...], float, float, int]:
    if isinstance(scene, MatrixScene):
        from convarith.draw.matrix_view import matrix_layers

        layers, w, h = matrix_layers(scene, style, cell, margin, numerical=scene.numerical)
        return layers, w, h, len(scene.frames)
    if isinstance(scene, ScatterScene):
        if view == "compare":
            from convarith.draw.gather_scatter_view import compare_layers

            return compare_layers(scene, style, cell, margin)
        from convarith.draw.scatter_view import scatter_layers

        layers, w, h = scatter_layers(scene, style, cell, margin)
        return layers, w, h, len(scene.frames)
    if view == "numerical":
        from convarith.draw.numerical_view import flat_layers

        layers, w, h = flat_layers(scene, style, cell, margin)
    else:
        from convarith.draw.arithmetic_view import slanted_layers

        layers, w, h = slanted_layers(scene, style, cell, margin)
    return layers, w, h, len(scene.frames)


def draw(scene: AnyScene, view: str = "arithmetic", style: Style | None = None) -> Figure:
    """Draw ``scene`` in ``view`` as a figure of primitives.

    Parameters
    ----------
    scene : Scene, ScatterScene or MatrixScene
        What to draw (1-D or 2-D); its kind must suit the view.
    view : {"arithmetic", "numerical", "scatter", "matrix", "compare"}
        Slanted grids as in the original's animations; flat grids with values;
        the scatter view of a transposed convolution; the matrix ``C`` (or
        ``Cᵀ``); gather and scatter side by side.
    style : Style, optional
        Colours, cell size, timing, labels (the original's look by default).

    Returns
    -------
    Figure

    Examples
    --------
    >>> from convarith.scenes.build import scene
    >>> fig = draw(scene("conv", (5, 5), kernel_size=3, stride=2, padding=1))
    >>> fig.frame_count, round(fig.width), round(fig.height) > 300
    (9, 399, True)
    """
    style = style or Style()
    style.check()
    if view not in VIEWS:
        raise ConvArithError(f"view={view!r} must be one of {', '.join(VIEWS)}")
    if not isinstance(scene, VIEWS[view]):
        raise ConvArithError(
            f"view={view!r} draws a {VIEWS[view].__name__}, not a {type(scene).__name__}"
        )
    if len(scene.config.input_shape) > 2:
        raise ConvArithError(
            f"input_shape={scene.config.input_shape!r}: figures draw 1-D and 2-D operations; "
            "a 3-D scene is available as data (convarith scene ... --json)"
        )
    if view == "numerical" and isinstance(scene, Scene) and scene.values is None:
        raise ConvArithError("the numerical view needs a numerical scene (numerical=True)")
    cell = cell_size(scene, view, style)
    margin = 0.7 * cell if cell >= 20 else 14.0
    layers, width, height, frames = _layers(scene, view, style, cell, margin)
    return Figure(
        width=width,
        height=height,
        layers=layers,
        durations=style.durations(frames),
        background=style.background,
        title=title(scene.config),
        loop=style.loop,
    )
