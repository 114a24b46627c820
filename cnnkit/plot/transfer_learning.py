"""Figures of notebook 12: how a depthwise-separable convolution splits the work of a standard one,
the shape of MobileNetV2's inverted residual block, the few-label experiment, linear probes by depth
and accuracy against the number of labels. Each function returns its Figure."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle

from cnnkit.plot.diagram import PALETTE, STRONG, add_arrow

_INPUT, _FILTER, _OUTPUT = PALETTE["blue"], PALETTE["orange"], PALETTE["green"]


def _stack(ax, x, y, count, colour, width=0.5, height=1.4, step=0.12, label=None):
    """``count`` slices drawn as a stack of offset rectangles, front slice at (x, y)."""
    for k in reversed(range(count)):
        ax.add_patch(Rectangle((x + k * step, y + k * step), width, height, facecolor=colour, edgecolor="0.25", lw=0.8))
    if label:
        ax.text(x + width / 2 + (count - 1) * step / 2, y - 0.3, label, ha="center", va="top", fontsize=9)


def draw_depthwise_vs_standard(c_in: int = 4, c_out: int = 6, kernel: int = 3) -> Figure:
    """A standard convolution next to its depthwise-separable replacement, with their weight counts.

    Top: each of the ``c_out`` filters of a standard convolution spans all ``c_in`` channels
    (k * k * c_in weights each). Bottom: a depthwise convolution gives each input channel its own
    k x k filter (no mixing), then a 1x1 pointwise convolution mixes the channels.
    """
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 6.2))
    for ax in (top, bottom):
        ax.set_xlim(0, 12)
        ax.set_ylim(-1.2, 2.6)
        ax.axis("off")
    standard = kernel * kernel * c_in * c_out
    depthwise, pointwise = kernel * kernel * c_in, c_in * c_out
    _stack(top, 0.5, 0.3, c_in, _INPUT, label=f"input\n{c_in} channels")
    add_arrow(top, (1.6, 1.0), (3.4, 1.0))
    for k in range(c_out):
        _stack(top, 3.6 + 0.75 * k, 0.6, c_in, _FILTER, width=0.35, height=0.35, step=0.07)
    top.text(5.8, 0.2, f"{c_out} filters, each {kernel}x{kernel}x{c_in}: every filter sees every channel",
             ha="center", va="top", fontsize=9)
    add_arrow(top, (8.3, 1.0), (9.6, 1.0))
    _stack(top, 9.8, 0.3, c_out, _OUTPUT, label=f"output\n{c_out} channels")
    top.set_title(f"standard {kernel}x{kernel} convolution: {kernel}·{kernel}·{c_in}·{c_out} = {standard} weights",
                  fontsize=11)

    _stack(bottom, 0.2, 0.3, c_in, _INPUT, label=f"input\n{c_in} channels")
    add_arrow(bottom, (1.3, 1.0), (2.3, 1.0))
    for k in range(c_in):
        bottom.add_patch(Rectangle((2.5 + 0.5 * k, 0.8), 0.35, 0.35, facecolor=_FILTER, edgecolor="0.25"))
    bottom.text(3.4, 0.55, f"depthwise: one {kernel}x{kernel} filter\nper channel ({depthwise} weights)",
                ha="center", va="top", fontsize=9)
    add_arrow(bottom, (4.6, 1.0), (5.5, 1.0))
    _stack(bottom, 5.7, 0.3, c_in, _INPUT, label=f"{c_in} filtered\nchannels")
    add_arrow(bottom, (6.8, 1.0), (7.7, 1.0))
    for k in range(c_out):
        _stack(bottom, 7.9 + 0.3 * k, 0.85, c_in, _FILTER, width=0.12, height=0.12, step=0.05)
    bottom.text(8.7, 0.55, f"pointwise: {c_out} filters 1x1x{c_in}\nmix the channels ({pointwise} weights)",
                ha="center", va="top", fontsize=9)
    add_arrow(bottom, (9.9, 1.0), (10.5, 1.0))
    _stack(bottom, 10.6, 0.3, c_out, _OUTPUT, width=0.4, label=f"output\n{c_out} channels")
    bottom.set_title(f"depthwise-separable: {depthwise} + {pointwise} = {depthwise + pointwise} weights "
                     f"({(depthwise + pointwise) / standard:.0%} of the standard convolution)", fontsize=11)
    fig.tight_layout()
    return fig


def _block_diagram(ax, widths: Sequence[int], labels: Sequence[str], colours: Sequence[str], title: str):
    """Tensors as boxes whose heights grow with their channel counts, the layers between them, a shortcut."""
    scale = 2.4 / max(widths)
    xs = np.linspace(0.6, 8.4, len(widths))
    for x, width, colour in zip(xs, widths, colours):
        height = max(width * scale, 0.15)
        ax.add_patch(Rectangle((x - 0.3, 1.5 - height / 2), 0.6, height, facecolor=colour, edgecolor="0.25"))
        ax.text(x, 1.5 - height / 2 - 0.12, f"{width} ch", ha="center", va="top", fontsize=8.5)
    for (left, right), label in zip(zip(xs[:-1], xs[1:]), labels):
        add_arrow(ax, (left + 0.35, 1.5), (right - 0.35, 1.5))
        ax.text((left + right) / 2, 1.65, label, ha="center", va="bottom", fontsize=8.5)
    # The shortcut runs above the tallest box, from the block's input to its output.
    top = 1.5 + max(widths) * scale / 2 + 0.25
    start, end = 1.5 + widths[0] * scale / 2, 1.5 + widths[-1] * scale / 2
    ax.plot([xs[0], xs[0], xs[-1]], [start, top, top], color=STRONG["vermillion"], lw=1.2)
    red_arrow = dict(arrowstyle="-|>", mutation_scale=12, color=STRONG["vermillion"])
    ax.add_patch(FancyArrowPatch((xs[-1], top), (xs[-1], end), **red_arrow))
    ax.text(4.5, top + 0.06, "shortcut: + input", ha="center", va="bottom", color=STRONG["vermillion"], fontsize=9)
    ax.set_xlim(0, 9)
    ax.set_ylim(-0.1, top + 0.45)
    ax.axis("off")
    ax.set_title(title, fontsize=11)


def draw_inverted_residual(channels: int = 24, expansion: int = 6, bottleneck: int = 4) -> Figure:
    """ResNet's bottleneck block (wide -> narrow -> wide) against MobileNetV2's inverted residual block
    (narrow -> wide -> narrow, a linear projection at the end); box heights follow the channel counts."""
    fig, (resnet, mobilenet) = plt.subplots(2, 1, figsize=(10, 6.5))
    wide = channels * bottleneck
    _block_diagram(resnet, [wide, channels, channels, wide],
                   ["1x1 reduce, ReLU", "3x3 conv, ReLU", "1x1 expand, then + input, ReLU"],
                   [_OUTPUT, _INPUT, _INPUT, _OUTPUT],
                   f"ResNet bottleneck: wide -> narrow -> wide (the shortcut joins the wide ends, {wide} ch)")
    hidden = channels * expansion
    _block_diagram(mobilenet, [channels, hidden, hidden, channels],
                   [f"1x1 expand x{expansion}, ReLU6", "3x3 depthwise, ReLU6", "1x1 project, LINEAR"],
                   [_INPUT, _OUTPUT, _OUTPUT, _INPUT],
                   f"MobileNetV2 inverted residual: narrow -> wide -> narrow (the shortcut joins the narrow ends, "
                   f"{channels} ch)")
    fig.tight_layout()
    return fig


def plot_few_label_results(results: dict[str, Sequence[float]], title: str, ylabel: str = "test accuracy",
                           chance: float | None = None) -> Figure:
    """One bar per method: the mean over seeds, each seed as a dot.

    Args:
        results: method name -> one score per seed.
        title: figure title.
        ylabel: what the scores are.
        chance: draw a dashed line at this score (e.g. 1 / number of classes).
    """
    fig, ax = plt.subplots(figsize=(max(7.0, 1.35 * len(results)), 3.8))
    names = list(results)
    means = [float(np.mean(results[name])) for name in names]
    colours = ["0.6", STRONG["blue"], STRONG["green"], STRONG["orange"], STRONG["purple"], STRONG["vermillion"]]
    ax.bar(range(len(names)), means, color=[colours[k % len(colours)] for k in range(len(names))])
    ax.set_xticks(range(len(names)), [textwrap.fill(name, 14) for name in names], fontsize=8)
    for k, name in enumerate(names):
        scores = np.asarray(results[name], dtype=float)
        ax.plot(np.full(scores.shape, k), scores, "o", color="black", ms=4)
        ax.text(k, means[k] + 0.02, f"{means[k]:.3f}", ha="center", va="bottom")
    if chance is not None:
        ax.axhline(chance, ls="--", color="0.4", lw=1)
        ax.text(len(names) - 0.5, chance + 0.01, "chance", ha="right", va="bottom", fontsize=8, color="0.3")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_probe_depths(probes: dict[str, Sequence[float]], baseline: Sequence[float], title: str,
                      baseline_label: str = "logistic regression on pixels") -> Figure:
    """Linear-probe accuracy at each depth of a network, beside a baseline: which layer transfers best.

    Args:
        probes: depth name (in network order) -> one accuracy per seed.
        baseline: the baseline's accuracy per seed, drawn as a horizontal band (min to max) and line (mean).
        title: figure title.
        baseline_label: the baseline's legend entry.
    """
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    names = list(probes)
    means = np.array([np.mean(probes[name]) for name in names])
    positions = np.arange(len(names))
    for k, name in enumerate(names):
        scores = np.asarray(probes[name], dtype=float)
        ax.plot(np.full(scores.shape, k), scores, "o", color="0.3", ms=3)
    ax.plot(positions, means, "-o", color=STRONG["blue"], lw=2, label="linear probe on pooled features")
    for k, mean in enumerate(means):
        ax.text(k, mean + 0.015, f"{mean:.3f}", ha="center", va="bottom", fontsize=8)
    base = np.asarray(baseline, dtype=float)
    ax.axhspan(base.min(), base.max(), color=STRONG["orange"], alpha=0.2, lw=0)
    ax.axhline(base.mean(), color=STRONG["orange"], ls="--", lw=1.5, label=f"{baseline_label} ({base.mean():.3f})")
    ax.set_xticks(positions, names, rotation=20, ha="right")
    ax.set_xlabel("depth of the pretrained network (input side on the left)")
    ax.set_ylabel("test accuracy")
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def plot_label_curve(labels_per_class: Sequence[int], curves: dict[str, Sequence[Sequence[float]]],
                     title: str) -> Figure:
    """Accuracy against the number of labels per class, one line per method (mean, with each seed as a dot).

    Args:
        labels_per_class: the x values.
        curves: method name -> for each x value, one accuracy per seed.
        title: figure title.
    """
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    colours = [STRONG["orange"], STRONG["blue"], STRONG["green"], STRONG["purple"]]
    for k, (name, points) in enumerate(curves.items()):
        colour = colours[k % len(colours)]
        means = [float(np.mean(scores)) for scores in points]
        ax.plot(labels_per_class, means, "-o", color=colour, lw=2, label=name)
        for x, scores in zip(labels_per_class, points):
            ax.plot(np.full(len(scores), x), scores, ".", color=colour, ms=4)
    ax.set_xscale("log")
    ax.set_xticks(list(labels_per_class), [str(n) for n in labels_per_class])
    ax.minorticks_off()
    ax.set_xlabel("labelled images per class")
    ax.set_ylabel("test accuracy")
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
