"""Figures of notebook 03: how a convolution's backward pass pairs dZ with the padded input, where
each dZ entry spreads back to, how pooling routes its gradient, im2col, the computational graph of
the notebook's NumPy network, and activation and gradient statistics through a deep plain network. Each function returns its
Figure.

The diagrams take small single-channel examples (2-D arrays) and compute what they show with the
same index names as the notebook's ``conv_backward`` (``i, j`` for kernel positions, ``h, w`` for
output positions, ``rows, cols`` for the strided slices, ``A_pad``, ``dA_pad``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from cnnkit.plot.diagram import PALETTE, STRONG, add_arrow, add_box, add_grid, diagram_axes

# One light fill per output position (h, w) or window, in reading order; black text stays readable.
_FILLS = [PALETTE[name] for name in ("blue", "orange", "green", "purple", "yellow", "sky", "vermillion")]
_PADDING = PALETTE["grey"]
_CELL = 1.0


def _fill(index: int) -> str:
    return _FILLS[index % len(_FILLS)]


def _as_2d(name: str, values) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    if values.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (one channel, no batch axis); got shape {values.shape}.")
    return values


def _conv_geometry(n_prev: tuple[int, int], W: np.ndarray, dZ: np.ndarray, stride: int, pad: int) -> None:
    """Refuse a dZ whose shape is not the convolution's output shape."""
    if stride < 1 or pad < 0:
        raise ValueError(f"stride must be at least 1 and pad at least 0; got stride={stride}, pad={pad}.")
    kh, kw = W.shape
    expected = tuple((n + 2 * pad - k) // stride + 1 for n, k in zip(n_prev, (kh, kw)))
    if dZ.shape != expected:
        raise ValueError(f"dZ has shape {dZ.shape}, but a {kh}x{kw} kernel with stride {stride} and pad {pad} "
                         f"on a {n_prev[0]}x{n_prev[1]} input gives outputs of shape {expected}.")


def _number(value: float) -> str:
    """A number for a cell: integers without a decimal point (and without a sign on zero), others with
    one decimal."""
    value = float(value) + 0.0          # adding 0.0 turns -0.0 into 0.0
    return f"{value:.0f}" if value.is_integer() else f"{value:.1f}"


def _factor(value: float) -> str:
    """A number as a factor in a written-out product: negative ones in parentheses."""
    return f"({_number(value)})" if value < 0 else _number(value)


def _padding_fills(shape: tuple[int, int], pad: int) -> list[list[str]]:
    """White cells for the input, grey for the padding around it."""
    rows, cols = shape
    return [["white" if pad <= r < rows - pad and pad <= c < cols - pad else _PADDING for c in range(cols)]
            for r in range(rows)]


def _label(ax, x: float, y: float, text: str, fontsize: float = 9, **kwargs) -> None:
    ax.text(x, y, text, ha="center", va="bottom", fontsize=fontsize, **kwargs)


def draw_conv_backward_steps(A_prev, W, dZ, stride: int, pad: int,
                             steps: Sequence[tuple[int, int]] = ((0, 0), (0, 1), (1, 1))) -> Figure:
    """The kernel-position loop of ``conv_backward``, one row of panels per step ``(i, j)``, and the result.

    At step ``(i, j)`` the weight ``W[i, j]`` met the padded input at rows ``i, i + stride, ...`` and
    columns ``j, j + stride, ...``: the strided slice ``seen = A_pad[rows, cols]``, one cell per output
    position ``(h, w)``. Each cell is filled with the colour of the dZ entry it pairs with. Then
    ``dW[i, j] = sum(seen * dZ)`` and ``dA_pad[rows, cols] += dZ * W[i, j]``. The last row shows the
    whole ``dW`` and ``dA_pad`` after every step, with ``dA_prev`` (the part inside the padding) outlined.

    Args:
        A_prev: the layer's input, shape ``(n_H_prev, n_W_prev)`` (one image, one channel).
        W: the kernel, shape ``(kh, kw)`` (one input and one output channel).
        dZ: the gradient of the loss with respect to the output, shape ``(n_H, n_W)``.
        stride, pad: the forward pass's stride and padding, in pixels.
        steps: the kernel positions ``(i, j)`` to show, in the loop's order.
    """
    A_prev, W, dZ = _as_2d("A_prev", A_prev), _as_2d("W", W), _as_2d("dZ", dZ)
    _conv_geometry(A_prev.shape, W, dZ, stride, pad)
    kh, kw = W.shape
    n_H, n_W = dZ.shape
    for i, j in steps:
        if not (0 <= i < kh and 0 <= j < kw):
            raise ValueError(f"step (i, j) = ({i}, {j}) is outside the {kh}x{kw} kernel.")
    A_pad = np.pad(A_prev, pad)
    dA_pad = np.zeros_like(A_pad)
    dW = np.zeros_like(W)
    for i in range(kh):                        # the notebook's loop, on one image and one channel
        rows = slice(i, i + stride * n_H, stride)
        for j in range(kw):
            cols = slice(j, j + stride * n_W, stride)
            dW[i, j] = np.sum(A_pad[rows, cols] * dZ)
            dA_pad[rows, cols] += dZ * W[i, j]

    side = max(A_pad.shape)                    # the panels' layout is sized for the longer side
    width = 2 * side + n_W + 10.5
    height = side + 2.2
    fig, axes = plt.subplots(len(steps) + 1, 1, figsize=(10, (len(steps) + 1) * 10 * height / width))
    dZ_fills = [[_fill(h * n_W + w) for w in range(n_W)] for h in range(n_H)]
    x_dZ = side + 1.5
    x_text = x_dZ + n_W + 3.3
    x_dA = width - side - 0.5
    top = side + 0.4
    for ax, (i, j) in zip(axes, steps):
        diagram_axes(width, height, ax=ax)
        rows, cols = range(i, i + stride * n_H, stride), range(j, j + stride * n_W, stride)
        fills = _padding_fills(A_pad.shape, pad)
        contribution = np.full(A_pad.shape, "", dtype=object)
        for h, r in enumerate(rows):
            for w, c in enumerate(cols):
                fills[r][c] = _fill(h * n_W + w)
                contribution[r, c] = _number(dZ[h, w] * W[i, j])
        add_grid(ax, A_pad, origin=(0.5, top), cell=_CELL, colours=fills, fmt="{:g}")
        _label(ax, 0.5 + side / 2, top + 0.15,
               f"seen = A_pad[rows, cols]\nrows = {i}:{i + stride * n_H}:{stride}, cols = {j}:{j + stride * n_W}:{stride}")
        add_grid(ax, dZ, origin=(x_dZ, top - (side - n_H) / 2), cell=_CELL, colours=dZ_fills, fmt="{:g}")
        _label(ax, x_dZ + n_W / 2, top - (side - n_H) / 2 + 0.15, "dZ")
        products = " + ".join(f"{_factor(A_pad[r, c])}·{_factor(dZ[h, w])}"
                              for h, r in enumerate(rows) for w, c in enumerate(cols))
        ax.text(x_text, top - side / 2 + 0.7, f"step (i, j) = ({i}, {j})", ha="center", va="center",
                fontsize=10, weight="bold")
        ax.text(x_text, top - side / 2 - 0.4,
                f"dW[{i}, {j}] = sum(seen · dZ)\n{textwrap.fill('= ' + products, 28)}\n= {_number(dW[i, j])}",
                ha="center", va="center", fontsize=9)
        add_grid(ax, contribution, origin=(x_dA, top), cell=_CELL, colours=fills, fmt="{}")
        _label(ax, x_dA + side / 2, top + 0.15, f"dA_pad[rows, cols] += dZ · W[{i}, {j}]\n(W[{i}, {j}] = "
               f"{_number(W[i, j])})")

    ax = axes[-1]
    diagram_axes(width, height, ax=ax)
    add_grid(ax, W, origin=(0.5, top - (side - kh) / 2), cell=_CELL, fmt="{:g}")
    _label(ax, 0.5 + kw / 2, top - (side - kh) / 2 + 0.15, "W")
    x_dW = 0.5 + kw + 1.5
    add_grid(ax, dW, origin=(x_dW, top - (side - kh) / 2), cell=_CELL, fmt="{:g}",
              highlight=[(i, j, 1, 1) for i, j in steps], highlight_colour=STRONG["blue"])
    _label(ax, x_dW + kw / 2, top - (side - kh) / 2 + 0.15, f"dW after all {kh * kw} steps\n(the steps above outlined)")
    add_grid(ax, dA_pad, origin=(x_dA, top), cell=_CELL, colours=_padding_fills(A_pad.shape, pad), fmt="{:g}",
              highlight=[(pad, pad, A_prev.shape[0], A_prev.shape[1])], highlight_colour=STRONG["vermillion"])
    _label(ax, x_dA + side / 2, top + 0.15, f"dA_pad after all steps; outlined:\n"
           f"dA_prev = dA_pad[{pad}:{pad + A_prev.shape[0]}, {pad}:{pad + A_prev.shape[1]}]")
    ax.text((x_dW + kw + x_dA) / 2, top - side / 2,
            "grey: the padding; its gradient\nis cropped away, since the\npadding is not part of the input", ha="center", va="center",
            fontsize=9)
    fig.suptitle(f"conv_backward, loop over kernel positions (i, j): stride {stride}, pad {pad}, "
                 f"{kh}x{kw} kernel", fontsize=11)
    fig.tight_layout()
    return fig


def draw_conv_backward_spread(W, dZ, stride: int, pad: int, input_shape: tuple[int, int]) -> Figure:
    """Where each dZ entry goes in dA_pad: the same result as the kernel-position loop, seen per output.

    Output ``(h, w)`` was computed from the window ``A_pad[h*stride : h*stride + kh, w*stride : w*stride + kw]``,
    so its gradient ``dZ[h, w]`` spreads back over that window as ``W * dZ[h, w]``. Windows overlap when
    ``stride < kh``; the last panel adds them up, which is ``dA_pad``.

    Args:
        W: the kernel, shape ``(kh, kw)``.
        dZ: the gradient of the loss with respect to the output, shape ``(n_H, n_W)``.
        stride, pad: the forward pass's stride and padding, in pixels.
        input_shape: ``(n_H_prev, n_W_prev)``, the shape of the layer's input.
    """
    W, dZ = _as_2d("W", W), _as_2d("dZ", dZ)
    _conv_geometry(tuple(input_shape), W, dZ, stride, pad)
    kh, kw = W.shape
    n_H, n_W = dZ.shape
    pad_shape = (input_shape[0] + 2 * pad, input_shape[1] + 2 * pad)
    panels = n_H * n_W + 2
    ncols = 3
    nrows = -(-panels // ncols)
    side = max(pad_shape)
    fig, axes = plt.subplots(nrows, ncols, figsize=(10, nrows * 10 / ncols * (side + 2.2) / (side + 1)))
    axes = np.atleast_1d(axes).ravel()
    for ax in axes:
        diagram_axes(side + 1, side + 2.2, ax=ax)
    top = side + 0.5
    add_grid(axes[0], dZ, origin=(0.5 + (side - n_W) / 2, top - (side - n_H) / 2), cell=_CELL, fmt="{:g}",
              colours=[[_fill(h * n_W + w) for w in range(n_W)] for h in range(n_H)])
    _label(axes[0], 0.5 + side / 2, top - (side - n_H) / 2 + 0.15, "dZ: one colour per output (h, w)")
    dA_pad = np.zeros(pad_shape)
    for h in range(n_H):
        for w in range(n_W):
            ax = axes[1 + h * n_W + w]
            window = (slice(h * stride, h * stride + kh), slice(w * stride, w * stride + kw))
            spread = np.full(pad_shape, "", dtype=object)
            spread[window] = np.vectorize(_number)(W * dZ[h, w])
            dA_pad[window] += W * dZ[h, w]
            fills = _padding_fills(pad_shape, pad)
            for r in range(window[0].start, window[0].stop):
                for c in range(window[1].start, window[1].stop):
                    fills[r][c] = _fill(h * n_W + w)
            add_grid(ax, spread, origin=(0.5, top), cell=_CELL, colours=fills, fmt="{}")
            _label(ax, 0.5 + side / 2, top + 0.15, f"dZ[{h}, {w}] = {_number(dZ[h, w])} spreads as\n"
                   f"W · dZ[{h}, {w}] over its window")
    ax = axes[panels - 1]
    add_grid(ax, dA_pad, origin=(0.5, top), cell=_CELL, colours=_padding_fills(pad_shape, pad), fmt="{:g}",
              highlight=[(pad, pad, input_shape[0], input_shape[1])], highlight_colour=STRONG["vermillion"])
    _label(ax, 0.5 + side / 2, top + 0.15, "sum of the windows: dA_pad\n(outlined: dA_prev, after the crop)")
    for ax in axes[panels:]:
        ax.set_visible(False)
    fig.suptitle(f"The same dA_pad, per output position: stride {stride}, pad {pad}, {kh}x{kw} kernel "
                 "(overlaps add up)", fontsize=11)
    fig.tight_layout()
    return fig


def draw_pool_backward(A_prev, dA, gradients: Mapping[str, np.ndarray], f: int, stride: int) -> Figure:
    """A pooling layer's input with its windows, the output's gradient dA, and where backward passes send it.

    Every window and the dA entry it produced share a fill colour; in each gradient panel the cells that
    receive something are outlined.

    Args:
        A_prev: the pooling layer's input, shape ``(n_H_prev, n_W_prev)``.
        dA: the gradient of the loss with respect to the pooling output, shape ``(n_H, n_W)``.
        gradients: ``{title: dA_prev}``, each ``dA_prev`` shaped like ``A_prev``, e.g. from max and
            average pooling's backward passes.
        f, stride: window side and stride, in pixels. Windows must not overlap (``stride >= f``), so
            that each cell has one colour.
    """
    A_prev, dA = _as_2d("A_prev", A_prev), _as_2d("dA", dA)
    if stride < f:
        raise ValueError(f"draw_pool_backward colours each window, so windows must not overlap: stride {stride} < f {f}.")
    n_H, n_W = dA.shape
    if (n_H, n_W) != ((A_prev.shape[0] - f) // stride + 1, (A_prev.shape[1] - f) // stride + 1):
        raise ValueError(f"dA has shape {dA.shape}, which is not the output shape of {f}x{f} pooling with stride "
                         f"{stride} on a {A_prev.shape} input.")
    fills = [["white"] * A_prev.shape[1] for _ in range(A_prev.shape[0])]
    for h in range(n_H):
        for w in range(n_W):
            for r in range(h * stride, h * stride + f):
                for c in range(w * stride, w * stride + f):
                    fills[r][c] = _fill(h * n_W + w)
    side = A_prev.shape[1]
    panel = side + 1.6
    width = panel * (1 + len(gradients)) + n_W + 1.5
    height = A_prev.shape[0] + 2.2
    fig, ax = diagram_axes(width, height, inches_per_unit=10 / width)
    top = A_prev.shape[0] + 0.4
    add_grid(ax, A_prev, origin=(0.5, top), cell=_CELL, colours=fills, fmt="{:g}")
    _label(ax, 0.5 + side / 2, top + 0.15, f"A_prev, {f}x{f} windows\nstride {stride}")
    x = 0.5 + panel
    add_grid(ax, dA, origin=(x, top - (A_prev.shape[0] - n_H) / 2), cell=_CELL, fmt="{:g}",
              colours=[[_fill(h * n_W + w) for w in range(n_W)] for h in range(n_H)])
    _label(ax, x + n_W / 2, top - (A_prev.shape[0] - n_H) / 2 + 0.15, "dA")
    x += n_W + 1.2
    for title, gradient in gradients.items():
        gradient = _as_2d(title, gradient)
        if gradient.shape != A_prev.shape:
            raise ValueError(f"gradient {title!r} has shape {gradient.shape}, expected A_prev's {A_prev.shape}.")
        receiving = [(r, c, 1, 1) for r, c in zip(*np.nonzero(gradient))]
        add_grid(ax, np.vectorize(_number)(gradient), origin=(x, top), cell=_CELL, colours=fills, fmt="{}",
                  highlight=receiving, highlight_colour=STRONG["vermillion"])
        _label(ax, x + side / 2, top + 0.15, textwrap.fill(title, 18, break_long_words=False))
        x += panel
    return fig


def draw_im2col(A, W, stride: int, shown: Sequence[int] = (0, 1)) -> Figure:
    """im2col on one small channel: every window becomes a row, so that a convolution is one matrix product.

    The windows listed in ``shown`` (numbered in reading order) are filled in the input and in their rows;
    the last one is also outlined, so that where two of them overlap one sees the values copied into both rows.

    Args:
        A: the (already padded) input, shape ``(n_H_pad, n_W_pad)``.
        W: the kernel, shape ``(f, f)``; it is flattened into one column in the same reading order.
        stride: the step between windows, in pixels.
        shown: the window numbers to colour.
    """
    A, W = _as_2d("A", A), _as_2d("W", W)
    f = W.shape[0]
    if W.shape != (f, f) or f > min(A.shape):
        raise ValueError(f"W must be a square kernel no larger than A {A.shape}; got shape {W.shape}.")
    windows = np.lib.stride_tricks.sliding_window_view(A, (f, f))[::stride, ::stride]
    n_H, n_W = windows.shape[:2]
    columns = windows.reshape(n_H * n_W, f * f)
    if not shown or any(not 0 <= k < len(columns) for k in shown):
        raise ValueError(f"shown lists window numbers 0 to {len(columns) - 1}; got {list(shown)}.")
    rows_total = len(columns)
    height = rows_total + 2.2
    width = A.shape[1] + f * f + n_W + 9.5
    fig, ax = diagram_axes(width, height, inches_per_unit=min(0.5, 10 / width))
    top = rows_total + 0.5
    input_fills = [["white"] * A.shape[1] for _ in range(A.shape[0])]
    row_fills = [["white"] * (f * f) for _ in range(rows_total)]
    for colour_index, k in enumerate(shown):
        h, w = divmod(k, n_W)
        for r in range(h * stride, h * stride + f):
            for c in range(w * stride, w * stride + f):
                # A cell in two shown windows keeps the first one's fill; the outline marks the last window.
                if input_fills[r][c] == "white":
                    input_fills[r][c] = _fill(colour_index)
        row_fills[k] = [_fill(colour_index)] * (f * f)
    y_input = top - (rows_total - A.shape[0]) / 2
    h_last, w_last = divmod(shown[-1], n_W)
    add_grid(ax, A, origin=(0.5, y_input), cell=_CELL, colours=input_fills, fmt="{:g}",
              highlight=[(h_last * stride, w_last * stride, f, f)])
    _label(ax, 0.5 + A.shape[1] / 2, y_input + 0.15, f"input, {f}x{f} windows,\nstride {stride}")
    x_matrix = A.shape[1] + 2.5
    add_arrow(ax, (A.shape[1] + 0.7, top - rows_total / 2), (x_matrix - 0.2, top - rows_total / 2))
    add_grid(ax, columns, origin=(x_matrix, top), cell=_CELL, colours=row_fills, fmt="{:g}",
              highlight=[(shown[-1], 0, 1, f * f)])
    _label(ax, x_matrix + f * f / 2, top + 0.15, f"one row per window\n({rows_total} x {f * f})")
    x_w = x_matrix + f * f + 1.2
    ax.text(x_w - 0.6, top - rows_total / 2, "@", ha="center", va="center", fontsize=12)
    add_grid(ax, W.reshape(f * f, 1), origin=(x_w, top - (rows_total - f * f) / 2), cell=_CELL, fmt="{:g}",
              colours=[[PALETTE["yellow"]]] * (f * f))
    _label(ax, x_w + 0.5, top - (rows_total - f * f) / 2 + 0.15, "W as\na column")
    x_out = x_w + 2.2
    ax.text(x_out - 0.6, top - rows_total / 2, "=", ha="center", va="center", fontsize=12)
    Z = (columns @ W.reshape(f * f)).reshape(n_H, n_W)
    add_grid(ax, Z, origin=(x_out, top - (rows_total - n_H) / 2), cell=_CELL, fmt="{:g}")
    _label(ax, x_out + n_W / 2, top - (rows_total - n_H) / 2 + 0.15, f"Z, the {rows_total} results\n"
           f"reshaped to {n_H} x {n_W}")
    return fig


class GraphStep(NamedTuple):
    """One node of a computational graph, in forward order.

    Attributes:
        operation: what the node computes, e.g. ``"conv 3x3, 8 filters"``.
        output: the name of the array it produces, e.g. ``"Z1"``.
        shape: that array's shape (``()`` for a scalar loss).
        gradient: the name of the loss's gradient with respect to ``output``, e.g. ``"dZ1"``; None for the loss.
        params: the node's parameters, e.g. ``"W1, b1"``, or None.
    """

    operation: str
    output: str
    shape: tuple
    gradient: str | None = None
    params: str | None = None


def draw_computational_graph(steps: Sequence[GraphStep], title: str | None = None) -> Figure:
    """A network's computational graph, top to bottom: forward arrows (down, left) carry each array and its
    shape, backward arrows (up, right) carry the loss's gradient with respect to that array; parameters
    sit on the right, with the gradients the SGD step uses.

    Args:
        steps: the nodes in forward order; the first is the input, the last the loss.
        title: a title above the graph.
    """
    if len(steps) < 2:
        raise ValueError(f"A computational graph needs an input and at least one operation; got {len(steps)} steps.")
    spacing = 1.15
    height = len(steps) * spacing + 0.6
    width = 11.0
    fig, ax = diagram_axes(width, height, inches_per_unit=0.62)
    x_box, box_width, box_height, x_params = 5.0, 4.2, 0.5, 9.7
    centres = [height - 0.55 - k * spacing for k in range(len(steps))]
    colours = {"input": PALETTE["grey"], "loss": PALETTE["vermillion"]}
    for k, (step, y) in enumerate(zip(steps, centres)):
        kind = "input" if k == 0 else "loss" if k == len(steps) - 1 else "op"
        text = f"{step.operation} → {step.output}" if kind == "loss" else step.operation
        add_box(ax, (x_box, y), text, colour=colours.get(kind, PALETTE["sky"]), width=box_width,
                 height=box_height, fontsize=9)
        if step.params:
            left, _, _, _ = add_box(ax, (x_params, y), step.params, colour=PALETTE["yellow"], width=1.6,
                                     height=box_height)
            add_arrow(ax, (left, y + 0.1), (x_box + box_width / 2 + 0.05, y + 0.1), colour=STRONG["blue"])
            add_arrow(ax, (x_box + box_width / 2 + 0.05, y - 0.1), (left, y - 0.1), colour=STRONG["vermillion"])
            grads = ", ".join("d" + name.strip() for name in step.params.split(","))
            ax.text((x_box + box_width / 2 + left) / 2, y - 0.17, grads, ha="center", va="top", fontsize=8.5,
                    color=STRONG["vermillion"])
        if k + 1 < len(steps):
            y_from, y_to = y - box_height / 2 - 0.03, centres[k + 1] + box_height / 2 + 0.03
            add_arrow(ax, (x_box - 0.5, y_from), (x_box - 0.5, y_to), colour=STRONG["blue"])
            shape = "(" + ", ".join(str(n) for n in step.shape) + (",)" if len(step.shape) == 1 else ")")
            ax.text(x_box - 0.65, (y_from + y_to) / 2, f"{step.output} {shape}", ha="right", va="center",
                    fontsize=8.5, color=STRONG["blue"])
            if step.gradient and k > 0:
                add_arrow(ax, (x_box + 0.5, y_to), (x_box + 0.5, y_from), colour=STRONG["vermillion"])
                ax.text(x_box + 0.65, (y_from + y_to) / 2, step.gradient, ha="left", va="center", fontsize=8.5,
                        color=STRONG["vermillion"])
    ax.text(0.2, 0.15, "blue, down: forward (array, shape)\nvermillion, up: backward (gradient of the loss)",
            ha="left", va="bottom", fontsize=8.5)
    if title:
        ax.set_title(title, fontsize=11)
    return fig


def plot_layer_statistics(statistics: Mapping[str, Mapping[str, Mapping[str, np.ndarray]]],
                          title: str | None = None) -> Figure:
    """Per-layer statistics of deep networks, one row of panels per activation, one column per statistic,
    one curve per initialisation, on a log scale.

    Args:
        statistics: ``{activation: {initialisation: {statistic: values}}}``, ``values`` a 1-D array with
            one number per layer (layer 1 first), e.g. the standard deviation of the activations.
            Every activation has the same initialisations and statistics.
        title: a title above the panels.
    """
    activations = list(statistics)
    if not activations:
        raise ValueError("statistics is empty: give {activation: {initialisation: {statistic: values}}}.")
    inits = list(statistics[activations[0]])
    names = list(statistics[activations[0]][inits[0]])
    fig, axes = plt.subplots(len(activations), len(names), figsize=(10, 3.3 * len(activations)), squeeze=False)
    # Colour and marker both tell the curves apart, for readers who cannot tell the colours apart.
    line_styles = [(STRONG[colour], marker) for colour, marker in
                   (("vermillion", "o"), ("blue", "s"), ("green", "^"), ("purple", "D"), ("orange", "v"), ("sky", "x"))]
    for row, activation in enumerate(activations):
        for col, name in enumerate(names):
            ax = axes[row, col]
            for k, init in enumerate(inits):
                values = np.asarray(statistics[activation][init][name], dtype=float)
                layers = np.arange(1, len(values) + 1)
                # A statistic of exactly 0 (or a NaN from an overflow) has no place on a log axis.
                shown = np.where(np.isfinite(values) & (values > 0), values, np.nan)
                colour, marker = line_styles[k % len(line_styles)]
                ax.plot(layers, shown, marker=marker, markersize=3.5, color=colour, label=init)
            ax.set_yscale("log")
            ax.set_xlabel("layer")
            ax.set_ylabel(name)
            ax.set_title(f"{activation}: {name}", fontsize=10)
            ax.grid(alpha=0.3)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(inits), fontsize=9, title="initialisation",
               title_fontsize=9, bbox_to_anchor=(0.5, 0.0))
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout(rect=(0, 0.12 / len(activations), 1, 1))
    return fig


def plot_sgd_steps(learning_rates: Sequence[float], start: float = 1.0, steps: int = 6) -> Figure:
    """Gradient descent on the loss L(w) = w ** 2, one panel per learning rate.

    The gradient is 2 w, so a step ``w <- w - lr * 2 w`` multiplies w by ``1 - 2 lr``: below lr = 0.5 the
    steps shrink towards the minimum from one side, between 0.5 and 1 they overshoot it and come back, above
    1 every step lands further away.

    Args:
        learning_rates: the learning rates to compare, one panel each (positive numbers).
        start: the first value of w.
        steps: how many SGD steps to draw.
    """
    if not learning_rates or any(lr <= 0 for lr in learning_rates):
        raise ValueError(f"learning_rates must be positive numbers; got {list(learning_rates)}.")
    fig, axes = plt.subplots(1, len(learning_rates), figsize=(10, 3.2), sharey=True, squeeze=False)
    for ax, lr in zip(axes[0], learning_rates):
        path = start * (1 - 2 * lr) ** np.arange(steps + 1)
        reach = max(1.2 * np.abs(path).max(), 1.2 * abs(start))
        w = np.linspace(-reach, reach, 200)
        ax.plot(w, w ** 2, color=STRONG["grey"], linewidth=1)
        ax.plot(path, path ** 2, "o", color=STRONG["blue"], markersize=4)
        for before, after in zip(path[:-1], path[1:]):
            add_arrow(ax, (before, before ** 2), (after, after ** 2), colour=STRONG["vermillion"])
        ax.set_xlabel("weight w")
        ax.set_title(f"lr = {lr:g}: w times {1 - 2 * lr:.2f} per step", fontsize=10)
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel("loss L(w) = w²")
    fig.tight_layout()
    return fig
