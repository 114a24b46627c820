"""Figures for sequences (notebook 15): a stack of dilated causal convolutions and a time series
coloured by its class activation map."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from cnnkit.plot.diagram import STRONG


def draw_dilated_causal_stack(kernel_size: int, dilations: Sequence[int], steps: int | None = None, ax=None) -> Figure:
    """Draw the steps of an input and of each causal layer as dots, and the taps that lead from
    the last output back to the input: the input steps reached form its receptive field.

    Args:
        kernel_size: the kernel size k of every layer.
        dilations: the dilation of each layer, first layer first.
        steps: how many steps to draw (default: the receptive field plus a few).
        ax: the matplotlib axes to draw on (default: a new figure).
    """
    field = 1 + sum((kernel_size - 1) * d for d in dilations)
    steps = steps or field + 3
    if ax is None:
        _, ax = plt.subplots(figsize=(min(0.32 * steps + 2, 14), 0.7 * len(dilations) + 1.6))
    levels = len(dilations)
    # Walk down from the last output: at each layer, the steps feeding the steps already reached.
    reached = {levels: {steps - 1}}
    for level in range(levels, 0, -1):
        dilation = dilations[level - 1]
        below = set()
        for t in reached[level]:
            taps = [t - i * dilation for i in range(kernel_size) if t - i * dilation >= 0]
            for tap in taps:
                ax.plot([t, tap], [level, level - 1], color=STRONG["orange"], lw=1.2, zorder=1)
            below.update(taps)
        reached[level - 1] = below
    for level in range(levels + 1):
        on = np.array(sorted(reached[level]))
        ax.scatter(range(steps), [level] * steps, s=22, color="0.8", zorder=2)
        ax.scatter(on, [level] * len(on), s=30, color=STRONG["vermillion"] if level == levels else STRONG["orange"], zorder=3)
    ax.set_yticks(range(levels + 1), ["input"] + [f"layer {i + 1}, dilation {d}" for i, d in enumerate(dilations)])
    ax.set_xlabel("time step")
    ax.set_xlim(-1, steps)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_title(f"causal convolutions, kernel {kernel_size}: the last output sees {field} input steps")
    return ax.figure


def show_class_activation(series: np.ndarray, activation: np.ndarray, title: str | None = None, ax=None,
                          cmap: str = "coolwarm") -> Figure:
    """Plot a univariate series as a line whose colour at each step is its class activation.

    Args:
        series: values of shape (steps,).
        activation: class activation map of shape (steps,); scaled here to [0, 1].
        title: the axes' title.
        ax: the matplotlib axes to draw on (default: a new figure).
        cmap: a matplotlib colour map: low activation at its start, high at its end.
    """
    series, activation = np.asarray(series, float), np.asarray(activation, float)
    if series.shape != activation.shape or series.ndim != 1:
        raise ValueError(f"series and activation need the same shape (steps,), got {series.shape} and "
                         f"{activation.shape}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 2.6))
    span = activation.max() - activation.min()
    scaled = (activation - activation.min()) / span if span > 0 else np.zeros_like(activation)
    points = np.stack([np.arange(len(series)), series], axis=1)
    segments = np.stack([points[:-1], points[1:]], axis=1)
    lines = LineCollection(segments, cmap=cmap, linewidths=3)
    lines.set_array((scaled[:-1] + scaled[1:]) / 2)
    lines.set_clim(0, 1)
    ax.add_collection(lines)
    ax.set_xlim(0, len(series) - 1)
    margin = 0.1 * (series.max() - series.min() or 1)
    ax.set_ylim(series.min() - margin, series.max() + margin)
    ax.set_xlabel("time step")
    if title:
        ax.set_title(title)
    plt.colorbar(lines, ax=ax, label="class activation (scaled)")
    return ax.figure
