"""Figures of notebook 09 that are not images: how well two explanations agree over many images, and
how an explanation changes as a model's weights are randomised. Each function returns its Figure."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from cnnkit.plot.diagram import STRONG

_COLOURS = (STRONG["blue"], STRONG["orange"], STRONG["green"], STRONG["vermillion"], STRONG["purple"])


def _finite(values) -> np.ndarray:
    values = np.asarray(values, dtype=float).ravel()
    return values[np.isfinite(values)]


def plot_agreement(correlations: dict[str, Sequence[float]], xlabel: str = "correlation between the two maps",
                   title: str | None = None) -> Figure:
    """Histograms of per-image agreement scores, one per comparison, each with its mean marked.

    Args:
        correlations: ``{label: scores}``, one score per image (a correlation, in [-1, 1]);
            NaN scores (a constant map has no correlation) are left out and counted in the legend.
        xlabel: the x-axis label.
        title: a title for the axes.

    Returns:
        The Figure: one histogram per label over [-1, 1], a dashed line at each mean, and a legend
        giving each label's mean and standard deviation over its images.
    """
    if not correlations:
        raise ValueError("plot_agreement needs at least one set of scores.")
    fig, ax = plt.subplots(figsize=(8, 3.8))
    for (label, scores), colour in zip(correlations.items(), _COLOURS):
        kept = _finite(scores)
        if kept.size == 0:
            raise ValueError(f"{label!r}: no finite score to draw.")
        left_out = np.size(scores) - kept.size
        note = f", {left_out} left out" if left_out else ""
        ax.hist(kept, bins=20, range=(-1, 1), alpha=0.55, color=colour,
                label=f"{label}: mean {kept.mean():.2f} ± {kept.std():.2f} (n = {kept.size}{note})")
        ax.axvline(kept.mean(), color=colour, linestyle="--", linewidth=1.5)
    ax.set_xlim(-1, 1)
    ax.set_ylim(0, ax.get_ylim()[1] * (1.2 + 0.15 * len(correlations)))   # headroom: the legend sits above the bars
    ax.set_xlabel(xlabel)
    ax.set_ylabel("number of images")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8.5, loc="upper left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_randomization(similarities: dict[str, np.ndarray], stages: Sequence[str], title: str | None = None,
                       ylabel: str = "Spearman rank correlation\nwith the trained model's map") -> Figure:
    """How similar an explanation stays to the trained model's as more layers are randomised.

    Args:
        similarities: ``{method: scores}``, ``scores`` of shape ``(len(stages), images)``: the
            similarity of each image's map at each stage to its map on the trained model; NaN
            entries (a constant map) are left out of that stage's mean.
        stages: a short name per stage, from the trained model (first) to the most randomised.
        title: a title for the axes.
        ylabel: the y-axis label.

    Returns:
        The Figure: per method, the mean over images at each stage with a band of one standard
        deviation, stages along the x axis.
    """
    fig, ax = plt.subplots(figsize=(9, 3.8))
    steps = np.arange(len(stages))
    for (method, scores), colour in zip(similarities.items(), _COLOURS):
        scores = np.asarray(scores, dtype=float)
        if scores.ndim != 2 or scores.shape[0] != len(stages):
            raise ValueError(f"{method!r}: scores must have shape (stages, images) = ({len(stages)}, n); "
                             f"got {scores.shape}.")
        mean, spread = np.nanmean(scores, axis=1), np.nanstd(scores, axis=1)
        ax.plot(steps, mean, marker="o", color=colour, label=method)
        ax.fill_between(steps, mean - spread, mean + spread, color=colour, alpha=0.2)
    ax.axhline(0, color="0.4", linewidth=0.8)
    ax.set_xticks(steps, stages, fontsize=8.5)
    ax.set_xlabel("weights randomised, cascading from the top")
    ax.set_ylabel(ylabel)
    ax.set_ylim(-0.5, 1.05)
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8.5)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
