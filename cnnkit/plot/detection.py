"""Figures of notebook 13, object detection: boxes on images, IoU, grids and anchors, NMS, PR curves. Boxes are corner boxes
``[x_min, y_min, x_max, y_max]`` in pixels; each function returns its ``matplotlib`` Figure.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.patches as patches
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from cnnkit.plot.diagram import CLASS_COLOURS, STRONG

#: One colour per class, in class order (matplotlib's tab10 without its grey).


def _add_boxes(ax, boxes, classes=None, scores=None, class_names: Sequence[str] | None = None,
               dashed: bool = False, colour: str | None = None, linewidth: float = 2.0) -> None:
    """Draw corner boxes on ``ax``, coloured by class, labelled with class name and score."""
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
    for k, (x0, y0, x1, y1) in enumerate(boxes):
        label = None if classes is None else int(np.asarray(classes)[k])
        edge = colour or (CLASS_COLOURS[label % len(CLASS_COLOURS)] if label is not None else STRONG["yellow"])
        ax.add_patch(patches.Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor=edge, linewidth=linewidth,
                                       linestyle="--" if dashed else "-"))
        text = [class_names[label]] if class_names is not None and label is not None else []
        if scores is not None:
            text.append(f"{float(np.asarray(scores)[k]):.2f}")
        if text:
            ax.text(x0, y0, " ".join(text), color="white", fontsize=7, va="bottom",
                    bbox={"facecolor": edge, "edgecolor": "none", "pad": 1, "alpha": 0.8})


def show_detections(images, truths=None, detections=None, class_names: Sequence[str] | None = None,
                    ncols: int = 5, panel_size: float = 2.6, title: str | None = None) -> Figure:
    """Images with ground truth (dashed) and detections (solid, with scores).

    ``truths``: one ``(boxes, classes)`` per image; ``detections``: one ``(boxes, scores, classes)``.
    """
    count = len(images)
    rows = -(-count // ncols)
    fig, axes = plt.subplots(rows, min(ncols, count), figsize=(panel_size * min(ncols, count), panel_size * rows),
                             squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k >= count:
            continue
        ax.imshow(np.clip(images[k], 0, 1))
        if truths is not None:
            _add_boxes(ax, truths[k][0], truths[k][1], dashed=True, linewidth=1.2)
        if detections is not None:
            boxes, scores, classes = detections[k]
            _add_boxes(ax, boxes, classes, scores, class_names)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_box_formats(image, box, name: str = "object") -> Figure:
    """One box in both formats: its corners, and its centre with width and height."""
    x0, y0, x1, y1 = box
    fig, axes = plt.subplots(1, 2, figsize=(8, 4))
    for ax in axes:
        ax.imshow(np.clip(image, 0, 1))
        ax.add_patch(patches.Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor=STRONG["yellow"], linewidth=2))
        ax.axis("off")
    axes[0].plot([x0, x1], [y0, y1], "o", color=STRONG["vermillion"])
    label = {"color": STRONG["vermillion"], "textcoords": "offset points", "ha": "center", "fontsize": 9,
             "bbox": {"facecolor": "white", "edgecolor": "none", "pad": 1, "alpha": 0.8}}
    axes[0].annotate("(x_min, y_min)", (x0, y0), xytext=(0, 6), va="bottom", **label)
    axes[0].annotate("(x_max, y_max)", (x1, y1), xytext=(0, -6), va="top", **label)
    axes[0].set_title("corners: [x_min, y_min, x_max, y_max]")
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    axes[1].plot(cx, cy, "o", color=STRONG["vermillion"])
    axes[1].annotate("", (x1, cy), (x0, cy), arrowprops={"arrowstyle": "<->", "color": "cyan"})
    axes[1].annotate("", (cx, y1), (cx, y0), arrowprops={"arrowstyle": "<->", "color": "cyan"})
    axes[1].text((x0 + cx) / 2, cy, "w", color=STRONG["sky"], ha="center", va="bottom", fontsize=11)
    axes[1].text(cx, (cy + y1) / 2, " h", color=STRONG["sky"], ha="left", va="center", fontsize=11)
    axes[1].annotate("(x_c, y_c)", (cx, cy), xytext=(0, -10), va="top", **label)
    axes[1].set_title("centre and size: [x_c, y_c, w, h]")
    fig.suptitle(f"two ways to write the same box around the {name}")
    fig.tight_layout()
    return fig


def show_iou_examples(pairs, ious) -> Figure:
    """Pairs of boxes, their intersection shaded, and their IoU in the title."""
    fig, axes = plt.subplots(1, len(pairs), figsize=(3 * len(pairs), 3))
    for ax, (a, b), iou in zip(np.atleast_1d(axes), pairs, ious):
        for box, colour in ((a, STRONG["blue"]), (b, STRONG["orange"])):
            ax.add_patch(patches.Rectangle(box[:2], box[2] - box[0], box[3] - box[1], fill=False, edgecolor=colour,
                                           linewidth=2))
        left, top = max(a[0], b[0]), max(a[1], b[1])
        right, bottom = min(a[2], b[2]), min(a[3], b[3])
        if right > left and bottom > top:
            ax.add_patch(patches.Rectangle((left, top), right - left, bottom - top, color=STRONG["green"], alpha=0.5))
        ax.set_xlim(-1, 11)
        ax.set_ylim(11, -1)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"IoU = {iou:.2f}")
    fig.suptitle("IoU: the green intersection over the area covered by either box")
    fig.tight_layout()
    return fig


def show_grid_and_anchors(image, grid_size: int, anchors, box) -> Figure:
    """The grid over an image, the cell that holds the box's centre, and the anchors centred there."""
    size = image.shape[0]
    cell = size / grid_size
    x0, y0, x1, y1 = box
    col, row = int((x0 + x1) / 2 // cell), int((y0 + y1) / 2 // cell)
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.imshow(np.clip(image, 0, 1))
    for k in range(1, grid_size):
        ax.axhline(k * cell - 0.5, color="white", linewidth=0.6)
        ax.axvline(k * cell - 0.5, color="white", linewidth=0.6)
    ax.add_patch(patches.Rectangle((col * cell - 0.5, row * cell - 0.5), cell, cell, color=STRONG["sky"], alpha=0.6))
    ax.add_patch(patches.Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor=STRONG["yellow"], linewidth=2))
    centre = ((col + 0.5) * cell, (row + 0.5) * cell)
    for k, (width, height) in enumerate(np.asarray(anchors) * cell):
        ax.add_patch(patches.Rectangle((centre[0] - width / 2, centre[1] - height / 2), width, height, fill=False,
                                       edgecolor=CLASS_COLOURS[k % len(CLASS_COLOURS)], linestyle=":", linewidth=1.5))
    ax.plot((x0 + x1) / 2, (y0 + y1) / 2, "x", color="black")
    ax.set_title(f"{grid_size}x{grid_size} grid: the cell with the box's centre (x)\n"
                 f"and its {len(anchors)} anchors (dotted) predict it")
    ax.axis("off")
    fig.tight_layout()
    return fig


