"""Images that many notebooks share: grids of images, misclassified examples, feature maps,
filters and heat maps over images.

Each ``show_`` function returns its ``matplotlib`` Figure; :func:`overlay_heatmap` returns an
image array to show with the others. A figure's title is always the ``title`` argument, one
title per panel the ``titles`` argument.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure


# --------------------------------------------------------------------------- images
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
    title: str | None = None,
    centre_zero: bool = False,
) -> Figure:
    """A grid of images, each with an optional title.

    Args:
        images: ``(n, h, w)``, ``(n, h, w, 1)`` or ``(n, h, w, 3)``, or a list of such images;
            floats in [0, 1] or uint8.
        titles: one title per image.
        ncols: images per row at most.
        cmap: colour map for one-channel images (grey by default).
        panel_size: inches per image.
        title: a title for the whole figure.
        centre_zero: scale each one-channel panel symmetrically around 0, so that with a
            diverging colour map (e.g. "RdBu_r") white means 0: right for signed feature maps.
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
        limit = (float(np.abs(image).max()) or 1.0) if centre_zero and image.ndim == 2 else None
        ax.imshow(image, cmap=cmap or default_cmap, vmin=-limit if limit else None, vmax=limit)
        if titles is not None:
            ax.set_title(titles[index], fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_misclassified(images: np.ndarray, y_true: np.ndarray, y_pred: np.ndarray, class_names: Sequence[str],
                       count: int = 16, ncols: int = 8) -> Figure:
    """The first ``count`` images whose prediction is wrong, titled with the true and predicted class.

    Args:
        images: ``(n, h, w)``, ``(n, h, w, 1)`` or ``(n, h, w, 3)``.
        y_true: true class indices, ``(n,)``.
        y_pred: predicted class indices, ``(n,)``.
        class_names: one name per class.
        count: how many mistakes to show at most.
        ncols: images per row at most.
    """
    wrong = np.flatnonzero(np.asarray(y_true) != np.asarray(y_pred))[:count]
    if len(wrong) == 0:
        raise ValueError("No image is misclassified: there is nothing to show.")
    ncols = max(1, min(ncols, len(wrong)))
    nrows = math.ceil(len(wrong) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.7 * ncols, 2.2 * nrows + 0.5), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, i in zip(axes.flat, wrong):
        image, cmap = _displayable(images[i])
        ax.imshow(image, cmap=cmap)
        ax.set_title(f"true: {class_names[y_true[i]]}\npred: {class_names[y_pred[i]]}", fontsize=9)
    fig.suptitle(f"{len(wrong)} misclassified images (of {int(np.sum(y_true != y_pred))} wrong in all)")
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- model internals



def show_feature_maps(maps: np.ndarray, ncols: int = 8, titles: Sequence[str] | None = None,
                      title: str | None = None, cmap: str = "viridis") -> Figure:
    """One panel per channel of a layer's output.

    Args:
        maps: ``(h, w, channels)`` or ``(1, h, w, channels)``.
        ncols: panels per row at most.
        titles: one title per channel (default "map 0", "map 1", ...).
        title: a title for the whole figure.
        cmap: colour map; each panel is scaled to its own range.
    """
    maps = np.asarray(maps)
    if maps.ndim == 4 and maps.shape[0] == 1:
        maps = maps[0]
    if maps.ndim != 3:
        raise ValueError(f"maps must have shape (h, w, channels) or (1, h, w, channels), got {maps.shape}.")
    channels = maps.shape[-1]
    titles = list(titles) if titles is not None else [f"map {k}" for k in range(channels)]
    return show_images([maps[..., k] for k in range(channels)], titles=titles, ncols=ncols, cmap=cmap, title=title)


def show_filters(kernels: np.ndarray, ncols: int = 8, title: str | None = None, panel_size: float = 1.2) -> Figure:
    """The kernels of a convolution layer as small images, on one shared diverging colour scale.

    Args:
        kernels: ``(kh, kw, c_in, c_out)``, e.g. ``layer.get_weights()[0]``. With one input channel each
            filter is drawn in blue (negative weights) and red (positive); with three channels as a colour
            image, each filter stretched to [0, 1] on its own.
        ncols: filters per row at most.
        title: a title for the whole figure.
        panel_size: inches per filter.
    """
    kernels = np.asarray(kernels, dtype=np.float32)
    if kernels.ndim != 4 or kernels.shape[2] not in (1, 3):
        raise ValueError(f"kernels must have shape (kh, kw, 1 or 3, c_out), got {kernels.shape}.")
    count = kernels.shape[-1]
    ncols = max(1, min(ncols, count))
    nrows = math.ceil(count / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size * ncols + 1.0, panel_size * nrows + 0.5),
                             squeeze=False)
    limit = float(np.abs(kernels).max()) or 1.0
    shown = None
    for index, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if index >= count:
            ax.axis("off")
            continue
        kernel = kernels[..., index]
        if kernel.shape[-1] == 1:
            shown = ax.imshow(kernel[..., 0], cmap="RdBu_r", vmin=-limit, vmax=limit)
        else:
            ax.imshow((kernel - kernel.min()) / (np.ptp(kernel) or 1.0))
        ax.set_title(f"filter {index}", fontsize=8)
    if shown is not None:
        fig.colorbar(shown, ax=axes.ravel().tolist(), fraction=0.03, label="weight")
    if title:
        fig.suptitle(title)
    return fig


