"""Figures of notebook 17: nuclei and their outlines, per-pixel classes, a reliability diagram, where
a model is uncertain, and CT reconstructions. Each public function returns its Figure.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from skimage.segmentation import find_boundaries

from cnnkit.plot.diagram import PALETTE, STRONG

#: Colours of the three per-pixel classes: background, interior, boundary.
#: Background dark grey, then interior and boundary in two of the shared hues.
_CLASS_MAP_COLOURS = ("0.13", STRONG["blue"], PALETTE["orange"])


def _outlined(ax, image: np.ndarray, labels: np.ndarray, colour: str, title: str) -> None:
    """The image in grey with each object's outline drawn in ``colour``."""
    ax.imshow(image, cmap="gray")
    edges = np.ma.masked_where(~find_boundaries(labels, mode="inner"), np.ones(labels.shape))
    ax.imshow(edges, cmap=ListedColormap([colour]), interpolation="nearest")
    ax.set_title(title, fontsize=9)
    ax.axis("off")


def show_nuclei(image: np.ndarray, panels: dict[str, np.ndarray], title: str | None = None,
                panel_size: float = 3.2) -> Figure:
    """The image, then one panel per label image in ``panels`` (name -> label image), each object outlined."""
    colours = [STRONG["vermillion"], STRONG["blue"], STRONG["green"], STRONG["orange"], STRONG["purple"]]
    fig, axes = plt.subplots(1, len(panels) + 1, figsize=(panel_size * (len(panels) + 1), panel_size))
    axes[0].imshow(image, cmap="gray")
    axes[0].set_title("image", fontsize=9)
    axes[0].axis("off")
    for k, (ax, (name, labels)) in enumerate(zip(axes[1:], panels.items())):
        count = len(np.unique(labels[labels > 0]))
        _outlined(ax, image, labels, colours[k % len(colours)], f"{name}: {count} objects")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_classes(image: np.ndarray, maps: dict[str, np.ndarray], class_names: Sequence[str],
                 panel_size: float = 3.2) -> Figure:
    """The image, then each per-pixel class map of ``maps`` (name -> integer classes), with a legend."""
    colours = ListedColormap(_CLASS_MAP_COLOURS[:len(class_names)])
    fig, axes = plt.subplots(1, len(maps) + 1, figsize=(panel_size * (len(maps) + 1), panel_size))
    axes[0].imshow(image, cmap="gray")
    axes[0].set_title("image", fontsize=9)
    for ax, (name, classes) in zip(axes[1:], maps.items()):
        ax.imshow(classes, cmap=colours, vmin=0, vmax=len(class_names) - 1, interpolation="nearest")
        ax.set_title(name, fontsize=9)
    for ax in axes:
        ax.axis("off")
    fig.legend(handles=[Patch(color=c, label=n) for c, n in zip(_CLASS_MAP_COLOURS, class_names)],
               loc="lower center", ncol=len(class_names), fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


def _reliability(ax, confidence: np.ndarray, correct: np.ndarray, num_bins: int, title: str) -> None:
    """Bars of accuracy per confidence bin against the diagonal of perfect calibration."""
    edges = np.linspace(0, 1, num_bins + 1)
    index = np.clip(np.ceil(confidence * num_bins).astype(int) - 1, 0, num_bins - 1)
    counts = np.bincount(index, minlength=num_bins)
    accuracy = np.bincount(index, weights=correct, minlength=num_bins) / np.maximum(counts, 1)
    mean_confidence = np.bincount(index, weights=confidence, minlength=num_bins) / np.maximum(counts, 1)
    used = counts > 0
    ax.bar(edges[:-1][used], accuracy[used], width=1 / num_bins, align="edge", color=PALETTE["blue"],
           edgecolor=STRONG["blue"], label="accuracy in the bin")
    ax.plot(mean_confidence[used], accuracy[used], "o", color=STRONG["vermillion"], ms=3,
            label="(mean confidence, accuracy)")
    ax.plot([0, 1], [0, 1], "--", color="0.3", label="perfect calibration")
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="confidence (largest probability)", ylabel="accuracy", title=title)
    ax.legend(fontsize=7, loc="upper left")


