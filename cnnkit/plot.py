"""Every figure the notebooks show. Each function returns its ``matplotlib`` Figure."""

from __future__ import annotations

import math
from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np


def _displayable(image: np.ndarray) -> tuple[np.ndarray, str | None]:
    """Squeeze a single channel away and pick a colour map for one image."""
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim not in (2, 3):
        raise ValueError(f"An image must have shape (h, w), (h, w, 1) or (h, w, 3); got {image.shape}.")
    return image, ("gray" if image.ndim == 2 else None)


def show_images(
    images: Sequence[np.ndarray] | np.ndarray,
    titles: Sequence[str] | None = None,
    ncols: int = 8,
    cmap: str | None = None,
    panel_size: float = 2.0,
    suptitle: str | None = None,
):
    """A grid of images with optional titles.

    Args:
        images: ``(n, h, w)``, ``(n, h, w, 1)`` or ``(n, h, w, 3)``, or a list of such images;
            floats in [0, 1] or uint8.
        titles: one title per image.
        ncols: images per row at most.
        cmap: colour map for one-channel images (grey by default).
        panel_size: inches per image.
        suptitle: a title for the whole figure.
    """
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"{len(images)} images but {len(titles)} titles.")
    ncols = max(1, min(ncols, len(images)))
    nrows = math.ceil(len(images) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size * ncols, panel_size * nrows + 0.4), squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= len(images):
            continue
        image, default_cmap = _displayable(images[index])
        ax.imshow(image, cmap=cmap or default_cmap)
        if titles is not None:
            ax.set_title(titles[index], fontsize=9)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def _cross_correlate(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    from scipy.signal import correlate2d

    return correlate2d(image, kernel, mode="valid")


def show_kernel_effect(image: np.ndarray, kernel: np.ndarray, name: str = "kernel", result: np.ndarray | None = None):
    """Three panels: an image, a kernel with its numbers, and the kernel applied to the image.

    Args:
        image: ``(h, w)``, ``(h, w, 1)`` or ``(h, w, 3)``; colour images are converted to grey.
        kernel: ``(kh, kw)``.
        name: what the kernel does, used in the titles.
        result: the filtered image, ``(h', w')``; computed by cross-correlation ("valid") if omitted.
    """
    image = np.asarray(image, dtype=np.float32)
    if image.ndim == 3:
        image = image.mean(axis=-1)
    kernel = np.asarray(kernel, dtype=np.float32)
    if kernel.ndim != 2:
        raise ValueError(f"kernel must have shape (kh, kw), got {kernel.shape}.")
    if result is None:
        result = _cross_correlate(image, kernel)
    fig, (ax_image, ax_kernel, ax_result) = plt.subplots(1, 3, figsize=(11, 3.8))
    ax_image.imshow(image, cmap="gray")
    ax_image.set_title(f"input {image.shape[0]}x{image.shape[1]}")
    limit = float(np.abs(kernel).max()) or 1.0
    ax_kernel.imshow(kernel, cmap="coolwarm", vmin=-limit, vmax=limit)
    for (row, col), value in np.ndenumerate(kernel):
        ax_kernel.text(col, row, f"{value:.2g}", ha="center", va="center", fontsize=9)
    ax_kernel.set_title(f"{name} {kernel.shape[0]}x{kernel.shape[1]}")
    # A diverging map shows negative responses (e.g. dark-to-bright edges) as well as positive ones.
    spread = float(np.abs(result).max()) or 1.0
    shown = ax_result.imshow(result, cmap="gray" if result.min() >= 0 else "RdBu_r",
                             vmin=0 if result.min() >= 0 else -spread, vmax=spread)
    ax_result.set_title(f"output {result.shape[0]}x{result.shape[1]}")
    fig.colorbar(shown, ax=ax_result, fraction=0.046)
    for ax in (ax_image, ax_kernel, ax_result):
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return fig


def show_feature_maps(maps: np.ndarray, ncols: int = 8, names: Sequence[str] | None = None,
                      title: str | None = None, cmap: str = "viridis"):
    """One panel per channel of a layer's output.

    Args:
        maps: ``(h, w, channels)`` or ``(1, h, w, channels)``.
        ncols: panels per row at most.
        names: one title per channel (default "map 0", "map 1", ...).
        title: a title for the whole figure.
        cmap: colour map; each panel is scaled to its own range.
    """
    maps = np.asarray(maps)
    if maps.ndim == 4 and maps.shape[0] == 1:
        maps = maps[0]
    if maps.ndim != 3:
        raise ValueError(f"maps must have shape (h, w, channels) or (1, h, w, channels), got {maps.shape}.")
    channels = maps.shape[-1]
    names = list(names) if names is not None else [f"map {k}" for k in range(channels)]
    return show_images([maps[..., k] for k in range(channels)], titles=names, ncols=ncols,
                       cmap=cmap, suptitle=title)


# Notebook 10, segmentation: masks drawn over their images.
#: One colour per class index; class 0 (background) is left uncoloured in overlays.
CLASS_COLOURS = np.array([[0.2, 0.2, 0.2], [0.89, 0.10, 0.11], [0.30, 0.69, 0.29], [0.22, 0.49, 0.72],
                          [1.00, 0.50, 0.00], [0.60, 0.31, 0.64], [1.00, 1.00, 0.20]])


def overlay_mask(image: np.ndarray, mask: np.ndarray, alpha: float = 0.75) -> np.ndarray:
    """Paint each non-background pixel's class colour over a dimmed grey copy of the image,
    so that the class colours read clearly whatever the colours of the photo.

    Args:
        image: ``(h, w, 3)`` floats in [0, 1] (uint8 is scaled).
        mask: ``(h, w)`` integer classes, 0 the background, at most ``len(CLASS_COLOURS) - 1``.
        alpha: how much of the class colour covers the image, in [0, 1].

    Returns:
        ``(h, w, 3)`` float image in [0, 1].
    """
    image = np.asarray(image, dtype=np.float32)
    image = image / 255.0 if image.max() > 1.0 else image
    mask = np.asarray(mask).astype(int)
    if mask.shape != image.shape[:2] or mask.max() >= len(CLASS_COLOURS):
        raise ValueError(f"mask must have shape {image.shape[:2]} and classes below {len(CLASS_COLOURS)}, "
                         f"got shape {mask.shape} with largest class {mask.max()}.")
    grey = 0.15 + 0.6 * (image[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32))
    base = np.repeat(grey[..., None], 3, axis=-1)
    coloured = base * (1 - alpha) + CLASS_COLOURS[mask] * alpha
    return np.where(mask[..., None] > 0, coloured, base)


def show_segmentation(images: np.ndarray, masks: dict[str, np.ndarray], class_names: Sequence[str],
                      panel_size: float = 1.9, title: str | None = None):
    """One row per image: the image, then each named mask drawn over it (see
    :func:`overlay_mask`), with a class legend.

    Args:
        images: ``(n, h, w, 3)``.
        masks: column title -> ``(n, h, w)`` integer masks, e.g. ``{"truth": y, "U-Net": pred}``.
        class_names: the name of each class index (index 0, the background, is not coloured).
        panel_size: inches per panel.
        title: a title for the whole figure.
    """
    from matplotlib.patches import Patch

    n, ncols = len(images), 1 + len(masks)
    fig, axes = plt.subplots(n, ncols, figsize=(panel_size * ncols, panel_size * n + 0.7), squeeze=False)
    for row in range(n):
        panels = [("input", images[row])] + [(name, overlay_mask(images[row], m[row])) for name, m in masks.items()]
        for ax, (name, panel) in zip(axes[row], panels):
            ax.imshow(panel)
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0:
                ax.set_title(name, fontsize=10)
    legend = [Patch(color=CLASS_COLOURS[k], label=name) for k, name in enumerate(class_names) if k > 0]
    fig.legend(handles=legend, loc="lower center", ncol=len(legend), frameon=False, fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig
