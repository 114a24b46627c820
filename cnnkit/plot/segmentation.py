"""Figures of notebook 10: how a transposed convolution and bilinear upsampling double a feature
map, the U of an actual U-Net with the shape of every level and its skip connections, and the
overlap that IoU and Dice measure, and predicted masks beside the true ones. Each function returns
its Figure, except :func:`overlay_mask`, which returns an image array; the diagrams are built from
:mod:`cnnkit.plot.diagram`.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from cnnkit.plot.diagram import CLASS_COLOURS, PALETTE, STRONG, add_arrow, add_box, add_grid, diagram_axes

#: RGB colours of a label map: class 0 (the background) dark grey, then the shared class colours.
_MASK_COLOURS = np.array([(0.2, 0.2, 0.2)] + [to_rgb(colour) for colour in CLASS_COLOURS])

def _grid_panel(ax, values, title, highlight=(), colour=PALETTE["sky"], fmt="{:g}"):
    """A grid of numbers centred on its own canvas, with a title under it."""
    rows, cols = values.shape
    diagram_axes(cols + 0.4, rows + 1.2, ax=ax)
    fills = np.full(values.shape, "white", dtype=object)
    for r, c, n_rows, n_cols in highlight:
        fills[r:r + n_rows, c:c + n_cols] = colour
    add_grid(ax, values, origin=(0.2, rows + 1.0), colours=fills, fmt=fmt, fontsize=10, highlight=highlight)
    ax.text((cols + 0.4) / 2, 0.45, title, ha="center", va="center", fontsize=10)


def draw_transposed_convolution(inputs: np.ndarray, kernel: np.ndarray, output: np.ndarray, stride: int = 2,
                                pixel: tuple[int, int] = (1, 1)) -> Figure:
    """A transposed convolution as stamps: each input pixel adds ``value * kernel`` to the output,
    ``stride`` pixels apart from its neighbours' stamps. One input pixel and its stamp are shaded.

    Args:
        inputs: ``(n, n)`` input feature map (one channel).
        kernel: ``(k, k)`` kernel.
        output: ``((n - 1) * stride + k, ...)`` result of the layer ("valid" padding), e.g. from
            ``keras.layers.Conv2DTranspose``; drawn as given, so the figure shows what Keras computed.
        stride: distance between two stamps, in output pixels.
        pixel: (row, column) of the input pixel whose stamp is shaded.
    """
    inputs, kernel, output = (np.asarray(a) for a in (inputs, kernel, output))
    if inputs.ndim != 2 or kernel.ndim != 2 or output.ndim != 2:
        raise ValueError(f"inputs, kernel and output must be 2-D (one channel); got shapes {inputs.shape}, "
                         f"{kernel.shape}, {output.shape}.")
    expected = tuple((n - 1) * stride + k for n, k in zip(inputs.shape, kernel.shape))
    if output.shape != expected:
        raise ValueError(f"A transposed convolution of a {inputs.shape} input with a {kernel.shape} kernel and "
                         f"stride {stride} gives {expected}; the output given has shape {output.shape}.")
    row, col = pixel
    k_rows, k_cols = kernel.shape
    fig, axes = plt.subplots(1, 3, figsize=(10, 4.2), gridspec_kw={"width_ratios": [inputs.shape[1] + 0.4,
                                                                                   k_cols + 0.4, output.shape[1] + 0.4]})
    _grid_panel(axes[0], inputs, f"input {inputs.shape[0]}×{inputs.shape[1]}", [(row, col, 1, 1)])
    _grid_panel(axes[1], kernel, f"kernel {k_rows}×{k_cols}", [(0, 0, k_rows, k_cols)], colour=PALETTE["orange"])
    _grid_panel(axes[2], output, f"output {output.shape[0]}×{output.shape[1]}",
                [(row * stride, col * stride, k_rows, k_cols)])
    fig.suptitle(f"Transposed convolution, stride {stride}: the input pixel {inputs[row, col]:g} stamps "
                 f"{inputs[row, col]:g} × kernel onto the shaded output block", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return fig


def draw_bilinear_upsampling(inputs: np.ndarray, output: np.ndarray, pixel: tuple[int, int] = (1, 1)) -> Figure:
    """Bilinear upsampling by 2 as numbers: each output pixel blends its nearest input pixels, so
    nothing is learned and the values vary smoothly. The 2x2 output block that lies over input
    ``pixel`` is shaded.

    Args:
        inputs: ``(n, n)`` input feature map (one channel).
        output: ``(2n, 2n)`` result, e.g. from ``keras.layers.UpSampling2D(2, interpolation="bilinear")``.
        pixel: (row, column) of the input pixel whose block is shaded.
    """
    inputs, output = np.asarray(inputs), np.asarray(output)
    if inputs.ndim != 2 or output.shape != (2 * inputs.shape[0], 2 * inputs.shape[1]):
        raise ValueError(f"Upsampling by 2 maps an (n, m) input to (2n, 2m); got {inputs.shape} -> {output.shape}.")
    row, col = pixel
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), gridspec_kw={"width_ratios": [inputs.shape[1] + 0.4,
                                                                                   output.shape[1] + 0.4]})
    _grid_panel(axes[0], inputs, f"input {inputs.shape[0]}×{inputs.shape[1]}", [(row, col, 1, 1)])
    _grid_panel(axes[1], output, f"bilinear ×2: output {output.shape[0]}×{output.shape[1]}",
                [(2 * row, 2 * col, 2, 2)], fmt="{:.3g}")
    fig.suptitle(f"Bilinear upsampling: the block over {inputs[row, col]:g} blends it with its neighbours "
                 "(no weights to learn)", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return fig


def unet_levels(model) -> dict:
    """The shapes of a course U-Net, level by level, read from its layer names.

    Args:
        model: a ``keras.Model`` built by ``build_unet`` (layers ``encoder{i}_relu2``,
            ``bottleneck_relu2``, ``decoder{i}_up``, ``decoder{i}_relu2``, ``predictions``, and
            ``decoder{i}_concat`` where there are skip connections).

    Returns:
        ``{"input": shape, "encoder": [shape, ...], "bottleneck": shape, "decoder": [shape, ...],
        "concat": [shape or None, ...], "output": shape, "upsampling": layer class name}``,
        shapes without the batch axis, lists indexed by level (0 = full resolution).
    """
    names = {layer.name for layer in model.layers}
    if "bottleneck_relu2" not in names or "predictions" not in names:
        raise ValueError(f"unet_levels reads a model built by build_unet (layers 'bottleneck_relu2' and "
                         f"'predictions'); {model.name!r} lacks them.")
    depth = sum(1 for name in names if name.startswith("encoder") and name.endswith("_pool"))

    def shape(name):
        return tuple(model.get_layer(name).output.shape[1:])

    return {"input": tuple(model.input.shape[1:]),
            "encoder": [shape(f"encoder{i}_relu2") for i in range(depth)],
            "bottleneck": shape("bottleneck_relu2"),
            "decoder": [shape(f"decoder{i}_relu2") for i in range(depth)],
            "concat": [shape(f"decoder{i}_concat") if f"decoder{i}_concat" in names else None for i in range(depth)],
            "output": shape("predictions"),
            "upsampling": type(model.get_layer("decoder0_up")).__name__}


def _size(shape) -> str:
    return "×".join(str(d) for d in shape)


def draw_unet(model, title: str | None = None) -> Figure:
    """The U of a course U-Net: encoder levels down the left, the bottleneck at the bottom,
    decoder levels up the right, and a skip arrow across each level, every box with the shape its
    level produces (read from ``model``, see :func:`unet_levels`)."""
    levels = unet_levels(model)
    depth = len(levels["encoder"])
    width, row = 13.0, 1.25
    height = row * depth + 2.1
    fig, ax = diagram_axes(width, height, inches_per_unit=10 / width)
    up = "transposed conv 2×2, stride 2" if levels["upsampling"] == "Conv2DTranspose" else "bilinear ×2"
    box_w, box_h = 2.6, 0.8

    def y_of(level):
        return height - 1.3 - row * level

    def encoder_x(level):
        return 1.9 + 0.55 * level

    def decoder_x(level):
        return width - 1.9 - 0.55 * level

    add_box(ax, (encoder_x(0), height - 0.35), f"input {_size(levels['input'])}", PALETTE["grey"], width=box_w,
             height=0.5)
    add_arrow(ax, (encoder_x(0), height - 0.6), (encoder_x(0), y_of(0) + box_h / 2))
    add_box(ax, (decoder_x(0), height - 0.35), f"1×1 conv: logits {_size(levels['output'])}", PALETTE["green"],
             width=box_w + 0.6, height=0.5)
    add_arrow(ax, (decoder_x(0), y_of(0) + box_h / 2), (decoder_x(0), height - 0.6))
    for level in range(depth):
        y = y_of(level)
        add_box(ax, (encoder_x(level), y), f"encoder{level}\n{_size(levels['encoder'][level])}", PALETTE["blue"],
                 width=box_w, height=box_h)
        add_box(ax, (decoder_x(level), y), f"decoder{level}\n{_size(levels['decoder'][level])}", PALETTE["orange"],
                 width=box_w, height=box_h)
        below_enc = encoder_x(level + 1) if level + 1 < depth else width / 2 - box_w / 2
        below_dec = decoder_x(level + 1) if level + 1 < depth else width / 2 + box_w / 2
        add_arrow(ax, (encoder_x(level), y - box_h / 2), (below_enc, y_of(level + 1) + box_h / 2),
                   colour=STRONG["blue"])
        add_arrow(ax, (below_dec, y_of(level + 1) + box_h / 2), (decoder_x(level), y - box_h / 2),
                   colour=STRONG["vermillion"])
        if levels["concat"][level] is not None:
            add_arrow(ax, (encoder_x(level) + box_w / 2, y), (decoder_x(level) - box_w / 2, y),
                       text=f"skip: concatenate → {_size(levels['concat'][level])}", colour=STRONG["green"])
    add_box(ax, (width / 2, y_of(depth)), f"bottleneck\n{_size(levels['bottleneck'])}", PALETTE["purple"],
             width=box_w, height=box_h)
    ax.text(0.1, y_of(depth) + 0.1, "down: max pool 2×2\n(blue arrows)", fontsize=9, color=STRONG["blue"], va="center")
    ax.text(width - 0.1, y_of(depth) + 0.1, f"up: {up}\n(red arrows)", fontsize=9, color=STRONG["vermillion"],
            ha="right", va="center")
    skips = "with skip connections" if levels["concat"][0] is not None else "without skip connections"
    ax.set_title(title or f"{model.name} ({skips}): each box is two Conv 3×3 → BN → ReLU; "
                 "sizes are height×width×channels", fontsize=10.5)
    fig.tight_layout()
    return fig


def draw_overlap(truth: np.ndarray, prediction: np.ndarray) -> Figure:
    """Two binary masks of one class and their overlap, titled with the IoU and the Dice they give.

    Args:
        truth: ``(height, width)`` mask, nonzero where the class truly is.
        prediction: ``(height, width)`` mask, nonzero where the network says it is.
    """
    truth, prediction = np.asarray(truth) != 0, np.asarray(prediction) != 0
    if truth.ndim != 2 or truth.shape != prediction.shape:
        raise ValueError(f"truth and prediction must be 2-D masks of one shape; got {truth.shape} and "
                         f"{prediction.shape}.")
    both, union = int(np.sum(truth & prediction)), int(np.sum(truth | prediction))
    if union == 0:
        raise ValueError("Both masks are empty: IoU and Dice are 0 / 0, nothing to draw.")
    iou, dice = both / union, 2 * both / (truth.sum() + prediction.sum())
    # 0 neither, 1 truth only (missed), 2 prediction only (false alarm), 3 both.
    kinds = truth * 1 + prediction * 2
    overlap = ListedColormap(["white", STRONG["orange"], STRONG["sky"], STRONG["green"]])
    mask = ListedColormap(["white", STRONG["grey"], STRONG["grey"], STRONG["grey"]])
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.8))
    panels = [(truth * 1, mask, f"truth T: {truth.sum()} pixels"),
              (prediction * 2, mask, f"prediction P: {prediction.sum()} pixels"),
              (kinds, overlap, f"T ∩ P: {both} (green), T ∪ P: {union}")]
    for ax, (image, colours, title) in zip(axes, panels):
        ax.imshow(image, cmap=colours, vmin=-0.5, vmax=3.5)
        ax.set_xticks(np.arange(-0.5, truth.shape[1], 1), minor=True)
        ax.set_yticks(np.arange(-0.5, truth.shape[0], 1), minor=True)
        ax.grid(which="minor", color="0.85", linewidth=0.5)
        ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
        ax.set_xlabel("width (pixels)")
        ax.set_ylabel("height (pixels)")
        ax.set_title(title, fontsize=10)
    axes[2].legend(handles=[Patch(color=STRONG["green"], label="both"), Patch(color=STRONG["orange"], label="missed"),
                            Patch(color=STRONG["sky"], label="false alarm")], loc="upper left",
                   bbox_to_anchor=(1.0, 1.0), fontsize=8.5)
    fig.suptitle(f"IoU = |T ∩ P| / |T ∪ P| = {both}/{union} = {iou:.2f};   "
                 f"Dice = 2|T ∩ P| / (|T| + |P|) = {2 * both}/{truth.sum() + prediction.sum()} = {dice:.2f}",
                 fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return fig


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
    coloured = base * (1 - alpha) + _MASK_COLOURS[mask] * alpha
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
    legend = [Patch(color=_MASK_COLOURS[k], label=name) for k, name in enumerate(class_names) if k > 0]
    fig.legend(handles=legend, loc="lower center", ncol=len(legend), frameon=False, fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig
