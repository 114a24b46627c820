"""Every figure the notebooks show, by kind: images, curves and charts, model internals, masks.

Each function returns its ``matplotlib`` Figure, except :func:`overlay_heatmap` and
:func:`overlay_mask`, which return an image array to show with the others. A figure's title
is always the ``title`` argument, one title per panel the ``titles`` argument. Nothing in
cnnkit imports this module: only notebooks draw.
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


# --------------------------------------------------------------------------- curves and charts
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


def show_style_history(history: dict, weights: dict, title: str = "style transfer losses") -> Figure:
    """The weighted losses of a style transfer, one curve each, on a log scale.

    Args:
        history: ``{"total": [...], "content": [...], "style": [...], "tv": [...]}``, one value per step.
        weights: the loss weights used, ``{"content": a, "style": b, "tv": c}``.
    """
    steps = np.arange(1, len(history["total"]) + 1)
    curves = {"total": (steps, history["total"])}
    for name in ("content", "style", "tv"):
        values = weights[name] * np.asarray(history[name], dtype=float)
        # A loss of exactly 0 (the content loss at the first step) has no place on a log axis.
        curves[f"{weights[name]:g} x {name}"] = (steps, np.where(values > 0, values, np.nan))
    fig, ax = plt.subplots(figsize=(7, 3.8))
    return plot_curves(curves, "step", "weighted loss (log scale)", title=title, ax=ax, logy=True)


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


# --------------------------------------------------------------------------- model internals
def _cross_correlate(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    from scipy.signal import correlate2d

    return correlate2d(image, kernel, mode="valid")


def show_kernel_effect(image: np.ndarray, kernel: np.ndarray, name: str = "kernel",
                       result: np.ndarray | None = None) -> Figure:
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


# --------------------------------------------------------------------------- masks
#: One colour per class index; class 0 (background) is left uncoloured in overlays.
CLASS_COLOURS = np.array([[0.2, 0.2, 0.2], [0.89, 0.10, 0.11], [0.30, 0.69, 0.29], [0.22, 0.49, 0.72],
                          [1.00, 0.50, 0.00], [0.60, 0.31, 0.64], [1.00, 1.00, 0.20]])


def overlay_mask(image: np.ndarray, mask: np.ndarray, alpha: float = 0.75) -> np.ndarray:
    """Paint each non-background pixel's class colour over a dimmed grey copy of the image, so that
    the class colours read clearly whatever the colours of the photo. Returns an RGB image array,
    not a Figure: show it with :func:`show_images` or :func:`show_segmentation`.

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
                      panel_size: float = 1.9, title: str | None = None) -> Figure:
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
