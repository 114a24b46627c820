"""Figures of notebook 08: the residual block with its identity and projection shortcuts, the
bottleneck block beside two 3x3 convolutions, and the plan of a ResNet with the shapes of an
actual model. Each function
returns its Figure; the drawings are built from :mod:`cnnkit.plot.diagram`.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from cnnkit.plot.diagram import PALETTE, STRONG, add_arrow, add_box, diagram_axes

# One colour per kind of step, the same in every drawing of this module.
_CONV, _SHORTCUT, _JOIN, _DATA = PALETTE["blue"], PALETTE["orange"], PALETTE["green"], PALETTE["grey"]
_PANEL_WIDTH, _PANEL_HEIGHT = 7.0, 8.6   # canvas of one block, in data units
_MAIN_X, _SHORTCUT_X = 2.7, 5.75          # centre lines of the main path and of the shortcut


def _shape(height: int, channels: int) -> str:
    return f"{height}×{height}×{channels}"


def _block_panel(ax: Axes, steps: Sequence[tuple[str, str]], input_label: str, output_label: str,
                 shortcut: str | None, title: str, box_widths: Sequence[float] | None = None) -> None:
    """One block drawn top to bottom: input, the main path's steps, the sum, ReLU, output.

    Args:
        steps: the main path, ``(text, shape after the step)`` per box.
        input_label, output_label: shapes of the block's input and output.
        shortcut: the text of a projection box on the shortcut, or None for the identity.
        box_widths: width of each step's box in data units (the same for all by default).
    """
    diagram_axes(_PANEL_WIDTH, _PANEL_HEIGHT, ax=ax)
    ax.set_title(title, fontsize=10.5)
    top = _PANEL_HEIGHT - 0.5
    _, bottom, right, _ = add_box(ax, (_MAIN_X, top), f"input x\n{input_label}", _DATA, width=2.0, height=0.8)
    gap = (top - 0.4 - 3.3) / len(steps)   # the sum, the ReLU and the output take the last 3.3 units
    for k, (text, shape_after) in enumerate(steps):
        centre_y = top - 0.4 - gap * (k + 0.5)
        width = 3.2 if box_widths is None else box_widths[k]
        box_top, box_bottom = centre_y + 0.42, centre_y - 0.42
        add_arrow(ax, (_MAIN_X, bottom), (_MAIN_X, box_top))
        add_box(ax, (_MAIN_X, centre_y), text, _CONV, width=width, height=0.84, fontsize=9.5)
        ax.text(_MAIN_X + 0.1, box_bottom - 0.05, shape_after, ha="left", va="top", fontsize=8.5, color="0.3")
        bottom = box_bottom
    sum_y, relu_y, out_y = 2.6, 1.65, 0.55
    add_arrow(ax, (_MAIN_X, bottom - 0.35), (_MAIN_X, sum_y + 0.25), text=None)
    ax.text(_MAIN_X - 0.12, (bottom + sum_y) / 2 - 0.1, "F(x)", ha="right", va="center", fontsize=9, style="italic")
    add_box(ax, (_MAIN_X, sum_y), "+", _JOIN, width=0.5, height=0.5, fontsize=13)
    add_arrow(ax, (_MAIN_X, sum_y - 0.25), (_MAIN_X, relu_y + 0.25))
    add_box(ax, (_MAIN_X, relu_y), "ReLU", _JOIN, width=1.2, height=0.5)
    add_arrow(ax, (_MAIN_X, relu_y - 0.25), (_MAIN_X, out_y + 0.35))
    add_box(ax, (_MAIN_X, out_y), f"output  {output_label}", _DATA, width=3.0, height=0.6)

    # The shortcut leaves the input to the right, runs down, and joins the sum from the right.
    colour = STRONG["orange"] if shortcut else STRONG["grey"]
    add_arrow(ax, (right, top), (_SHORTCUT_X, top), colour=colour, style="-")
    if shortcut:
        middle = (top + sum_y) / 2
        add_arrow(ax, (_SHORTCUT_X, top), (_SHORTCUT_X, middle + 0.55), colour=colour)
        add_box(ax, (_SHORTCUT_X, middle), shortcut, _SHORTCUT, width=2.3, height=1.1, fontsize=8.5)
        add_arrow(ax, (_SHORTCUT_X, middle - 0.55), (_SHORTCUT_X, sum_y), colour=colour, style="-")
        label = "projection shortcut"
    else:
        add_arrow(ax, (_SHORTCUT_X, top), (_SHORTCUT_X, sum_y), colour=colour, style="-")
        label = "identity shortcut: x itself"
    add_arrow(ax, (_SHORTCUT_X, sum_y), (_MAIN_X + 0.25, sum_y), colour=colour)
    ax.text(_SHORTCUT_X + 0.15, sum_y + 1.2 if shortcut else (top + sum_y) / 2, label, rotation=90,
            ha="left", va="center", fontsize=8.5, color=colour)


def draw_residual_blocks(size: int = 28, channels: int = 16, filters: int = 32, stride: int = 2) -> Figure:
    """The basic residual block twice: with an identity shortcut, and with a projection shortcut.

    Left: a block that keeps the shape, ``size x size x channels`` in and out, so the input is
    added as it is. Right: a block with ``stride`` and ``filters`` output channels, whose shortcut
    must be a 1x1 convolution with the same stride followed by batch norm (a projection).

    Args:
        size: height and width of the input, in pixels.
        channels: channels of the input.
        filters: channels of the projecting block's output.
        stride: stride of the projecting block (2 halves height and width).
    """
    if min(size, channels, filters, stride) < 1:
        raise ValueError(f"size, channels, filters and stride must be positive; got {size}, {channels}, "
                         f"{filters}, {stride}.")
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 6.6))
    same = _shape(size, channels)
    _block_panel(left, [(f"Conv 3×3, {channels}\n→ BN → ReLU", same),
                        (f"Conv 3×3, {channels}\n→ BN", same)],
                 same, same, None, f"identity shortcut: shapes match\n{same} in and out")
    out_size = -(-size // stride)   # "same" padding: ceil(size / stride)
    smaller = _shape(out_size, filters)
    _block_panel(right, [(f"Conv 3×3, {filters}, stride {stride}\n→ BN → ReLU", smaller),
                         (f"Conv 3×3, {filters}\n→ BN", smaller)],
                 same, smaller, f"Conv 1×1, {filters},\nstride {stride} → BN",
                 f"projection shortcut: stride {stride},\n{channels} → {filters} channels")
    fig.suptitle("The residual block: relu(F(x) + shortcut(x)), the ReLU after the sum", fontsize=12)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    return fig


def draw_bottleneck_block(size: int = 56, channels: int = 256, filters: int = 64) -> Figure:
    """Two 3x3 convolutions on ``channels`` channels beside a bottleneck block, with weight counts.

    Both blocks map ``size x size x channels`` to the same shape with an identity shortcut. The
    bottleneck reduces to ``filters`` channels with a 1x1 convolution, convolves 3x3 on the narrow
    tensor and expands back to ``4 * filters`` channels; box widths follow the channel counts.

    Args:
        size: height and width of the input, in pixels.
        channels: channels of the input and output; must equal ``4 * filters`` (identity shortcut).
        filters: channels of the bottleneck's two inner convolutions.
    """
    if channels != 4 * filters:
        raise ValueError(f"A bottleneck block with an identity shortcut needs channels = 4 * filters; got "
                         f"channels={channels}, filters={filters}.")
    shape = _shape(size, channels)
    basic_weights = 2 * 3 * 3 * channels * channels
    reduce, middle, expand = channels * filters, 3 * 3 * filters * filters, filters * channels
    narrow = _shape(size, filters)

    def width(c):   # box width grows with the channels it produces
        return 1.6 + 2.0 * c / channels

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 6.6))
    _block_panel(left, [(f"Conv 3×3, {channels}\n→ BN → ReLU", f"{shape}   {3 * 3 * channels * channels:,} weights"),
                        (f"Conv 3×3, {channels}\n→ BN", f"{shape}   {3 * 3 * channels * channels:,} weights")],
                 shape, shape, None, f"two 3×3 convolutions: {basic_weights:,} weights",
                 box_widths=[width(channels)] * 2)
    _block_panel(right, [(f"Conv 1×1, {filters}\n→ BN → ReLU", f"{narrow}   {reduce:,} weights"),
                         (f"Conv 3×3, {filters}\n→ BN → ReLU", f"{narrow}   {middle:,} weights"),
                         (f"Conv 1×1, {channels}\n→ BN", f"{shape}   {expand:,} weights")],
                 shape, shape, None, f"bottleneck: {reduce + middle + expand:,} weights",
                 box_widths=[width(filters), width(filters), width(channels)])
    fig.suptitle(f"Reduce, convolve, expand: the bottleneck block does the 3×3 work on {filters} channels, "
                 f"not {channels}", fontsize=11.5)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    return fig


def resnet_plan(model) -> list[tuple[str, tuple]]:
    """The stages of a course ResNet with the shape each produces, read from the model's layers.

    Args:
        model: a ``keras.Model`` built by ``build_resnet`` (layers ``stem_relu`` or ``stem_pool``,
            ``stage{s}_block{b}_out``, and with a top, ``avg_pool`` and ``predictions``).

    Returns:
        ``[(label, shape without the batch axis), ...]`` from the input to the output.
    """
    names = [layer.name for layer in model.layers]
    if "stem_relu" not in names:
        raise ValueError(f"resnet_plan reads a model built by build_resnet (a layer named 'stem_relu'); "
                         f"{model.name!r} has none.")
    plan = [("input", tuple(model.input.shape[1:]))]
    stem = "stem_pool" if "stem_pool" in names else "stem_relu"
    plan.append(("stem", tuple(model.get_layer(stem).output.shape[1:])))
    stages = sorted({name.split("_")[0] for name in names if name.startswith("stage") and name.endswith("_out")},
                    key=lambda stage: int(stage[len("stage"):]))
    for stage in stages:
        outs = [name for name in names if name.startswith(f"{stage}_") and name.endswith("_out")]
        plan.append((f"{stage}: {len(outs)} block{'s' * (len(outs) > 1)}",
                     tuple(model.get_layer(outs[-1]).output.shape[1:])))
    for name, label in (("avg_pool", "average pool"), ("predictions", "dense: logits")):
        if name in names:
            plan.append((label, tuple(model.get_layer(name).output.shape[1:])))
    return plan


def draw_resnet_plan(model) -> Figure:
    """The plan of a course ResNet left to right: stem, stages, pooling and classifier, each box
    with the shape it produces (read from ``model``, see :func:`resnet_plan`)."""
    plan = resnet_plan(model)
    step, box_width = 1.9, 1.6
    width, height = step * len(plan) + 0.2, 2.4
    fig, ax = diagram_axes(width, height, inches_per_unit=10 / width)
    colours = {"input": _DATA, "stem": PALETTE["sky"]}
    for k, (label, shape) in enumerate(plan):
        centre = (0.1 + step * (k + 0.5), 0.95)
        colour = colours.get(label, _CONV if label.startswith("stage") else _JOIN)
        add_box(ax, centre, f"{label.replace(': ', chr(10))}\n{'×'.join(str(d) for d in shape)}", colour,
                 width=box_width, height=1.3, fontsize=9)
        if k:
            add_arrow(ax, (centre[0] - step + box_width / 2, 0.95), (centre[0] - box_width / 2, 0.95))
    # The title sits inside the canvas, so that the equal-aspect canvas fills the figure's width.
    ax.text(width / 2, height - 0.25, f"{model.name}: each stage after the first halves the size and doubles the "
            "channels", ha="center", va="center", fontsize=10.5)
    fig.tight_layout(pad=0.2)
    return fig


def draw_data_parallel(replicas: int = 2, global_batch: int = 128) -> Figure:
    """One step of synchronous data parallelism (``tf.distribute.MirroredStrategy``): the global
    batch is split between ``replicas`` copies of the model, each computes a gradient on its share,
    an all-reduce averages them, and every copy applies the same update.

    Args:
        replicas: number of devices, each holding a copy of the model.
        global_batch: images per step, split evenly between the replicas.
    """
    if replicas < 1 or global_batch % replicas:
        raise ValueError(f"The global batch must split evenly between at least one replica; got {global_batch} "
                         f"images for {replicas} replicas.")
    share = global_batch // replicas
    width, row = 13.0, 1.3
    height = row * (replicas - 1) + 2.0
    fig, ax = diagram_axes(width, height, inches_per_unit=10 / width)
    rows = [height - 1.0 - row * k for k in range(replicas)]
    middle = sum(rows) / replicas
    add_box(ax, (1.2, middle), f"global batch\n{global_batch} images", _DATA, width=2.0, height=1.0)
    add_box(ax, (8.2, middle), "all-reduce:\naverage the\ngradients", _JOIN, width=1.9, height=1.4)
    for k, y in enumerate(rows):
        add_arrow(ax, (2.2, middle), (3.0, y), text=None)
        add_box(ax, (4.85, y), f"replica {k} (device {k}): same weights\nforward + backward on {share} images",
                 _CONV, width=3.7, height=0.9, fontsize=8.5)
        add_arrow(ax, (6.7, y), (7.25, middle), text=None, colour=STRONG["blue"])
        ax.text(6.85, y + 0.12, f"g{k}", fontsize=9, color=STRONG["blue"])
        add_box(ax, (11.3, y), f"replica {k}: w ← w − η·ḡ", _SHORTCUT, width=2.9, height=0.7, fontsize=9)
        add_arrow(ax, (9.15, middle), (9.85, y), colour=STRONG["green"])
    ax.text(width / 2, height - 0.12, "One training step of MirroredStrategy: every replica ends with identical weights",
            ha="center", va="center", fontsize=10.5)
    fig.tight_layout(pad=0.2)
    return fig
