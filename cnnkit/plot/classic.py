"""Figures of notebook 07: a VGG block and GoogLeNet's inception module, drawn as compact block
diagrams with their filter counts and the shapes between the layers. Each function returns its Figure.

The diagrams are built from the shared primitives of :mod:`cnnkit.plot.diagram`; colours follow
one key in both: 3x3 and 5x5 convolutions blue, 1x1 convolutions green, pooling orange, the
input and output grey, the concatenation purple.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from cnnkit.plot.diagram import PALETTE, STRONG, add_arrow, add_box, diagram_axes

_CONV, _ONE_BY_ONE, _POOL, _TENSOR, _CONCAT = (PALETTE["blue"], PALETTE["green"], PALETTE["orange"],
                                               PALETTE["grey"], PALETTE["purple"])


def _shape(height: int, width: int, channels: int) -> str:
    return f"{height}×{width}×{channels}"


def _positive(**counts: int) -> None:
    for name, value in counts.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive whole number, got {value!r}.")


def draw_vgg_block(num_convs: int = 2, filters: int = 64, input_shape: tuple[int, int, int] = (28, 28, 32),
                   title: str | None = None) -> Figure:
    """One VGG block from left to right: ``num_convs`` 3x3 convolutions, then 2x2 max pooling.

    Each arrow carries the shape of the tensor it passes, height x width x channels, so the figure
    shows where the channels change (the first convolution) and where the size halves (the
    pooling). A note under the convolutions gives the window that the stack of 3x3 kernels sees.

    Args:
        num_convs: 3x3 convolutions in the block (1 to 4 fit the width).
        filters: filters of each convolution, the channels the block outputs.
        input_shape: ``(height, width, channels)`` of the block's input, in pixels and channels.
        title: the figure's title; by default it names the block.
    """
    _positive(num_convs=num_convs, filters=filters)
    if len(input_shape) != 3:
        raise ValueError(f"input_shape is (height, width, channels), got {input_shape!r}.")
    height, width, channels = input_shape
    _positive(height=height, width=width, channels=channels)
    if num_convs > 4:
        raise ValueError(f"draw_vgg_block draws up to 4 convolutions side by side, got num_convs={num_convs}.")
    if min(height, width) < 2:
        raise ValueError(f"A 2x2 pooling needs at least 2x2 pixels, got input_shape={input_shape!r}.")

    step = 2.7                                  # distance between box centres, in canvas units
    boxes = num_convs + 3                       # input, convolutions, pooling, output
    canvas_width = step * (boxes - 1) + 2.0     # 9.6 inches wide with two convolutions, 13.6 with four
    fig, ax = diagram_axes(canvas_width, 3.0, inches_per_unit=0.75)
    y = 1.9
    centres = [1.0 + step * k for k in range(boxes)]
    labels = ([f"input\n{_shape(height, width, channels)}"]
              + [f"conv{k}: 3x3\n{filters} filters\nReLU" for k in range(1, num_convs + 1)]
              + ["max pool 2x2\nstride 2", f"output\n{_shape(height // 2, width // 2, filters)}"])
    colours = [_TENSOR] + [_CONV] * num_convs + [_POOL, _TENSOR]
    edges = [add_box(ax, (x, y), text, colour=colour, width=1.8, height=1.05, fontsize=9.5)
             for x, text, colour in zip(centres, labels, colours)]
    for left_box, right_box in zip(edges[:-1], edges[1:]):
        add_arrow(ax, (left_box[2], y), (right_box[0], y))
    # Under each layer, the shape of what it outputs: the channels change at conv1, the size at the pooling.
    out_shapes = [_shape(height, width, filters)] * num_convs + [_shape(height // 2, width // 2, filters)]
    for x, shape in zip(centres[1:-1], out_shapes):
        ax.text(x, y - 0.7, f"out {shape}", ha="center", va="top", fontsize=8.5, color="0.3")
    if num_convs > 1:
        window = 2 * num_convs + 1
        ax.text(canvas_width / 2, 0.35,
                f"{num_convs} stacked 3x3 convolutions see a {window}x{window} window: {9 * num_convs} weights per "
                f"channel pair, against {window * window} for one {window}x{window} kernel",
                ha="center", va="center", fontsize=9, color=STRONG["blue"])
    ax.set_title(title or f"A VGG block: {num_convs} x (3x3 convolution, 'same' padding, ReLU), then 2x2 max pooling",
                 fontsize=11)
    return fig


def draw_inception_module(f1: int = 64, f3_reduce: int = 96, f3: int = 128, f5_reduce: int = 16, f5: int = 32,
                          pool_proj: int = 32, input_shape: tuple[int, int, int] = (28, 28, 192),
                          title: str | None = None) -> Figure:
    """The inception module's four parallel branches and their concatenation, with filter counts.

    Branches, top to bottom: a 1x1 convolution; a 1x1 reduce then a 3x3 convolution; a 1x1 reduce
    then a 5x5 convolution; a 3x3 max pooling of stride 1 then a 1x1 projection. Every branch keeps
    height and width, so the four outputs stack along the channels: the output has
    ``f1 + f3 + f5 + pool_proj`` channels. The defaults are GoogLeNet's module 3a.

    Args:
        f1, f3_reduce, f3, f5_reduce, f5, pool_proj: filters of the module's convolutions, in the
            order of the inception_module exercise.
        input_shape: ``(height, width, channels)`` of the module's input, in pixels and channels.
        title: the figure's title; by default it gives the output's channel sum.
    """
    _positive(f1=f1, f3_reduce=f3_reduce, f3=f3, f5_reduce=f5_reduce, f5=f5, pool_proj=pool_proj)
    if len(input_shape) != 3:
        raise ValueError(f"input_shape is (height, width, channels), got {input_shape!r}.")
    height, width, channels = input_shape
    _positive(height=height, width=width, channels=channels)

    fig, ax = diagram_axes(13.0, 6.6, inches_per_unit=10 / 13.0)
    rows = [5.2, 3.8, 2.4, 1.0]                 # y of the four branches, top to bottom
    first_x, second_x, box_w, box_h = 4.3, 7.0, 2.1, 0.95
    branches = [
        [("1x1 conv\n" + f"{f1} filters", _ONE_BY_ONE)],
        [("1x1 conv (reduce)\n" + f"{f3_reduce} filters", _ONE_BY_ONE), ("3x3 conv\n" + f"{f3} filters", _CONV)],
        [("1x1 conv (reduce)\n" + f"{f5_reduce} filters", _ONE_BY_ONE), ("5x5 conv\n" + f"{f5} filters", _CONV)],
        [("max pool 3x3\nstride 1, same", _POOL), ("1x1 conv (project)\n" + f"{pool_proj} filters", _ONE_BY_ONE)],
    ]
    branch_channels = [f1, f3, f5, pool_proj]

    input_edges = add_box(ax, (1.1, 3.1), f"input\n{_shape(height, width, channels)}", colour=_TENSOR,
                           width=1.8, height=1.1, fontsize=9.5)
    total = sum(branch_channels)
    concat_edges = add_box(ax, (10.9, 3.1), f"concatenate\nalong channels\n{f1}+{f3}+{f5}+{pool_proj}\n= {total}",
                            colour=_CONCAT, width=2.0, height=2.1, fontsize=9.5)
    for y, branch, out_channels in zip(rows, branches, branch_channels):
        xs = [first_x, second_x][:len(branch)]
        edges = [add_box(ax, (x, y), text, colour=colour, width=box_w, height=box_h, fontsize=9)
                 for x, (text, colour) in zip(xs, branch)]
        add_arrow(ax, (input_edges[2], 3.1), (edges[0][0], y))
        if len(edges) == 2:
            add_arrow(ax, (edges[0][2], y), (edges[1][0], y))
        add_arrow(ax, (edges[-1][2], y), (concat_edges[0], 3.1 + (y - 3.1) * 0.35))
        # Under the branch's last layer, the shape it hands to the concatenation.
        ax.text((edges[-1][0] + edges[-1][2]) / 2, edges[-1][1] - 0.04, f"out {_shape(height, width, out_channels)}",
                ha="center", va="top", fontsize=8, color="0.3")
    ax.text(10.9, 1.75, f"output {_shape(height, width, total)}", ha="center", va="top", fontsize=9.5)
    ax.set_title(title or f"An inception module: four branches side by side, {total} output channels", fontsize=11)
    return fig
