"""Curves and charts that many notebooks share: named curves, labelled points, training
histories and confusion matrices.

Each function returns its matplotlib Figure. Functions that take ``ax`` draw on it and return
its Figure; without it they make a figure of their own.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure


def plot_curves(curves: dict, xlabel: str, ylabel: str, title: str | None = None, ax=None,
                logx: bool = False, logy: bool = False, marker: str | None = None) -> Figure:
    """Named curves on one set of axes: activation functions, loss curves, measurements.

    Args:
        curves: ``{label: (x, y)}``, each ``x`` and ``y`` a 1-D sequence of the same length.
        xlabel, ylabel: axis labels (with units where there are any).
        title: a title for the axes.
        ax: the matplotlib Axes to draw on; a new 5 x 3.5 inch figure if omitted.
        logx, logy: logarithmic axes.
        marker: a matplotlib marker for the points, e.g. ``"o"``.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.5))
    for label, (x, y) in curves.items():
        if len(x) != len(y):
            raise ValueError(f"curve {label!r}: x has {len(x)} points but y has {len(y)}.")
        ax.plot(x, y, label=label, marker=marker)
    ax.set_xscale("log" if logx else "linear")
    ax.set_yscale("log" if logy else "linear")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if len(curves) > 1:
        ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    ax.figure.tight_layout()
    return ax.figure


def plot_points(points: dict, xlabel: str, ylabel: str, title: str | None = None, ax=None,
                logx: bool = False) -> Figure:
    """Named points on one set of axes, each labelled next to it: models by cost and accuracy.

    Args:
        points: ``{label: (x, y)}``, one point each.
        xlabel, ylabel: axis labels (with units where there are any).
        title: a title for the axes.
        ax: the matplotlib Axes to draw on; a new 7 x 4.5 inch figure if omitted.
        logx: a logarithmic x axis, its ticks written as plain numbers (1,000 rather than 10^3).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    for label, (x, y) in points.items():
        ax.scatter(x, y, s=60)
        ax.annotate(label, (x, y), textcoords="offset points", xytext=(6, 4))
    if logx:
        from matplotlib.ticker import FuncFormatter

        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}" if value >= 1 else f"{value:g}"))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.margins(0.1)  # room for the labels of the outermost points
    ax.grid(True, which="both", alpha=0.3)
    ax.figure.tight_layout()
    return ax.figure


def _history_dict(history) -> dict:
    """The metrics of a ``keras.callbacks.History`` or a plain dict of per-epoch lists."""
    values = getattr(history, "history", history)
    if not isinstance(values, dict):
        raise ValueError(f"Expected a keras History or a dict of per-epoch lists, got {type(history).__name__}.")
    return values


def plot_history(histories, metrics: Sequence[str] = ("loss", "accuracy"), title: str | None = None,
                 log_loss: bool = False, validation_label: str = "validation") -> Figure:
    """Training curves: one panel per metric, one colour per run; training solid, validation dashed.

    Args:
        histories: ``{run name: history}``; a history is what ``model.fit`` returns, or a dict
            ``{"loss": [...], "val_loss": [...], ...}`` of one value per epoch.
        metrics: the metrics to draw; ``val_<metric>`` is drawn too when present.
        title: a title for the whole figure.
        log_loss: draw loss panels on a logarithmic scale.
        validation_label: what the ``val_`` curves measure, e.g. ``"held-out"`` when
            ``model.fit`` was given held-out data as ``validation_data``.
    """
    fig, axes = plt.subplots(1, len(metrics), figsize=(5.5 * len(metrics), 3.8), squeeze=False)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, metric in zip(axes.flat, metrics):
        for index, (name, history) in enumerate(histories.items()):
            values, colour = _history_dict(history), colours[index % len(colours)]
            if metric in values:
                epochs = np.arange(1, len(values[metric]) + 1)
                ax.plot(epochs, values[metric], "o-", ms=3, color=colour, label=f"{name}, training")
            if f"val_{metric}" in values:
                epochs = np.arange(1, len(values[f"val_{metric}"]) + 1)
                ax.plot(epochs, values[f"val_{metric}"], "o--", ms=3, color=colour, label=f"{name}, {validation_label}")
        # Whole epochs only, with half an epoch of room at each end (a one-epoch run is one point).
        epochs_run = max((len(values) for history in histories.values()
                          for key, values in _history_dict(history).items() if key in (metric, f"val_{metric}")),
                         default=1)
        ax.set_xlim(0.5, epochs_run + 0.5)
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True, min_n_ticks=1))
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.set_title(metric)
        if log_loss and "loss" in metric:
            ax.set_yscale("log")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, class_names: Sequence[str],
                          title: str = "confusion matrix") -> Figure:
    """Counts of (true class, predicted class) pairs; the diagonal holds the correct answers.

    Args:
        y_true: true class indices, ``(n,)``.
        y_pred: predicted class indices, ``(n,)``.
        class_names: one name per class.
        title: the figure's title; the overall accuracy is appended.
    """
    y_true, y_pred = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same length, got {len(y_true)} and {len(y_pred)}.")
    k = len(class_names)
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    fig, ax = plt.subplots(figsize=(0.65 * k + 2.5, 0.65 * k + 1.5))
    shown = ax.imshow(counts, cmap="Blues")
    for (row, col), value in np.ndenumerate(counts):
        ax.text(col, row, str(value), ha="center", va="center", fontsize=8,
                color="white" if value > counts.max() / 2 else "black")
    ax.set_xticks(range(k), class_names, rotation=45, ha="right")
    ax.set_yticks(range(k), class_names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(f"{title} (accuracy {np.mean(y_true == y_pred):.1%})")
    fig.colorbar(shown, ax=ax, fraction=0.046, label="images")
    fig.tight_layout()
    return fig
