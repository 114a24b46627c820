"""Figures of notebook 11: how a Gram matrix is built from feature maps, and the weighted losses
of a style transfer over its steps. Each function returns its Figure."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from cnnkit.plot.charts import plot_curves
from cnnkit.plot.diagram import PALETTE, STRONG, add_arrow, add_grid, diagram_axes

_CHANNEL_COLOURS = ("blue", "orange", "green", "purple")   # one hue per channel, as many as the figure draws
_MAX_POSITIONS = 12                                        # h * w cells still fit in one row at notebook width


def draw_gram_matrix(feature_maps: np.ndarray, channel_names: Sequence[str] | None = None,
                     entry: tuple[int, int] = (0, 1), fmt: str = "{:.2f}", title: str | None = None) -> Figure:
    """The Gram matrix of a few small feature maps, built step by step with their numbers.

    Left: each channel's ``h x w`` map. Middle: each map flattened into one row, the ``(C, h*w)``
    matrix ``F^T``. Right: the ``(C, C)`` Gram matrix ``G = F^T F / (h w)``, whose entry ``(c, d)``
    is the inner product of rows ``c`` and ``d`` divided by the number of positions (the
    definition of notebook 11's ``gram_matrix``). Below, the sum behind one entry is written out.

    Args:
        feature_maps: activations of one image, shape ``(h, w, C)`` with 2 to 4 channels and at
            most 12 positions ``h * w`` (average-pool larger maps first), in the layer's own units.
        channel_names: one label per channel (for example its index in the layer); "channel k"
            by default.
        entry: the ``(c, d)`` entry of the Gram matrix whose sum is written out and outlined.
        fmt: format of every number drawn.
        title: the figure's title.

    Returns:
        The Figure. Its Gram matrix numbers are ``fmt`` of ``F^T F / (h w)``.
    """
    maps = np.asarray(feature_maps, dtype=float)
    if maps.ndim != 3:
        raise ValueError(f"feature_maps must have shape (h, w, C); got {maps.shape}.")
    height, width, channels = maps.shape
    if not 2 <= channels <= len(_CHANNEL_COLOURS):
        raise ValueError(f"feature_maps must have 2 to {len(_CHANNEL_COLOURS)} channels to be drawn; got {channels}.")
    if height * width > _MAX_POSITIONS:
        raise ValueError(f"feature_maps have {height}x{width} = {height * width} positions, more than the "
                         f"{_MAX_POSITIONS} that fit; average-pool them to a smaller size first.")
    if channel_names is None:
        channel_names = [f"channel {k}" for k in range(channels)]
    if len(channel_names) != channels:
        raise ValueError(f"channel_names needs one name per channel ({channels}); got {len(channel_names)}.")
    c, d = entry
    if not (0 <= c < channels and 0 <= d < channels):
        raise ValueError(f"entry must index the {channels}x{channels} Gram matrix; got {entry}.")

    positions = height * width
    rows = maps.reshape(positions, channels).T                       # (C, h*w): row k is channel k, flattened
    gram = rows @ rows.T / positions                                 # (C, C)
    fills = [PALETTE[_CHANNEL_COLOURS[k]] for k in range(channels)]

    map_cell, row_cell, gram_cell, gap = 0.62, 0.62, 0.9, 0.75
    map_height = height * map_cell
    canvas_height = 0.8 + channels * map_height + (channels - 1) * gap + 0.2
    row_left = 0.3 + width * map_cell + 2.0
    row_right = row_left + positions * row_cell
    gram_left = row_right + 2.2
    fig, ax = diagram_axes(gram_left + channels * gram_cell + 0.3, canvas_height, inches_per_unit=0.68)

    # Left: the maps, one above the other, each in its channel's colour.
    row_top = canvas_height / 2 + channels * row_cell / 2 + 0.2
    for k in range(channels):
        top = canvas_height - 0.5 - k * (map_height + gap)
        add_grid(ax, maps[..., k], origin=(0.3, top), cell=map_cell, colours=[[fills[k]] * width] * height,
                  fmt=fmt, fontsize=8)
        ax.text(0.3 + width * map_cell / 2, top + 0.08, f"{k}: {channel_names[k]} ({height}x{width})", ha="center",
                va="bottom", fontsize=9)
        add_arrow(ax, (0.4 + width * map_cell, top - map_height / 2),
                   (row_left - 0.1, row_top - (k + 0.5) * row_cell), colour=STRONG[_CHANNEL_COLOURS[k]])

    # Middle: the rows of F^T; the two rows of the written-out entry are outlined.
    outlined = sorted({c, d})
    add_grid(ax, rows, origin=(row_left, row_top), cell=row_cell, colours=[[fill] * positions for fill in fills],
              fmt=fmt, fontsize=8, highlight=[(k, 0, 1, positions) for k in outlined])
    ax.text((row_left + row_right) / 2, row_top + 0.15, f"flattened: one row of {positions} numbers per channel",
            ha="center", va="bottom", fontsize=9)

    # Right: the Gram matrix, with channel labels on its rows and columns.
    gram_top = row_top + (channels * gram_cell - channels * row_cell) / 2
    gram_colours = [[PALETTE["grey"]] * channels for _ in range(channels)]
    add_grid(ax, gram, origin=(gram_left, gram_top), cell=gram_cell, colours=gram_colours, fmt=fmt, fontsize=8.5,
              highlight=[(c, d, 1, 1)])
    for k in range(channels):
        ax.text(gram_left - 0.1, gram_top - (k + 0.5) * gram_cell, str(k), ha="right", va="center", fontsize=9,
                color=STRONG[_CHANNEL_COLOURS[k]], fontweight="bold")
        ax.text(gram_left + (k + 0.5) * gram_cell, gram_top + 0.08, str(k), ha="center", va="bottom", fontsize=9,
                color=STRONG[_CHANNEL_COLOURS[k]], fontweight="bold")
    ax.text(gram_left + channels * gram_cell / 2, gram_top + 0.45, f"Gram matrix ({channels}x{channels})",
            ha="center", va="bottom", fontsize=9)
    middle = row_top - channels * row_cell / 2
    add_arrow(ax, (row_right + 0.15, middle), (gram_left - 0.4, middle), text="inner products\n÷ (h w)")

    # Below: the sum behind the outlined entry, first terms written out.
    terms = " + ".join(f"{fmt.format(a)}·{fmt.format(b)}" for a, b in zip(rows[c][:3], rows[d][:3]))
    ax.text(row_left, row_top - channels * row_cell - 0.75,
            f"G[{c}, {d}] = (row {c} · row {d}) / {positions} = ({terms} + ...) / {positions} = {fmt.format(gram[c, d])}",
            ha="left", va="top", fontsize=9.5, color=STRONG["vermillion"])
    if title:
        ax.set_title(title, fontsize=11)
    return fig


def show_style_history(history: dict, weights: dict, title: str = "style transfer losses") -> Figure:
    """The weighted losses of a style transfer, one curve each, on a log scale.

    Args:
        history: ``{"total": [...], "content": [...], "style": [...], "tv": [...]}``, one value per step.
        weights: the loss weights used, ``{"content": a, "style": b, "tv": c}``.
    """
    steps = np.arange(1, len(history["total"]) + 1)
    curves = {"total": (steps, history["total"])}
    for name in ("content", "style", "tv"):
        values = weights[name] * np.asarray(history[name], dtype=float)
        # A loss of exactly 0 (the content loss at the first step) has no place on a log axis.
        curves[f"{weights[name]:g} x {name}"] = (steps, np.where(values > 0, values, np.nan))
    fig, ax = plt.subplots(figsize=(7, 3.8))
    return plot_curves(curves, "step", "weighted loss (log scale)", title=title, ax=ax, logy=True)
