"""Figures of notebook 14, face recognition. Each function returns its matplotlib Figure."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from cnnkit.plot.diagram import STRONG


def draw_triplet_geometry(positive_distance: float = 1.0, margin: float = 0.8) -> Figure:
    """Where a negative can lie around an anchor, and what each kind teaches the network.

    The anchor sits at the centre and its positive at Euclidean distance ``positive_distance``.
    The triplet loss (on squared distances) is zero once the negative's squared distance
    exceeds the positive's by ``margin``: outside the circle of radius
    sqrt(positive_distance**2 + margin). Inside it the negatives are *semi-hard* (farther than
    the positive) or *hard* (closer).
    """
    if positive_distance <= 0 or margin <= 0:
        raise ValueError(f"positive_distance and margin must be > 0, got {positive_distance!r} and {margin!r}.")
    outer = np.sqrt(positive_distance**2 + margin)
    fig, ax = plt.subplots(figsize=(5.2, 5.2))
    ax.add_patch(plt.Circle((0, 0), outer, color=STRONG["orange"], alpha=0.18, label="semi-hard negatives"))
    ax.add_patch(plt.Circle((0, 0), positive_distance, color=STRONG["vermillion"], alpha=0.25, label="hard negatives"))
    ax.add_patch(plt.Circle((0, 0), outer, fill=False, ls="--", color=STRONG["orange"]))
    angle = np.deg2rad(35)
    ax.plot(0, 0, "ko", ms=9)
    ax.annotate("anchor", (0, 0), (0.08, -0.18))
    ax.plot(positive_distance * np.cos(angle), positive_distance * np.sin(angle), "o", color=STRONG["green"], ms=9)
    ax.annotate("positive", (positive_distance * np.cos(angle), positive_distance * np.sin(angle)),
                (positive_distance * np.cos(angle) + 0.08, positive_distance * np.sin(angle)))
    for (x, y), kind in [((-0.5, -0.4), "hard"), ((-0.45, 1.05), "semi-hard"), ((1.45, -1.1), "easy")]:
        ax.plot(x, y, "s", color=STRONG["blue"], ms=8)
        ax.annotate(f"{kind} negative", (x, y), (x + 0.08, y + 0.08), fontsize=9)
    ax.annotate("", (outer * np.cos(-2.4), outer * np.sin(-2.4)), (0, 0),
                arrowprops=dict(arrowstyle="->", color=STRONG["orange"]))
    ax.text(-1.0, -1.0, r"$\sqrt{d_{ap}^2 + \alpha}$", color=STRONG["orange"], ha="right", va="top")
    limit = outer + 0.6
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title(f"triplet loss with margin α = {margin:g}: easy negatives add 0")
    fig.tight_layout()
    return fig


def plot_roc(curves: dict, far: float | None = None, title: str = "verification ROC",
             impostors: str = "different people") -> Figure:
    """ROC curves of verification: true-accept rate against false-accept rate.

    Args:
        curves: ``{label: (far, tar)}``, arrays as :func:`cnnkit.topics.faces.verification_roc` returns.
        far: draw a vertical line at this false-accept rate (e.g. 0.01), labelled at the top
            of the axes, clear of the legend in the lower right.
        title: the axes' title.
        impostors: what a false accept lets in, for the x-axis label ("different people",
            or "different classes" for garments).
    """
    fig, ax = plt.subplots(figsize=(5, 4))
    for label, (rates, accepts) in curves.items():
        ax.plot(rates, accepts, label=label)
    ax.plot([0, 1], [0, 1], ":", color="0.5", label="chance")
    if far is not None:
        ax.axvline(far, color="0.3", lw=0.8, ls="--")
        ax.text(far, 0.97, f" FAR = {far:g}", fontsize=8, va="top", ha="left",
                bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1))
    ax.set_xscale("symlog", linthresh=1e-2)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.01)
    ax.set_xlabel(f"false-accept rate ({impostors} accepted)")
    ax.set_ylabel("true-accept rate")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def show_distance_matrix(distances: np.ndarray, labels: Sequence[str], threshold: float | None = None,
                         title: str | None = None, images: Sequence[np.ndarray] | None = None) -> Figure:
    """A matrix of distances with each value written in its cell; cells under ``threshold``
    (a "same person" decision) are framed.

    Args:
        distances: (n, n) array.
        labels: n names for the rows and columns.
        threshold: frame the cells whose distance is below it.
        title: the figure's title.
        images: n small images shown along the top, one per column.
    """
    distances = np.asarray(distances, dtype=float)
    n = len(labels)
    if distances.shape != (n, n):
        raise ValueError(f"distances must have shape ({n}, {n}) for {n} labels, got {distances.shape}.")
    if images is not None and len(images) != n:
        raise ValueError(f"images must hold one image per label ({n}), got {len(images)}.")
    cell = 0.62  # inches per matrix cell
    rows = n + (1 if images is not None else 0)
    fig = plt.figure(figsize=(cell * n + 2.0, cell * rows + 1.9))
    grid = fig.add_gridspec(rows, n, left=1.6 / (cell * n + 2.0), right=0.97, bottom=1.4 / (cell * rows + 1.9),
                            top=1 - 0.4 / (cell * rows + 1.9), hspace=0.06, wspace=0.06)
    ax = fig.add_subplot(grid[rows - n:, :])
    ax.imshow(distances, cmap="viridis_r")
    for i in range(n):
        for j in range(n):
            ax.text(j, i, f"{distances[i, j]:.2f}", ha="center", va="center", fontsize=8,
                    color="white" if distances[i, j] > np.median(distances) else "black")
            if threshold is not None and i != j and distances[i, j] < threshold:
                ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, color=STRONG["vermillion"], lw=2))
    ax.set_xticks(range(n), labels, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(n), labels, fontsize=8)
    for j, image in enumerate(images if images is not None else ()):
        thumb = fig.add_subplot(grid[0, j])
        thumb.imshow(np.clip(np.asarray(image) / (255.0 if np.max(image) > 1 else 1.0), 0, 1))
        thumb.axis("off")
    if title:
        fig.suptitle(title + (f" (framed: below {threshold:g})" if threshold is not None else ""), fontsize=10)
    return fig


def plot_embedding_2d(points: np.ndarray, labels: np.ndarray, class_names: Sequence[str],
                      unseen: Sequence[int] = (), title: str | None = None) -> Figure:
    """A 2-D projection of embeddings, one colour per class; classes never trained on are
    drawn as crosses.

    Args:
        points: (n, 2), e.g. from t-SNE.
        labels: (n,) integer classes indexing ``class_names``.
        class_names: the name of each class.
        unseen: the classes held out of training.
        title: the axes' title.
    """
    points, labels = np.asarray(points), np.asarray(labels)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) != len(labels):
        raise ValueError(f"points must be (n, 2) with one label each, got {points.shape} and {labels.shape}.")
    fig, ax = plt.subplots(figsize=(6.5, 5))
    colours = plt.get_cmap("tab10")
    for k in np.unique(labels):
        chosen = labels == k
        held_out = int(k) in set(unseen)
        ax.scatter(points[chosen, 0], points[chosen, 1], s=12 if held_out else 6, alpha=0.7,
                   marker="x" if held_out else "o", color=colours(int(k) % 10),
                   label=class_names[k] + (" (unseen)" if held_out else ""))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1, 0.5), markerscale=2)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
