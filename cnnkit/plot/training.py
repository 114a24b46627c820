"""Figures of notebook 05: the paths that optimisers take across two-dimensional loss surfaces,
drawn over the surfaces' contour lines. Each function returns its Figure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from cnnkit.plot.diagram import STRONG
from cnnkit.training.surfaces import Surface

# One colour and one marker per path, so that the paths stay apart without colour too.
_STYLES = [(STRONG["grey"], "o"), (STRONG["blue"], "s"), (STRONG["orange"], "^"), (STRONG["vermillion"], "D"),
           (STRONG["green"], "v"), (STRONG["purple"], "P")]


def _draw_contours(ax: Axes, surface: Surface, resolution: int = 300) -> None:
    """Contour lines of the surface at logarithmically spaced losses (each line 3x the last),
    so that the flat floor of a valley shows as clearly as its steep walls."""
    x_min, x_max, y_min, y_max = surface.extent
    grid = np.stack(np.meshgrid(np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution)))
    losses = np.asarray(surface.loss(grid))
    lowest, highest = max(losses.min(), 1e-3), losses.max()
    levels = lowest * 3.0 ** np.arange(int(np.log(highest / lowest) / np.log(3.0)) + 1)
    ax.contourf(grid[0], grid[1], losses, levels=np.append(levels, highest), cmap="Greys_r", alpha=0.25)
    ax.contour(grid[0], grid[1], losses, levels=levels, colors="0.55", linewidths=0.6)


def _draw_paths(ax: Axes, surface: Surface, paths: Mapping[str, np.ndarray]) -> None:
    if len(paths) > len(_STYLES):
        raise ValueError(f"At most {len(_STYLES)} paths per surface; got {len(paths)}.")
    _draw_contours(ax, surface)
    for (label, path), (colour, marker) in zip(paths.items(), _STYLES):
        path = np.asarray(path, dtype=float)
        if path.ndim != 2 or path.shape[1] != 2:
            raise ValueError(f"The path {label!r} must have shape (points, 2); got {path.shape}.")
        every = max(1, (len(path) - 1) // 25)  # about 25 markers, however many steps
        ax.plot(path[:, 0], path[:, 1], color=colour, linewidth=1.6, marker=marker, markersize=4,
                markevery=every, label=label)
    ax.plot(*surface.start, "o", color="black", markersize=7, label="start")
    ax.plot(*surface.minimum, "*", color="black", markersize=14, label="minimum")
    x_min, x_max, y_min, y_max = surface.extent
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(y_min, y_max)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(surface.title, fontsize=11)


def plot_optimizer_paths(surfaces: Sequence[Surface], paths: Sequence[Mapping[str, np.ndarray]],
                         title: str | None = None) -> Figure:
    """Optimisers' paths over each surface's contour lines, one panel per surface.

    Args:
        surfaces: the surfaces (:class:`cnnkit.training.surfaces.Surface`), one panel each.
        paths: for each surface, ``{label: (steps + 1, 2) array of points}``, as
            :func:`cnnkit.training.surfaces.optimizer_path` returns; labels name the optimiser and
            its learning rate. At most six paths per panel.
        title: an optional title above the panels.

    Returns:
        The Figure: contour lines every factor 3 in loss, each path with its own colour and marker,
        the start as a black dot and the minimum as a black star.
    """
    if len(surfaces) != len(paths) or not surfaces:
        raise ValueError(f"Give one dict of paths per surface; got {len(surfaces)} surfaces and {len(paths)} dicts.")
    fig, axes = plt.subplots(1, len(surfaces), figsize=(5.6 * len(surfaces), 5.0), squeeze=False)
    for ax, surface, surface_paths in zip(axes[0], surfaces, paths):
        _draw_paths(ax, surface, surface_paths)
        ax.legend(fontsize=8.5, loc="best", framealpha=0.9)
    if title:
        fig.suptitle(title, fontsize=12)
    fig.tight_layout()
    return fig


def plot_lr_range_test(learning_rates: np.ndarray, losses: np.ndarray, smoothed: np.ndarray, chosen: float,
                       lowest: float | None = None, title: str | None = None) -> Figure:
    """A learning-rate range test: each step's batch loss against its learning rate (log axis), the
    smoothed curve, and the rate picked from it marked by a vertical line.

    Args:
        learning_rates: the rate of each step, increasing.
        losses: each step's batch loss (NaN or infinite values, after a divergence, are left out).
        smoothed: the smoothed losses, one per step, as the rate is picked from them.
        chosen: the learning rate picked, drawn as a solid vertical line.
        lowest: the rate where the smoothed loss is lowest, drawn dashed (optional).
        title: a title above the plot.
    """
    learning_rates, losses, smoothed = (np.asarray(a, dtype=float) for a in (learning_rates, losses, smoothed))
    if not (learning_rates.shape == losses.shape == smoothed.shape) or learning_rates.ndim != 1:
        raise ValueError(f"learning_rates, losses and smoothed must be 1-D and of one length; got shapes "
                         f"{learning_rates.shape}, {losses.shape} and {smoothed.shape}.")
    if chosen <= 0:
        raise ValueError(f"chosen must be a positive learning rate, got {chosen}.")
    fig, ax = plt.subplots(figsize=(7, 4))
    finite = np.isfinite(losses)
    ax.plot(learning_rates[finite], losses[finite], color=STRONG["grey"], alpha=0.5, linewidth=1,
            label="batch loss")
    ok = np.isfinite(smoothed)
    ax.plot(learning_rates[ok], smoothed[ok], color=STRONG["blue"], linewidth=2, label="smoothed")
    if lowest is not None:
        ax.axvline(lowest, color=STRONG["grey"], linestyle="--", label=f"lowest smoothed loss, rate {lowest:.3g}")
    ax.axvline(chosen, color=STRONG["vermillion"], linewidth=2, label=f"chosen rate {chosen:.3g}")
    ax.set_xscale("log")
    start = smoothed[ok][0] if ok.any() else np.nanmax(losses[finite])
    floor = np.nanmin(smoothed[ok]) if ok.any() else np.nanmin(losses[finite])
    ax.set_ylim(max(0.0, floor - 0.1 * (start - floor)), start * 1.5)  # the divergence would hide the dip
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("training loss")
    ax.legend(fontsize=9)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
