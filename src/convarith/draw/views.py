"""Assemble a figure: pick the view, size the cells, lay out the canvas; and find where its cells are."""

from __future__ import annotations

from dataclasses import dataclass

from convarith.core.errors import ConvArithError
from convarith.core.text import shape_text
from convarith.draw.labels import title
from convarith.draw.panels import shape2
from convarith.draw.style import Style
from convarith.figure.primitives import Figure, FigureLayer, Point
from convarith.scenes.matrix import MatrixScene
from convarith.scenes.model import Scene
from convarith.scenes.scatter import ScatterScene

__all__ = [
    "OUTLINED",
    "VIEWS",
    "AnyScene",
    "CellOutlines",
    "Outline",
    "cell_outlines",
    "cell_size",
    "draw",
]

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
    style, cell, margin = _sizes(scene, view, style)
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


def _sizes(scene: AnyScene, view: str, style: Style | None) -> tuple[Style, float, float]:
    """The style checked, the cell and the margin of ``scene`` drawn in ``view``, refusing what no view draws."""
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
    return style, cell, 0.7 * cell if cell >= 20 else 14.0


#: The views whose cells :func:`cell_outlines` finds: one grid under the window, one output.
OUTLINED = ("arithmetic", "numerical")


@dataclass(frozen=True, slots=True)
class Outline:
    """One cell of a figure: its corners on the canvas, where it is, what it holds.

    ``at`` is the cell's position: in the drawn grid for a grid cell, in the
    output for an output cell.  ``kind`` is ``"output"``, or what the grid
    position holds (``"input"``, ``"padding"``, ``"inserted"`` or
    ``"outside"``, as :data:`convarith.scenes.model.CELL_KINDS`); ``input`` is
    the input cell a grid cell shows (``None`` for the zeros around and
    between the input's cells, and for output cells).
    """

    points: tuple[Point, ...]
    at: tuple[int, ...]
    kind: str
    input: tuple[int, ...] | None = None


@dataclass(frozen=True)
class CellOutlines:
    """Every cell of an arithmetic or numerical figure, in the figure's canvas units.

    ``grid``: every position of the grid the window slides over, row-major
    (for a transposed convolution, the stretched and padded input);
    ``output``: every output cell, row-major.  ``width`` and ``height`` are
    the figure's.
    """

    width: float
    height: float
    grid: tuple[Outline, ...]
    output: tuple[Outline, ...]

    def inputs(self) -> dict[tuple[int, ...], Outline]:
        """The grid cells that show an input cell, by input cell."""
        return {o.input: o for o in self.grid if o.input is not None}


def _grid_cell(scene: Scene, at: tuple[int, ...]) -> tuple[str, tuple[int, ...] | None]:
    """What grid position ``at`` holds, and the input cell shown there (if any)."""
    kinds = [axis.kinds[n] for axis, n in zip(scene.grid, at)]
    inputs = [axis.inputs[n] for axis, n in zip(scene.grid, at)]
    if all(k == "input" for k in kinds):
        return "input", tuple(i for i in inputs if i is not None)
    # Past the padded input, then padding, then an inserted zero: the first that applies.
    for kind in ("outside", "padding", "inserted"):
        if kind in kinds:
            return kind, None
    raise AssertionError(f"grid position {at} holds {kinds}")  # pragma: no cover


def cell_outlines(
    scene: Scene, view: str = "arithmetic", style: Style | None = None
) -> CellOutlines:
    """Where each grid and output cell is in the figure ``draw(scene, view, style)`` makes.

    The outlines are the cells' polygons as the figure draws them (the
    slanted parallelograms of the arithmetic view, the squares of the
    numerical view), in the same canvas units, so that a page can lay them
    over the picture.  Nothing is drawn.

    Parameters
    ----------
    scene : Scene
        What is drawn (1-D or 2-D).
    view : {"arithmetic", "numerical"}
        The view drawn (see :data:`OUTLINED`).
    style : Style, optional
        The style drawn with (its cell size and labels set the layout).

    Returns
    -------
    CellOutlines

    Raises
    ------
    ConvArithError
        For a view other than those of :data:`OUTLINED`, and whatever
        :func:`draw` refuses.

    Examples
    --------
    >>> from convarith.scenes.build import scene
    >>> s = scene("conv", (3, 3), kernel_size=2, padding=1)
    >>> outlines = cell_outlines(s)
    >>> len(outlines.grid), len(outlines.output), outlines.width == draw(s).width
    (25, 16, True)
    >>> corner, centre = outlines.grid[0], outlines.grid[12]
    >>> corner.kind, corner.input, centre.kind, centre.input
    ('padding', None, 'input', (1, 1))
    >>> outlines.inputs()[(1, 1)] == centre, outlines.output[5].at
    (True, (1, 1))
    """
    if view not in OUTLINED:
        raise ConvArithError(
            f"view={view!r}: cells are outlined in the {' and '.join(OUTLINED)} views"
        )
    style, cell, margin = _sizes(scene, view, style)
    if view == "numerical":
        from convarith.draw.numerical_view import flat_outlines

        grid, output, width, height = flat_outlines(scene, style, cell, margin)
    else:
        from convarith.draw.arithmetic_view import slanted_outlines

        grid, output, width, height = slanted_outlines(scene, style, cell, margin)
    rows, cols = shape2(scene.grid_shape)
    out_rows, out_cols = shape2(scene.output_shape)
    one_d = len(scene.grid_shape) == 1
    grid_cells = []
    for n, points in enumerate(grid):
        at = (n,) if one_d else divmod(n, cols)
        kind, shown = _grid_cell(scene, at)
        grid_cells.append(Outline(points, at, kind, shown))
    outputs = tuple(
        Outline(points, (n,) if one_d else divmod(n, out_cols), "output")
        for n, points in enumerate(output)
    )
    assert len(grid_cells) == rows * cols and len(outputs) == out_rows * out_cols
    return CellOutlines(width, height, tuple(grid_cells), outputs)
