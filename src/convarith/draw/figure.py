"""Assemble a figure: pick the view, size the cells, lay out the canvas."""

from __future__ import annotations

from convarith.draw.flat import flat_layers
from convarith.draw.labels import title
from convarith.draw.style import Style
from convarith.errors import ConvArithError
from convarith.primitives import Figure
from convarith.scenes import Scene

__all__ = ["VIEWS", "cell_size", "draw"]

VIEWS = ("arithmetic", "numerical")

#: Figures aim to stay about this wide (canvas units, pixels at scale 1).
TARGET_WIDTH = 1000.0
#: Smallest automatic cell per view: below it, grids stop being readable.
MIN_CELL = {"arithmetic": 6.0, "numerical": 22.0}
DEFAULT_CELL = 30.0


def _extent_cells(scene: Scene, view: str) -> float:
    """The figure's width in cells (without labels), per view."""
    shape = scene.grid_shape
    rows, cols = (1, shape[0]) if len(shape) == 1 else shape[:2]
    out_cols = scene.output_shape[-1]
    if view == "numerical":
        return cols + 1 + out_cols
    return cols + 0.7 * rows


def cell_size(scene: Scene, view: str, style: Style) -> float:
    """The cell size: the style's, or 30 shrunk so that the figure stays about 1000 wide.

    Raises
    ------
    ConvArithError
        When even the smallest readable cell makes the figure too large.
    """
    if style.cell is not None:
        return style.cell
    cells = _extent_cells(scene, view)
    fitted = min(DEFAULT_CELL, TARGET_WIDTH / cells)
    if fitted < MIN_CELL[view]:
        widest = int(TARGET_WIDTH / MIN_CELL[view] - (1 if view == "numerical" else 0))
        raise ConvArithError(
            f"a {'x'.join(map(str, scene.grid_shape))} grid is too large for a legible {view} "
            f"view: its cells would be {fitted:.0f} px wide; keep the drawn grid within about "
            f"{widest // (2 if view == 'numerical' else 1)} cells per side, or set a cell size"
        )
    return fitted


def draw(scene: Scene, view: str = "arithmetic", style: Style | None = None) -> Figure:
    """Draw ``scene`` in ``view`` as a figure of primitives.

    Parameters
    ----------
    scene : Scene
        A 1-D or 2-D scene (numerical for the numerical view).
    view : {"arithmetic", "numerical"}
        Slanted grids as in the original's animations, or flat grids with values.
    style : Style, optional
        Colours, cell size, timing, labels (the original's look by default).

    Returns
    -------
    Figure

    Examples
    --------
    >>> from convarith.scenes import scene
    >>> fig = draw(scene("conv", (5, 5), kernel_size=3, stride=2, padding=1))
    >>> fig.frame_count, round(fig.width), round(fig.height) > 300
    (9, 399, True)
    """
    style = style or Style()
    style.check()
    if view not in VIEWS:
        raise ConvArithError(f"view={view!r} must be one of {', '.join(VIEWS)}")
    if len(scene.grid_shape) > 2:
        raise ConvArithError(
            f"input_shape={scene.input_shape!r}: figures draw 1-D and 2-D operations; "
            "a 3-D scene is available as data (convarith scene ... --json)"
        )
    cell = cell_size(scene, view, style)
    margin = 0.7 * cell if cell >= 20 else 14.0
    if view == "numerical":
        layers, width, height = flat_layers(scene, style, cell, margin)
    else:
        from convarith.draw.slanted import slanted_layers

        layers, width, height = slanted_layers(scene, style, cell, margin)
    return Figure(
        width=width,
        height=height,
        layers=layers,
        durations=style.durations(len(scene.frames)),
        background=style.background,
        title=title(scene.config),
        loop=style.loop,
    )