def show_nms(image, boxes, scores, kept, title: str = "non-max suppression") -> Figure:
    """All candidate boxes, then the ones non-max suppression keeps."""
    fig, axes = plt.subplots(1, 2, figsize=(8, 4))
    for ax, indices, name in ((axes[0], np.arange(len(boxes)), f"before: {len(boxes)} boxes"),
                              (axes[1], np.asarray(kept, dtype=int), f"after: {len(kept)} kept")):
        ax.imshow(np.clip(image, 0, 1))
        _add_boxes(ax, np.asarray(boxes)[indices], scores=np.asarray(scores)[indices], colour=STRONG["yellow"], linewidth=1)
        ax.set_title(name)
        ax.axis("off")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_precision_recall(curves: dict, title: str = "precision-recall") -> Figure:
    """Precision against recall per curve: ``curves`` maps a label to ``(recall, precision, envelope)``,
    the envelope drawn as the shaded area whose size is the AP."""
    fig, ax = plt.subplots(figsize=(5.5, 4))
    for k, (label, (recall, precision, envelope)) in enumerate(curves.items()):
        colour = CLASS_COLOURS[k % len(CLASS_COLOURS)]
        ax.plot(recall, precision, color=colour, alpha=0.5, linewidth=1)
        ax.step(recall, envelope, where="pre", color=colour, label=label)
        ax.fill_between(recall, envelope, step="pre", color=colour, alpha=0.08)
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.05)
    ax.set_title(title)
    ax.legend(loc="lower left")
    fig.tight_layout()
    return fig