def plot_reliability(diagrams: dict[str, tuple[np.ndarray, np.ndarray]], num_bins: int = 10) -> Figure:
    """One reliability diagram per entry of ``diagrams`` (title -> (confidences, whether each was correct))."""
    fig, axes = plt.subplots(1, len(diagrams), figsize=(4 * len(diagrams), 3.8), squeeze=False)
    for ax, (title, (confidence, correct)) in zip(axes[0], diagrams.items()):
        _reliability(ax, np.asarray(confidence), np.asarray(correct, float), num_bins, title)
    fig.tight_layout()
    return fig


def show_uncertainty(image: np.ndarray, uncertainty: np.ndarray, errors: np.ndarray,
                     label: str = "predictive entropy (nats)") -> Figure:
    """The image, the per-pixel uncertainty, and the pixels the model got wrong, side by side."""
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.6))
    axes[0].imshow(image, cmap="gray")
    axes[0].set_title("image", fontsize=9)
    shown = axes[1].imshow(uncertainty, cmap="magma")
    axes[1].set_title(label, fontsize=9)
    fig.colorbar(shown, ax=axes[1], fraction=0.046)
    axes[2].imshow(image, cmap="gray")
    axes[2].imshow(np.ma.masked_where(~errors, errors), cmap=ListedColormap([STRONG["vermillion"]]),
                   interpolation="nearest")
    axes[2].set_title("pixels classified wrongly", fontsize=9)
    for ax in axes:
        ax.axis("off")
    fig.tight_layout()
    return fig


def show_reconstructions(rows: dict[str, np.ndarray], truth: np.ndarray, scores: dict[str, Sequence[str]] | None = None,
                         panel_size: float = 2.2) -> Figure:
    """CT images side by side: one column per image of ``truth``; the first row is the truth, then one
    row per entry of ``rows`` (name -> images of the same shape), each panel captioned from ``scores``."""
    count = len(truth)
    fig, axes = plt.subplots(len(rows) + 1, count, figsize=(panel_size * count, panel_size * (len(rows) + 1)),
                             squeeze=False)
    for j in range(count):
        axes[0, j].imshow(truth[j], cmap="gray", vmin=0, vmax=1)
        axes[0, j].set_title("truth", fontsize=8)
        for i, (name, images) in enumerate(rows.items(), start=1):
            axes[i, j].imshow(images[j], cmap="gray", vmin=0, vmax=1)
            caption = f"{name}\n{scores[name][j]}" if scores and name in scores else name
            axes[i, j].set_title(caption, fontsize=8)
    for ax in axes.ravel():
        ax.axis("off")
    fig.tight_layout()
    return fig


def show_sinogram(phantom: np.ndarray, sinogram: np.ndarray, angles: np.ndarray, reconstruction: np.ndarray) -> Figure:
    """A phantom, its sinogram (one column per projection angle) and the filtered back-projection from it."""
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.4))
    axes[0].imshow(phantom, cmap="gray", vmin=0, vmax=1)
    axes[0].set_title("phantom (exact truth)", fontsize=9)
    axes[1].imshow(sinogram, cmap="gray", aspect="auto", extent=(angles[0], angles[-1], sinogram.shape[0], 0))
    axes[1].set(title=f"sinogram: {len(angles)} projections", xlabel="angle (degrees)", ylabel="detector position")
    axes[1].title.set_fontsize(9)
    axes[2].imshow(reconstruction, cmap="gray", vmin=0, vmax=1)
    axes[2].set_title("filtered back-projection", fontsize=9)
    for ax in (axes[0], axes[2]):
        ax.axis("off")
    fig.tight_layout()
    return fig
