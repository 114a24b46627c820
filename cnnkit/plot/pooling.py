"""Figures of notebook 02: pooling windows, the growth of the receptive field, activation
functions with their derivatives, and softmax.

Diagrams are built from :mod:`cnnkit.plot.diagram`'s primitives; each function returns its
matplotlib Figure. Arrays are drawn with row 0 at the top, as NumPy prints them.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from cnnkit.plot.diagram import PALETTE, STRONG, add_arrow, add_grid, diagram_axes


def draw_pooling(values: np.ndarray, f: int = 2) -> Figure:
    """Max and average pooling of a small grid with ``f x f`` windows and stride ``f``, numbers shown.

    Each window has its own colour, shared by the output value it gives; the maximum of each
    window is outlined.

    Args:
        values: ``(n_H, n_W)`` input, both sides multiples of ``f`` (non-overlapping windows).
        f: window size and stride, in cells.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 2 or values.shape[0] % f or values.shape[1] % f:
        raise ValueError(f"values must be 2-D with sides that are multiples of f={f}; got shape {values.shape}.")
    n_h, n_w = values.shape
    out_h, out_w = n_h // f, n_w // f
    windows = values.reshape(out_h, f, out_w, f).transpose(0, 2, 1, 3).reshape(out_h, out_w, f * f)
    hues = [PALETTE[name] for name in ("blue", "orange", "green", "purple", "sky", "vermillion", "yellow", "grey")]
    out_colours = np.array([[hues[(r * out_w + c) % len(hues)] for c in range(out_w)] for r in range(out_h)],
                           dtype=object)
    in_colours = out_colours.repeat(f, axis=0).repeat(f, axis=1)
    maxima = []
    for r in range(out_h):
        for c in range(out_w):
            i = int(np.argmax(windows[r, c]))
            maxima.append((r * f + i // f, c * f + i % f, 1, 1))
    gap = out_h + 1.0
    height = max(n_h, out_h + gap) + 1.0
    width = n_w + out_w + 3.6
    fig, ax = diagram_axes(width, height, inches_per_unit=min(0.75, 9 / width))
    top = height - 0.6
    add_grid(ax, values, origin=(0.3, top), colours=in_colours, highlight=maxima)
    ax.text(0.3 + n_w / 2, top + 0.1, f"input {n_h}x{n_w}", ha="center", va="bottom", fontsize=10)
    x_out = n_w + 2.8
    for k, (mode, result) in enumerate([("max", windows.max(axis=2)), ("average", windows.mean(axis=2))]):
        y = top - k * gap
        add_grid(ax, result, origin=(x_out, y), colours=out_colours, fmt="{:.4g}")
        ax.text(x_out + out_w / 2, y + 0.1, f"{mode} pool {f}x{f}, stride {f}", ha="center", va="bottom", fontsize=10)
        add_arrow(ax, (n_w + 0.6, top - n_h / 2), (x_out - 0.2, y - out_h / 2))
    ax.set_title("each colour is one window and the value it becomes; outlined: the window's maximum", fontsize=10)
    return fig


def _field_geometry(layers: Sequence[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Receptive field and jump (input pixels between neighbouring units) after each layer; index 0 is the input."""
    fields, jumps = [1], [1]
    for kernel, stride in layers:
        fields.append(fields[-1] + (kernel - 1) * jumps[-1])
        jumps.append(jumps[-1] * stride)
    return fields, jumps


def draw_receptive_field(stacks: dict[str, Sequence[tuple[int, int]]] | None = None,
                         layer_names: dict[str, Sequence[str]] | None = None) -> Figure:
    """The input pixels that one unit at the top of a stack of layers sees, growing layer by layer (1-D).

    Each row is a layer (the input at the bottom); each unit is drawn over the input pixels it
    is centred on, as wide as the distance between its neighbours, so a stride-2 layer's units are
    twice as wide. Lines show which units the top unit reads, down to the input; the units that
    matter are coloured, and each row says how many input pixels one of its units sees.

    Args:
        stacks: ``{panel title: [(kernel, stride), ...]}``, first layer first (the argument of
            ``receptive_field``); by default three 3x3 convolutions, and conv, 2x2 pool, conv.
        layer_names: optional ``{panel title: one name per layer}``; by default "kernel k, stride s".
    """
    if stacks is None:
        stacks = {"three 3x3 convolutions": [(3, 1)] * 3,
                  "3x3 conv, 2x2 pool (stride 2), 3x3 conv": [(3, 1), (2, 2), (3, 1)]}
    if not stacks:
        raise ValueError("draw_receptive_field needs at least one stack of layers.")
    fig, axes = plt.subplots(1, len(stacks), figsize=(5.4 * len(stacks), 4.2), squeeze=False)
    for ax, (title, layers) in zip(axes[0], stacks.items()):
        if not layers or any(k < 1 or s < 1 for k, s in layers):
            raise ValueError(f"{title!r}: give (kernel, stride) pairs with kernel, stride >= 1; got {layers!r}.")
        names = (layer_names or {}).get(title) or [f"kernel {k}, stride {s}" for k, s in layers]
        fields, jumps = _field_geometry(layers)
        depth = len(layers)
        n_input = fields[-1] + 2 * jumps[-1]           # room for the top unit and one neighbour on each side
        sizes = [n_input]
        for kernel, stride in layers:
            sizes.append((sizes[-1] - kernel) // stride + 1)
        # The units the top unit depends on, layer by layer downwards: [first, last] index.
        cone = [(0, 0)] * (depth + 1)
        top_unit = sizes[-1] // 2
        cone[depth] = (top_unit, top_unit)
        for level in range(depth, 0, -1):
            kernel, stride = layers[level - 1]
            first, last = cone[level]
            cone[level - 1] = (first * stride, last * stride + kernel - 1)
        ax.set_xlim(-7.5, n_input + 0.5)
        ax.set_ylim(-0.6, depth * 1.5 + 0.9)
        ax.axis("off")
        for level in range(depth + 1):
            y = level * 1.5
            for i in range(sizes[level]):
                left = i * jumps[level] + (fields[level] - jumps[level]) / 2
                inside = cone[level][0] <= i <= cone[level][1]
                face = (PALETTE["vermillion"] if level == depth and inside
                        else PALETTE["orange"] if inside else "white")
                ax.add_patch(Rectangle((left + 0.06, y), jumps[level] - 0.12, 0.6, facecolor=face,
                                       edgecolor="0.35", linewidth=0.8))
                if level and inside:
                    kernel, stride = layers[level - 1]
                    for j in range(i * stride, i * stride + kernel):
                        below = j * jumps[level - 1] + (fields[level - 1] - jumps[level - 1]) / 2 \
                            + jumps[level - 1] / 2
                        ax.plot([left + jumps[level] / 2, below], [y, y - 0.9], color=STRONG["orange"], lw=1)
            name = "input pixels" if level == 0 else names[level - 1]
            seen = cone[level][1] - cone[level][0] + 1
            ax.text(-0.3, y + 0.3, name, ha="right", va="center", fontsize=8.5)
            ax.text(-0.3, y - 0.05, f"{seen} unit{'s' if seen > 1 else ''} in the cone" if level < depth
                    else f"sees {fields[-1]} input pixels", ha="right", va="top", fontsize=7.5,
                    color=STRONG["vermillion"] if level == depth else "0.3")
        ax.set_title(f"{title}: field " + " → ".join(str(f) for f in fields[1:]), fontsize=10)
    fig.tight_layout()
    return fig


def plot_activations(z: np.ndarray, curves: dict[str, tuple[np.ndarray, np.ndarray]],
                     title: str | None = None) -> Figure:
    """Activation functions on the left and their derivatives on the right, on the same ``z``.

    Args:
        z: ``(n,)`` input values (pre-activations).
        curves: ``{name: (values, derivative)}``, each an ``(n,)`` array evaluated at ``z``.
        title: a title over both panels.
    """
    z = np.asarray(z)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    # Okabe-Ito hues and a line style each, so that curves stay apart without colour vision too.
    hues = [STRONG[name] for name in ("blue", "orange", "green", "vermillion", "purple", "sky", "grey")]
    styles = ["-", "--", "-.", ":"]
    for k, (name, (values, derivative)) in enumerate(curves.items()):
        if len(values) != len(z) or len(derivative) != len(z):
            raise ValueError(f"{name!r}: values and derivative need one entry per z ({len(z)}).")
        look = {"label": name, "color": hues[k % len(hues)], "linestyle": styles[k % len(styles)], "linewidth": 1.8}
        left.plot(z, values, **look)
        right.plot(z, derivative, **look)
    for ax, ylabel, panel in ((left, "activation(z)", "functions"), (right, "d activation / dz", "derivatives")):
        ax.set_xlabel("z (pre-activation)")
        ax.set_ylabel(ylabel)
        ax.set_title(panel)
        ax.axhline(0, color="0.6", lw=0.6)
        ax.axvline(0, color="0.6", lw=0.6)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_softmax(scores: np.ndarray, probabilities: np.ndarray, class_names: Sequence[str] | None = None) -> Figure:
    """One example's class scores, the same scores minus their maximum, and the softmax probabilities.

    Subtracting the maximum (the numerically stable softmax) moves every score by the same amount, so
    the probabilities, drawn on the right with their values, do not change.

    Args:
        scores: ``(n_classes,)`` logits of one example.
        probabilities: ``(n_classes,)`` their softmax (computed by the caller, e.g. the learner's ``softmax``).
        class_names: one label per class; "class 0", "class 1", ... by default.
    """
    scores, probabilities = np.asarray(scores, dtype=float), np.asarray(probabilities, dtype=float)
    if scores.ndim != 1 or probabilities.shape != scores.shape:
        raise ValueError(f"scores and probabilities must be 1-D and of one shape; got {scores.shape} and "
                         f"{probabilities.shape}.")
    names = list(class_names) if class_names is not None else [f"class {i}" for i in range(len(scores))]
    if len(names) != len(scores):
        raise ValueError(f"{len(names)} class names for {len(scores)} scores.")
    x = np.arange(len(scores))
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.4))
    left.bar(x - 0.2, scores, width=0.4, color=STRONG["blue"], label="scores z")
    left.bar(x + 0.2, scores - scores.max(), width=0.4, color=STRONG["orange"], label="z - max(z)")
    left.axhline(0, color="0.4", lw=0.8)
    left.set_ylabel("score (logit)")
    left.set_title("scores, and the same scores shifted")
    left.legend(fontsize=8)
    bars = right.bar(x, probabilities, width=0.6, color=STRONG["green"])
    right.bar_label(bars, labels=[f"{p:.3f}" for p in probabilities], fontsize=9)
    right.set_ylim(0, 1.1)
    right.set_ylabel("probability")
    right.set_title(f"softmax: positive, sums to {probabilities.sum():.3g}")
    for ax in (left, right):
        ax.set_xticks(x, names)
        ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    return fig
