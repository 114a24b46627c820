"""The curves and charts that many notebooks share: named curves, labelled points, histories, confusion matrices."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from cnnkit import plot


def test_plot_curves_draws_one_labelled_line_per_curve():
    fig, (left, right) = plt.subplots(1, 2)
    plot.plot_curves({"a": ([1, 2, 3], [1, 4, 9]), "b": ([1, 2], [2, 3])}, "x", "y", title="t", ax=right, logy=True)
    assert [line.get_label() for line in right.lines] == ["a", "b"] and not left.lines
    assert right.get_yscale() == "log" and right.get_xlabel() == "x" and right.get_title() == "t"
    plt.close(fig)
    with pytest.raises(ValueError, match="'c'"):
        plot.plot_curves({"c": ([1, 2], [1])}, "x", "y")


def test_plot_points_labels_each_point_and_writes_log_ticks_as_plain_numbers():
    fig = plot.plot_points({"small": (1_000, 0.8), "large": (1_000_000, 0.9)}, "parameters", "accuracy",
                           title="models", logx=True)
    ax = fig.axes[0]
    assert [text.get_text() for text in ax.texts] == ["small", "large"]
    assert ax.get_xscale() == "log" and ax.get_title() == "models"
    assert ax.xaxis.get_major_formatter()(10_000, 0) == "10,000"
    plt.close(fig)


def test_plot_history_names_what_the_validation_curves_measure():
    history = {"iou": [0.5, 0.6], "val_iou": [0.4, 0.55]}
    fig = plot.plot_history({"U-Net": history}, metrics=("iou",), validation_label="held-out", title="skips")
    assert [line.get_label() for line in fig.axes[0].lines] == ["U-Net, training", "U-Net, held-out"]
    assert fig._suptitle.get_text() == "skips"
    plt.close(fig)


def test_plots_of_notebooks_04_to_06():
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.8], "accuracy": [0.5, 0.8], "val_accuracy": [0.4, 0.7]}
    fig = plot.plot_history({"run": history})
    assert [ax.get_xlabel() for ax in fig.axes] == ["epoch", "epoch"] and len(fig.axes[0].lines) == 2
    plt.close(fig)
    y_true, y_pred = np.array([0, 1, 1, 2]), np.array([0, 2, 1, 2])
    fig = plot.plot_confusion_matrix(y_true, y_pred, ["a", "b", "c"])
    counts = fig.axes[0].images[0].get_array()
    assert counts[1, 2] == 1 and np.trace(counts) == 3 and "75.0%" in fig.axes[0].get_title()
    plt.close(fig)
    fig = plot.show_misclassified(np.zeros((4, 6, 6)), y_true, y_pred, ["a", "b", "c"])
    assert [ax.get_title() for ax in fig.axes if ax.get_title()] == ["true: b\npred: c"]
    plt.close(fig)
    with pytest.raises(ValueError, match="nothing to show"):
        plot.show_misclassified(np.zeros((2, 6, 6)), y_true[:2], y_true[:2], ["a", "b", "c"])
