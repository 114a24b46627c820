"""Figures of notebook 06: what dropout does to a layer's units in training and at inference, what
batch normalisation does to the statistics of a batch, and how an L2 penalty shrinks the weights. Each function returns its
Figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from cnnkit.plot.diagram import PALETTE, STRONG, add_arrow, add_box, diagram_axes
from cnnkit.scratch.dropout import dropout_forward

_SERIES = ("blue", "orange", "green", "vermillion", "purple", "sky")  # STRONG colours, in order of use


def _layer_ys(count: int, height: float) -> np.ndarray:
    """Heights of ``count`` units spread evenly over a column of the canvas."""
    return np.linspace(height - 0.9, 0.9, count)


def draw_dropout(activations: Sequence[float] = (0.8, 0.3, 1.2, 0.5, 0.9, 0.6), rate: float = 0.5,
                 inputs: int = 4, outputs: int = 2, steps: int = 2, seed: int = 0) -> Figure:
    """One hidden layer under inverted dropout: ``steps`` training steps, then inference.

    Each panel draws ``inputs`` input units, the hidden units with their values and ``outputs``
    output units, joined by the connections that carry a signal. In training,
    :func:`cnnkit.scratch.dropout_forward` (with ``np.random.default_rng(seed + step)``) zeroes
    some hidden units, whose connections vanish, and multiplies the others by ``1 / (1 - rate)``;
    at inference every unit passes its value unchanged.

    Args:
        activations: the hidden units' values before dropout, one number per unit.
        rate: the fraction of hidden units dropped in training, in [0, 1).
        inputs, outputs: the number of units drawn in the layers before and after.
        steps: how many training steps to draw (each with a fresh random mask).
        seed: seed of the first step's mask.
    """
    values = np.asarray(activations, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"activations must be a non-empty 1-D sequence, got shape {values.shape}.")
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}.")
    height = max(len(values), inputs, outputs) * 0.85 + 1.2
    fig, axes = plt.subplots(1, steps + 1, figsize=(3.6 * (steps + 1), 0.9 * height + 0.3))
    panels = [(f"training, step {k + 1}", dropout_forward(values, rate, True, np.random.default_rng(seed + k)))
              for k in range(steps)] + [("inference", dropout_forward(values, rate, False, None))]
    for ax, (title, shown) in zip(np.atleast_1d(axes), panels):
        _draw_layer_panel(ax, shown, inputs, outputs, height, training=title != "inference")
        kept = int(np.count_nonzero(shown))
        if title == "inference":
            note = "every unit kept,\nvalues unchanged"
        else:
            note = f"{len(shown) - kept} of {len(shown)} units dropped,\nthe others x {1 / (1 - rate):.3g}"
        ax.set_title(f"{title}\n{note}", fontsize=10)
    fig.suptitle(f"inverted dropout with rate = {rate:g} on a hidden layer", fontsize=12)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return fig


def _draw_layer_panel(ax, hidden: np.ndarray, inputs: int, outputs: int, height: float, training: bool) -> None:
    """Input units, the hidden units (value in each box, dropped ones grey) and output units."""
    diagram_axes(4.0, height, ax=ax)
    x_in, x_hidden, x_out = 0.55, 2.0, 3.45
    ys_in, ys_hidden, ys_out = _layer_ys(inputs, height), _layer_ys(len(hidden), height), _layer_ys(outputs, height)
    live = hidden != 0
    for y_hidden, alive in zip(ys_hidden, live):
        if not alive:
            continue
        for y in ys_in:
            add_arrow(ax, (x_in + 0.3, y), (x_hidden - 0.45, y_hidden), colour="0.7", style="-")
        for y in ys_out:
            add_arrow(ax, (x_hidden + 0.45, y_hidden), (x_out - 0.3, y), colour="0.7", style="-")
    for k, y in enumerate(ys_in):
        add_box(ax, (x_in, y), f"x{k + 1}", colour=PALETTE["sky"], width=0.6, height=0.5)
    for value, alive, y in zip(hidden, live, ys_hidden):
        colour = PALETTE["orange"] if alive and training else PALETTE["blue"] if alive else PALETTE["grey"]
        add_box(ax, (x_hidden, y), f"{value:.2f}" if alive else "0", colour=colour, width=0.9, height=0.5)
    for k, y in enumerate(ys_out):
        add_box(ax, (x_out, y), f"y{k + 1}", colour=PALETTE["green"], width=0.6, height=0.5)
    for x, name in ((x_in, "input"), (x_hidden, "hidden"), (x_out, "output")):
        ax.text(x, 0.2, name, ha="center", va="center", fontsize=9, color="0.3")


def plot_batch_norm_statistics(panels: Mapping[str, np.ndarray], bins: int = 40) -> Figure:
    """Histograms of each channel's values, one row of the figure per stage of batch normalisation.

    Each row shows every channel of one array as an outlined histogram, its mean and standard
    deviation in the legend; the rows share the x-axis, so that normalised channels are seen to
    pile up around 0 with a spread of about 1 while the raw ones lie anywhere.

    Args:
        panels: row title -> activations ``(m, ..., n_C)`` with the channels last (e.g. a batch
            before batch norm, after it in training, after it at inference). Every array needs
            the same number of channels; at most six are drawn.
        bins: the number of histogram bins, shared by all rows.
    """
    if not panels:
        raise ValueError("panels is empty: give at least one title -> activations pair.")
    arrays = {title: np.asarray(values, dtype=float) for title, values in panels.items()}
    channels = {values.shape[-1] for values in arrays.values()}
    if len(channels) != 1 or next(iter(channels)) > len(_SERIES):
        raise ValueError(f"every array needs the same number of channels (last axis), at most {len(_SERIES)}; "
                         f"got {sorted(channels)}.")
    everything = np.concatenate([values.ravel() for values in arrays.values()])
    edges = np.linspace(everything.min(), everything.max(), bins + 1)
    fig, axes = plt.subplots(len(arrays), 1, figsize=(10, 2.3 * len(arrays) + 0.4), sharex=True, squeeze=False)
    for ax, (title, values) in zip(axes[:, 0], arrays.items()):
        per_channel = values.reshape(-1, values.shape[-1])
        for c in range(per_channel.shape[1]):
            column = per_channel[:, c]
            mean = round(float(column.mean()), 2) + 0.0  # + 0.0 turns a rounded -0.0 into 0.0
            ax.hist(column, bins=edges, histtype="step", linewidth=1.8, color=STRONG[_SERIES[c]],
                    label=f"channel {c}: mean {mean:+.2f}, std {column.std():.2f}")
        ax.set_title(title, fontsize=11)
        ax.set_ylabel("count")
        ax.legend(fontsize=8.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    axes[-1, 0].set_xlabel("activation value")
    fig.tight_layout()
    return fig


def plot_weight_norms(kernels: Mapping[str, np.ndarray], bins: int = 30, layer: str = "a layer") -> Figure:
    """How an L2 penalty shrinks weights: a layer's weights and its units' weight norms, per model.

    Left, a histogram of the weights' magnitudes |w| (log count, since most are small); right, a
    histogram of each unit's norm, the L2 norm of the weights that feed it.

    Args:
        kernels: model label -> kernel of the same layer in each model, ``(..., units)`` with the
            output units last (a Dense kernel ``(inputs, units)``, a Conv2D kernel
            ``(kh, kw, c_in, c_out)``).
        bins: the number of histogram bins in each panel.
        layer: the layer's name, for the titles.
    """
    if not kernels:
        raise ValueError("kernels is empty: give at least one label -> kernel pair.")
    if len(kernels) > len(_SERIES):
        raise ValueError(f"at most {len(_SERIES)} kernels can be compared, got {len(kernels)}.")
    flat = {label: np.asarray(kernel, dtype=float).reshape(-1, np.shape(kernel)[-1]) for label, kernel in kernels.items()}
    magnitudes = {label: np.abs(kernel).ravel() for label, kernel in flat.items()}
    norms = {label: np.sqrt(np.sum(kernel ** 2, axis=0)) for label, kernel in flat.items()}
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    for k, label in enumerate(flat):
        colour = STRONG[_SERIES[k]]
        left.hist(magnitudes[label], bins=np.linspace(0, max(m.max() for m in magnitudes.values()), bins + 1),
                  histtype="step", linewidth=1.8, color=colour, log=True,
                  label=f"{label}: mean |w| {magnitudes[label].mean():.3f}")
        right.hist(norms[label], bins=np.linspace(0, max(n.max() for n in norms.values()), bins + 1),
                   histtype="step", linewidth=1.8, color=colour, label=f"{label}: mean norm {norms[label].mean():.2f}")
    left.set(xlabel="weight magnitude |w|", ylabel="number of weights (log scale)", title=f"weights of {layer}")
    right.set(xlabel="L2 norm of a unit's incoming weights", ylabel="number of units",
              title=f"weight norm of each unit of {layer}")
    for ax in (left, right):
        ax.legend(fontsize=8.5)
    fig.tight_layout()
    return fig


def plot_accuracy_by_technique(train: Mapping[str, Sequence[float]], validation: Mapping[str, Sequence[float]],
                               baseline: str, title: str | None = None) -> Figure:
    """Training and validation accuracy of each technique, averaged over seeds, every seed shown.

    Bars give the mean over seeds, dots each seed's value, and a dashed line the baseline's mean
    validation accuracy, so that a technique's gain can be read against the seed-to-seed scatter.

    Args:
        train: technique -> training accuracy (fraction in [0, 1]) of each seed, measured on the
            clean training images.
        validation: technique -> validation accuracy of each seed; the same techniques as ``train``.
        baseline: the technique the others are compared with (a key of ``validation``).
        title: the axes' title.
    """
    if set(train) != set(validation) or baseline not in validation:
        raise ValueError(f"train and validation need the same techniques, the baseline {baseline!r} among them; "
                         f"got {sorted(train)} and {sorted(validation)}.")
    names = list(validation)
    positions = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(10, 4))
    for offset, (label, values, colour) in enumerate((("training (clean images)", train, "blue"),
                                                      ("validation", validation, "orange"))):
        shift = (offset - 0.5) * 0.38
        ax.bar(positions + shift, [np.mean(values[name]) for name in names], width=0.38, color=PALETTE[colour],
               edgecolor=STRONG[colour], label=f"{label}, mean over seeds")
        for position, name in zip(positions, names):
            ax.plot(np.full(len(values[name]), position + shift), values[name], "o", ms=4, color=STRONG[colour])
    ax.axhline(np.mean(validation[baseline]), color=STRONG["vermillion"], linestyle="--", linewidth=1.2,
               label=f"{baseline}, mean validation accuracy")
    lowest = min(min(values) for values in (*train.values(), *validation.values()))
    ax.set_ylim(max(0.0, lowest - 0.05), 1.0)
    ax.set_xticks(positions, names, rotation=15, ha="right")
    ax.set_ylabel("accuracy")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8.5, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3, frameon=False)
    fig.tight_layout()
    return fig


def plot_paired_gains(validation: Mapping[str, Sequence[float]], baseline: str, seeds: Sequence[int],
                      title: str | None = None) -> Figure:
    """Each technique's gain over the baseline, seed by seed: the paired view of a comparison.

    Runs that share a seed share their batch order and, where their layers are the same, their
    initial weights, so a lucky or unlucky seed lifts or sinks every technique together; the
    difference taken within a seed cancels that common swing. One row per technique: a dot per seed (labelled with the seed), a
    bar for the mean gain, and a line at zero, so a technique whose dots all sit right of the
    line helped with every seed.

    Args:
        validation: technique -> validation accuracy (fraction in [0, 1]) of each seed, in the
            order of ``seeds``; the baseline among them.
        baseline: the technique the others are compared with.
        seeds: the seeds, one per accuracy.
        title: the axes' title.

    Returns:
        The Figure; gains are drawn in percentage points.
    """
    if baseline not in validation:
        raise ValueError(f"the baseline {baseline!r} is not among the techniques {sorted(validation)}.")
    if any(len(values) != len(seeds) for values in validation.values()):
        raise ValueError(f"every technique needs one accuracy per seed ({len(seeds)} seeds), got "
                         f"{ {name: len(values) for name, values in validation.items()} }.")
    plain = np.asarray(validation[baseline], dtype=float)
    names = [name for name in validation if name != baseline]
    gains = {name: 100 * (np.asarray(validation[name], dtype=float) - plain) for name in names}
    fig, ax = plt.subplots(figsize=(8, 0.55 * len(names) + 1.9))
    rows = np.arange(len(names))[::-1]   # the first technique on top
    ax.barh(rows, [gains[name].mean() for name in names], height=0.5, color=PALETTE["sky"], edgecolor=STRONG["sky"],
            label="mean gain over the seeds")
    for row, name in zip(rows, names):
        ax.plot(gains[name], np.full(len(seeds), row), "o", ms=5, color=STRONG["blue"])
        for k, (gain, seed) in enumerate(zip(gains[name], seeds)):  # labels alternate above and below the dots
            ax.annotate(str(seed), (gain, row), textcoords="offset points", xytext=(0, 6 if k % 2 == 0 else -12),
                        ha="center", fontsize=7)
    ax.axvline(0, color="0.2", linewidth=1)
    ax.set_yticks(rows, names)
    ax.set_xlabel(f"validation accuracy minus {baseline}'s with the same seed (percentage points)")
    ax.plot([], [], "o", color=STRONG["blue"], label="one seed (labelled)")
    ax.legend(fontsize=8.5, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=2, frameon=False)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
