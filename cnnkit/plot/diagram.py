"""Drawing primitives that the course's diagrams share: a blank canvas, labelled boxes, arrows,
a grid of numbers, and one colour-blind-safe palette.

The figure modules of :mod:`cnnkit.plot` build their diagrams from these,
so that every diagram in the course looks alike and no module keeps its own copy of a box or an
arrow. Coordinates are data units of the canvas: ``diagram_axes(12, 4)`` gives x in [0, 12] and
y in [0, 4], with equal scale on both axes.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

# Okabe and Ito's palette (2008), distinguishable with every common colour-vision deficiency,
# lightened for box fills so that black text on it stays readable.
PALETTE = {
    "blue": "#9cc9e8",
    "orange": "#f5c27a",
    "green": "#8fd3b8",
    "yellow": "#f7ee9a",
    "sky": "#c5e4f7",
    "vermillion": "#f0a98a",
    "purple": "#dcb3cf",
    "grey": "#dddddd",
}
# The same hues at full strength, for lines, arrows and highlights.
STRONG = {
    "blue": "#0072b2",
    "orange": "#e69f00",
    "green": "#009e73",
    "yellow": "#f0e442",
    "sky": "#56b4e9",
    "vermillion": "#d55e00",
    "purple": "#cc79a7",
    "grey": "#555555",
}

#: One strong hue per class, in a fixed order, wherever classes are told apart by colour (boxes,
#: masks, points).
CLASS_COLOURS = tuple(STRONG[name] for name in ("vermillion", "green", "blue", "orange", "purple", "sky", "yellow"))


def diagram_axes(width: float, height: float, inches_per_unit: float = 0.9,
                 ax: Axes | None = None) -> tuple[Figure, Axes]:
    """A blank canvas ``width`` by ``height`` data units, without axes or ticks.

    With ``ax`` given, that axes becomes the canvas (for a panel of a larger figure).
    """
    if width <= 0 or height <= 0:
        raise ValueError(f"A canvas needs a positive width and height; got {width} by {height}.")
    if ax is None:
        fig, ax = plt.subplots(figsize=(width * inches_per_unit, height * inches_per_unit))
    else:
        fig = ax.figure
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def add_box(ax: Axes, centre: tuple[float, float], text: str, colour: str = PALETTE["blue"],
            width: float = 1.6, height: float = 0.7, fontsize: float = 9) -> tuple[float, float, float, float]:
    """A rounded box with centred text; returns its (left, bottom, right, top) edges for arrows."""
    x, y = centre
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.04",
                                facecolor=colour, edgecolor="0.25", linewidth=0.9))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)
    return x - width / 2, y - height / 2, x + width / 2, y + height / 2


def add_arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], text: str | None = None,
              colour: str = "0.3", style: str = "-|>", curve: float = 0.0, fontsize: float = 8.5) -> None:
    """An arrow from ``start`` to ``end`` with an optional label beside its middle.

    ``curve`` bends it (matplotlib's arc3 radius: 0 is straight, 0.3 a gentle arc), which draws
    a shortcut around the boxes it skips.
    """
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=12, color=colour, linewidth=1.3,
                                 connectionstyle=f"arc3,rad={curve}"))
    if text:
        ax.text((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 0.12, text, ha="center", va="bottom",
                fontsize=fontsize, color=colour)


def add_grid(ax: Axes, values: np.ndarray, origin: tuple[float, float] = (0.0, 0.0), cell: float = 1.0,
             colours: np.ndarray | None = None, fmt: str = "{:g}", fontsize: float = 9,
             highlight: Sequence[tuple[int, int, int, int]] = (), highlight_colour: str = STRONG["vermillion"]) -> None:
    """A 2-D array drawn as a grid of cells with its numbers, row 0 at the top.

    Args:
        values: ``(rows, cols)`` numbers to write in the cells.
        origin: the grid's top-left corner, in data units.
        cell: the side of one cell, in data units.
        colours: optional ``(rows, cols)`` fill colours (any matplotlib colour); white by default.
        highlight: rectangles ``(row, col, n_rows, n_cols)`` outlined in ``highlight_colour``,
            for example the window a kernel covers.
    """
    values = np.asarray(values)
    if values.ndim != 2:
        raise ValueError(f"add_grid draws a 2-D array; got shape {values.shape}.")
    left, top = origin
    rows, cols = values.shape
    for r in range(rows):
        for c in range(cols):
            face = "white" if colours is None else colours[r][c]
            ax.add_patch(Rectangle((left + c * cell, top - (r + 1) * cell), cell, cell, facecolor=face,
                                   edgecolor="0.35", linewidth=0.8))
            ax.text(left + (c + 0.5) * cell, top - (r + 0.5) * cell, fmt.format(values[r, c]), ha="center",
                    va="center", fontsize=fontsize)
    for r, c, n_rows, n_cols in highlight:
        ax.add_patch(Rectangle((left + c * cell, top - (r + n_rows) * cell), n_cols * cell, n_rows * cell,
                               fill=False, edgecolor=highlight_colour, linewidth=2.6))
