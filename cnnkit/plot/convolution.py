"""Figures of notebook 01: a kernel sliding over a padded input step by step (also as an
animation), the output-size geometry, a multi-channel kernel, and a hand-made kernel applied to a
photo. The diagrams are built from
:mod:`cnnkit.plot.diagram`'s primitives. Each function returns its matplotlib Figure, except
:func:`animate_convolution`, which returns the animation (its ``to_jshtml()`` is what a notebook shows).
Arrays are drawn with row 0 at the top, as NumPy prints them; sizes are in pixels (cells).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from cnnkit.plot.diagram import PALETTE, STRONG, add_arrow, add_box, add_grid, diagram_axes

_WINDOW = PALETTE["orange"]
_KERNEL = PALETTE["blue"]
_OUTPUT = PALETTE["green"]
_PADDING = PALETTE["grey"]


def _number(value: float) -> str:
    """A number as a product term shows it: integers without a decimal point, negatives in brackets."""
    text = f"{value:g}"
    return f"({text})" if value < 0 else text


def _validate_example(image: np.ndarray, kernel: np.ndarray, stride: int, pad: int) -> tuple[np.ndarray, np.ndarray]:
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError(f"image and kernel must be 2-D arrays; got shapes {image.shape} and {kernel.shape}.")
    if not isinstance(stride, (int, np.integer)) or stride < 1 or not isinstance(pad, (int, np.integer)) or pad < 0:
        raise ValueError(f"stride must be an int >= 1 and pad an int >= 0; got stride={stride!r}, pad={pad!r}.")
    padded = np.pad(image, pad)
    if kernel.shape[0] > padded.shape[0] or kernel.shape[1] > padded.shape[1]:
        raise ValueError(f"the {kernel.shape} kernel does not fit in the padded {padded.shape} input.")
    return padded, kernel


def _correlate(padded: np.ndarray, kernel: np.ndarray, stride: int, bias: float) -> np.ndarray:
    """Cross-correlation of a padded 2-D input (no flip), the output the figures fill in."""
    kh, kw = kernel.shape
    n_h = (padded.shape[0] - kh) // stride + 1
    n_w = (padded.shape[1] - kw) // stride + 1
    return np.array([[np.sum(padded[h * stride:h * stride + kh, w * stride:w * stride + kw] * kernel) + bias
                      for w in range(n_w)] for h in range(n_h)])


def _draw_step(ax: Axes, padded: np.ndarray, kernel: np.ndarray, bias: float, stride: int, pad: int,
               step: int, fontsize: float = 9) -> None:
    """One step of the sliding window on a canvas: padded input, kernel, product-sum, output so far."""
    output = _correlate(padded, kernel, stride, bias)
    rows, cols = padded.shape
    kh, kw = kernel.shape
    n_h, n_w = output.shape
    h, w = divmod(step, n_w)
    top, left = h * stride, w * stride

    colours = np.full(padded.shape, "white", dtype=object)
    if pad:
        colours[:pad, :] = colours[-pad:, :] = colours[:, :pad] = colours[:, -pad:] = _PADDING
    colours[top:top + kh, left:left + kw] = _WINDOW
    height = max(rows, kh + 3.2, n_h + 3.2) + 1.2
    x_kernel = cols + 1.6
    x_output = x_kernel + kw + 1.8
    diagram_axes(x_output + n_w + 0.4, height, ax=ax)
    grid_top = height - 1.0
    add_grid(ax, padded, origin=(0.2, grid_top), colours=colours, fontsize=fontsize,
              highlight=[(top, left, kh, kw)])
    ax.text(0.2 + cols / 2, grid_top + 0.15, f"input, padded by {pad}" if pad else "input", ha="center",
            va="bottom", fontsize=fontsize)
    ax.text(cols + 0.85, grid_top - kh / 2, "×", ha="center", va="center", fontsize=fontsize + 5)
    add_grid(ax, kernel, origin=(x_kernel, grid_top), colours=np.full(kernel.shape, _KERNEL, dtype=object),
              fontsize=fontsize)
    ax.text(x_kernel + kw / 2, grid_top + 0.15, "kernel", ha="center", va="bottom", fontsize=fontsize)
    add_arrow(ax, (x_kernel + kw + 0.2, grid_top - kh / 2), (x_output - 0.2, grid_top - kh / 2))

    shown = np.where(np.arange(n_h * n_w).reshape(n_h, n_w) <= step, output, np.nan)
    out_colours = np.where(np.isnan(shown), "white", _OUTPUT).astype(object)
    add_grid(ax, np.nan_to_num(shown), origin=(x_output, grid_top), colours=out_colours, fontsize=fontsize,
              highlight=[(h, w, 1, 1)])
    for r, c in zip(*np.nonzero(np.isnan(shown))):   # cells still to come: a question mark, not a 0
        ax.texts[-(n_h * n_w) + r * n_w + c].set_text("?")
    ax.text(x_output + n_w / 2, grid_top + 0.15, "output", ha="center", va="bottom", fontsize=fontsize)

    window = padded[top:top + kh, left:left + kw]
    lines = [" + ".join(f"{_number(a)}·{_number(k)}" for a, k in zip(window[i], kernel[i])) for i in range(kh)]
    sum_text = "\n+ ".join(lines) + (f"\n+ bias {_number(bias)}" if bias else "") + f"\n= {output[h, w]:g}"
    ax.text(x_kernel - 0.3, grid_top - kh - 0.5, sum_text, ha="left", va="top", fontsize=fontsize - 0.5,
            family="monospace")
    ax.set_title(f"step {step + 1}: output[{h}, {w}] from rows {top}-{top + kh - 1}, columns {left}-{left + kw - 1}",
                 fontsize=fontsize + 1)


def draw_convolution_steps(image: np.ndarray, kernel: np.ndarray, bias: float = 0.0, stride: int = 1,
                           pad: int = 0, ncols: int = 2, panel_width: float = 5.4) -> Figure:
    """A kernel sliding over a zero-padded input, one panel per output value, with the numbers.

    Each panel shows the padded input (padding in grey) with the current window outlined, the
    kernel, the element-wise products summed (plus the bias), and the output filled so far
    (cells still to come show "?"). The output is a cross-correlation: the kernel is not flipped.

    Args:
        image: ``(n_H, n_W)`` input values; small (about 4x4) so that every number stays legible.
        kernel: ``(f_H, f_W)`` weights.
        bias: added to every output value.
        stride: step between windows, in cells. pad: zero rows/columns added on each side.
        ncols: panels per row. panel_width: inches per panel.
    """
    padded, kernel = _validate_example(image, kernel, stride, pad)
    steps = _correlate(padded, kernel, stride, bias).size
    nrows = -(-steps // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_width * ncols, panel_width * 0.66 * nrows), squeeze=False)
    for step, ax in enumerate(axes.flat):
        if step < steps:
            _draw_step(ax, padded, kernel, bias, stride, pad, step)
        else:
            ax.axis("off")
    fig.suptitle(f"a {kernel.shape[0]}x{kernel.shape[1]} kernel, stride {stride}, padding {pad}: "
                 "multiply the window by the kernel, sum, add the bias", fontsize=12)
    fig.tight_layout()
    return fig


def animate_convolution(image: np.ndarray, kernel: np.ndarray, bias: float = 0.0, stride: int = 1, pad: int = 0,
                        interval_ms: int = 1200, figsize: tuple[float, float] = (7.0, 4.2)) -> FuncAnimation:
    """The same steps as :func:`draw_convolution_steps`, one frame per output value.

    Show it in a notebook with ``IPython.display.HTML(animation.to_jshtml())`` (play, pause and step
    buttons; works in Jupyter and Colab without extra packages). The figure is closed here, so the
    notebook does not also show its last frame as a still image; rendering needs no open window.

    Args:
        image, kernel, bias, stride, pad: as for :func:`draw_convolution_steps`.
        interval_ms: time between frames, in milliseconds.
        figsize: inches; with a low ``dpi`` in ``to_jshtml`` (set by ``rcParams['savefig.dpi']``) it stays small.
    """
    padded, kernel = _validate_example(image, kernel, stride, pad)
    steps = _correlate(padded, kernel, stride, bias).size
    fig, ax = plt.subplots(figsize=figsize)

    def frame(step: int) -> list:
        ax.clear()
        _draw_step(ax, padded, kernel, bias, stride, pad, step)
        return []

    frame(0)
    fig.tight_layout()
    animation = FuncAnimation(fig, frame, frames=steps, interval=interval_ms, repeat=True)
    plt.close(fig)
    return animation


def draw_output_size(cases: Sequence[tuple[int, int, int | tuple[int, int], int]] = ((7, 3, 1, 2), (8, 3, 0, 2))
                     ) -> Figure:
    """Where the windows of a convolution fit along one axis, for each ``(n, f, pad, stride)`` case.

    Each strip is the padded axis (padding in grey, cells numbered by input position); below it,
    one bar per window position, the last one that fits in vermillion, and dashed the next one,
    which would stick out: that is why the output size is ``floor((n + 2 * pad - f) / stride) + 1``
    and why input cells after the last window can go unread.

    Args:
        cases: ``(n, f, pad, stride)`` tuples: input size, kernel size, padding, stride (in cells),
            the argument order of ``conv_output_size``. ``pad`` is an int (the same on both sides)
            or a ``(before, after)`` pair, as ``same_padding`` returns for TensorFlow's "same".
    """
    if not cases:
        raise ValueError("draw_output_size needs at least one (n, f, pad, stride) case.")
    sides = [(pad, pad) if np.isscalar(pad) else tuple(pad) for _, _, pad, _ in cases]
    for (n, f, pad, stride), (before, after) in zip(cases, sides):
        if min(n, f, stride) < 1 or min(before, after) < 0 or f > n + before + after:
            raise ValueError(f"case (n={n}, f={f}, pad={pad}, stride={stride}): need n, f, stride >= 1, pad >= 0 "
                             "and a kernel no larger than the padded input.")
    lane = 0.6
    heights = [2.4 + lane * ((n + b + a - f) // stride + 2) for (n, f, _, stride), (b, a) in zip(cases, sides)]
    width = max((n + b + a) + stride + f for (n, f, _, stride), (b, a) in zip(cases, sides)) + 3.2
    fig, ax = diagram_axes(width, sum(heights), inches_per_unit=min(0.62, 10 / width))
    top = sum(heights)
    for (n, f, _, stride), (before, after), height in zip(cases, sides, heights):
        size = n + before + after
        out = (size - f) // stride + 1
        colours = np.array([[_PADDING if i < before or i >= before + n else "white" for i in range(size)]],
                           dtype=object)
        add_grid(ax, np.arange(-before, n + after)[None, :], origin=(0.3, top - 0.9), colours=colours, fontsize=9)
        for k in range(out + 1):
            y = top - 2.3 - lane * k
            fits = k < out
            colour = STRONG["vermillion"] if k == out - 1 else (STRONG["blue"] if fits else STRONG["grey"])
            x0, x1 = 0.3 + k * stride, 0.3 + k * stride + f
            ax.plot([x0 + 0.08, x1 - 0.08], [y, y], color=colour, linewidth=4 if fits else 2,
                    linestyle="-" if fits else "--", solid_capstyle="butt")
            note = f"window {k + 1}" if fits else "the next window would stick out"
            ax.text(x1 + 0.15, y, note, va="center", fontsize=9, color=colour)
        if before == after:
            formula = (rf"$n={n},\ p={before},\ f={f},\ s={stride}$:   "
                       rf"$\lfloor ({n} + 2\cdot{before} - {f}) / {stride} \rfloor + 1 = {out}$ windows")
        else:
            formula = (rf"$n={n},\ p={before}$ before and ${after}$ after$,\ f={f},\ s={stride}$:   "
                       rf"$\lfloor ({n} + {before} + {after} - {f}) / {stride} \rfloor + 1 = {out}$ windows")
        ax.text(0.3, top - 0.4, formula, va="center", fontsize=11)
        top -= height
    ax.set_title("grey cells are padding; each bar is the span of one window", fontsize=11)
    return fig


def draw_multichannel_convolution(image: np.ndarray, kernel: np.ndarray, bias: float = 0.0,
                                  position: tuple[int, int] = (0, 0)) -> Figure:
    """One filter over a multi-channel input: one kernel slice per channel, all summed into one map.

    For the window at ``position`` it writes each channel's product-sum, then adds them and the
    bias; the output is a single feature map (stride 1, no padding), its ``position`` cell outlined.

    Args:
        image: ``(n_H, n_W, n_C)`` input, small (about 4x4x3).
        kernel: ``(f, f, n_C)`` filter: one ``f x f`` slice per input channel.
        bias: the filter's one bias.
        position: ``(row, column)`` of the output value worked out.
    """
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    if image.ndim != 3 or kernel.ndim != 3 or image.shape[2] != kernel.shape[2]:
        raise ValueError(f"image (n_H, n_W, n_C) and kernel (f, f, n_C) must agree on n_C; got {image.shape} "
                         f"and {kernel.shape}.")
    n_h, n_w, channels = image.shape
    kh, kw, _ = kernel.shape
    out = np.array([[np.sum(image[r:r + kh, c:c + kw] * kernel) + bias for c in range(n_w - kw + 1)]
                    for r in range(n_h - kh + 1)])
    row, col = position
    if not (0 <= row < out.shape[0] and 0 <= col < out.shape[1]):
        raise ValueError(f"position {position} is outside the {out.shape} output.")
    fills = [PALETTE["purple"], PALETTE["green"], PALETTE["yellow"], PALETTE["sky"], PALETTE["vermillion"]]
    column = n_w + 1.4
    width = channels * column + out.shape[1] + 1.6
    height = n_h + kh + 2.9
    fig, ax = diagram_axes(width, height, inches_per_unit=min(0.6, 11 / width))
    partials = []
    for ch in range(channels):
        x = 0.3 + ch * column
        fill = np.full((n_h, n_w), fills[ch % len(fills)], dtype=object)
        add_grid(ax, image[:, :, ch], origin=(x, height - 0.7), colours=fill, highlight=[(row, col, kh, kw)])
        ax.text(x + n_w / 2, height - 0.55, f"input channel {ch}", ha="center", va="bottom", fontsize=9)
        kx = x + (n_w - kw) / 2
        add_grid(ax, kernel[:, :, ch], origin=(kx, height - n_h - 1.3),
                  colours=np.full((kh, kw), _KERNEL, dtype=object))
        ax.text(kx + kw / 2, height - n_h - 1.15, f"kernel slice {ch}", ha="center", va="bottom", fontsize=8.5)
        window = image[row:row + kh, col:col + kw, ch]
        partial = float(np.sum(window * kernel[:, :, ch]))
        partials.append(partial)
        terms = " + ".join(f"{_number(a)}·{_number(k)}" for a, k in zip(window.ravel(), kernel[:, :, ch].ravel()))
        ax.text(x + n_w / 2, height - n_h - kh - 1.6, f"{terms}\n= {partial:g}", ha="center", va="top", fontsize=8)
        if ch:
            ax.text(x - 0.7, height - 0.7 - n_h / 2, "+", ha="center", va="center", fontsize=16)
    x_out = channels * column + 1.0
    total = " + ".join(_number(p) for p in partials) + f" + bias {_number(bias)}"
    box_y = height - 0.7 - out.shape[0] - 1.6
    add_box(ax, (x_out + out.shape[1] / 2, box_y), f"{total}\n= {out[row, col]:g}", colour=PALETTE["grey"],
             width=max(2.6, 0.16 * len(total)), height=1.2, fontsize=8.5)
    add_arrow(ax, (x_out + out.shape[1] / 2, box_y + 0.65), (x_out + out.shape[1] / 2, height - 0.8 - out.shape[0]))
    add_grid(ax, out, origin=(x_out, height - 0.7), colours=np.full(out.shape, _WINDOW, dtype=object),
              highlight=[(row, col, 1, 1)])
    ax.text(x_out + out.shape[1] / 2, height - 0.55, "one feature map", ha="center", va="bottom", fontsize=9)
    ax.set_title(f"a {kh}x{kw}x{channels} filter gives ONE output value per window: the channels' sums add up",
                 fontsize=10)
    return fig



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