def overlay_heatmap(image: np.ndarray, heatmap: np.ndarray, alpha: float = 0.5, cmap: str = "jet") -> np.ndarray:
    """An image with a heat map blended over it. Returns an RGB image array, not a Figure:
    show it with :func:`show_images` or :func:`show_heatmaps`.

    Args:
        image: ``(h, w)``, ``(h, w, 1)`` or ``(h, w, 3)``; stretched to [0, 1] for display.
        heatmap: ``(h, w)``, non-negative; divided by its maximum (negative values count as 0).
        alpha: weight of the heat map, from 0 (image only) to 1 (heat map only).
        cmap: matplotlib colour map for the heat map.

    Returns:
        Float array of shape ``(h, w, 3)`` with values in [0, 1].
    """
    image, _ = _displayable(image)
    image = np.asarray(image, dtype=np.float32)
    heatmap = np.asarray(heatmap, dtype=np.float32)
    if heatmap.shape != image.shape[:2]:
        raise ValueError(f"heatmap must have the image's height and width {image.shape[:2]}, got {heatmap.shape}. "
                         "Resize it to the image first.")
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}.")
    image = (image - image.min()) / (np.ptp(image) or 1.0)
    rgb = np.repeat(image[..., None], 3, axis=-1) if image.ndim == 2 else image
    heat = np.clip(heatmap, 0.0, None)
    heat = heat / (heat.max() or 1.0)
    colours = plt.get_cmap(cmap)(heat)[..., :3]
    return np.clip((1.0 - alpha) * rgb + alpha * colours, 0.0, 1.0)   # float32 rounding can step past 1


def show_heatmaps(images: Sequence[np.ndarray], heatmaps: Sequence[np.ndarray | None],
                  titles: Sequence[str] | None = None,
                  ncols: int = 4, alpha: float = 0.5, cmap: str = "jet", panel_size: float = 2.4,
                  title: str | None = None) -> Figure:
    """Heat maps (saliency, Grad-CAM, occlusion...) overlaid on their images, in a grid with a colour bar.

    Args:
        images: a list of images, each ``(h, w)``, ``(h, w, 1)`` or ``(h, w, 3)``.
        heatmaps: one ``(h, w)`` map per image, each divided by its own maximum; ``None`` shows the image alone.
        titles: one title per panel.
        ncols: panels per row at most.
        alpha: weight of the heat map in the blend.
        cmap: colour map of the heat maps.
        panel_size: inches per panel.
        title: a title for the whole figure.
    """
    if len(images) != len(heatmaps):
        raise ValueError(f"{len(images)} images but {len(heatmaps)} heat maps: give one heat map per image.")
    overlays = [_displayable(image)[0] if heatmap is None else overlay_heatmap(image, heatmap, alpha, cmap)
                for image, heatmap in zip(images, heatmaps)]
    fig = show_images(overlays, titles=titles, ncols=ncols, panel_size=panel_size, title=title)
    scale = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(0, 1))
    fig.colorbar(scale, ax=fig.axes, fraction=0.025, label="importance (share of the maximum)")
    return fig
