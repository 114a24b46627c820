"""Figures of notebook 16, generative models: two diagrams (the reparameterisation trick, the GAN
game) and the latent manifold of a 2-D VAE. Each function returns its matplotlib Figure."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from cnnkit.plot.diagram import PALETTE, STRONG, add_arrow, add_box, diagram_axes


def draw_reparameterization_trick() -> Figure:
    """The VAE's forward pass, with the reparameterisation trick: the randomness enters as a
    separate input epsilon, so that the path from the loss back to the encoder is differentiable."""
    fig, ax = diagram_axes(11.5, 3.2, inches_per_unit=0.96)
    add_box(ax, (0.8, 1.8), "image x", "0.9", width=1.2)
    add_box(ax, (2.6, 1.8), "encoder", PALETTE["sky"])
    add_box(ax, (4.6, 2.5), "mean  μ", PALETTE["orange"], width=1.4)
    add_box(ax, (4.6, 1.1), "log_var", PALETTE["orange"], width=1.4)
    add_box(ax, (6.9, 1.8), "z = μ + e^(log_var / 2) · ε", PALETTE["orange"], width=2.4)
    add_box(ax, (6.9, 0.3), "ε ~ N(0, I)", PALETTE["grey"], width=1.6, height=0.5)
    add_box(ax, (9.0, 1.8), "decoder", PALETTE["sky"])
    add_box(ax, (10.7, 1.8), "logits of x̂", "0.9", width=1.3)
    for start, end in [((1.4, 1.8), (1.85, 1.8)), ((3.35, 2.0), (3.9, 2.5)), ((3.35, 1.6), (3.9, 1.1)),
                       ((5.3, 2.5), (5.7, 2.0)), ((5.3, 1.1), (5.7, 1.6)), ((8.1, 1.8), (8.25, 1.8)),
                       ((9.75, 1.8), (10.05, 1.8))]:
        add_arrow(ax, start, end)
    add_arrow(ax, (6.9, 0.55), (6.9, 1.45), colour="0.5", text=None)
    ax.text(7.0, 0.85, "drawn outside the network: no gradient needed", fontsize=8, color="0.4")
    ax.text(4.6, 3.05, "KL(N(μ, e^log_var) ‖ N(0, I)) pulls these towards the prior", ha="center", fontsize=8,
            color=STRONG["vermillion"])
    ax.text(9.9, 2.45, "reconstruction loss", ha="center", fontsize=8, color=STRONG["vermillion"])
    ax.set_title("the reparameterisation trick: gradients flow from both losses through μ and log_var to the encoder",
                 fontsize=10)
    fig.tight_layout()
    return fig


def draw_gan_game() -> Figure:
    """The conditional GAN: the generator turns noise and a label into an image; the discriminator
    scores real and generated images of that label; each network trains against the other."""
    fig, ax = diagram_axes(11, 3.6, inches_per_unit=1.0)
    add_box(ax, (0.9, 2.7), "noise z", PALETTE["grey"], width=1.2)
    add_box(ax, (0.9, 1.6), "label y", PALETTE["grey"], width=1.2)
    add_box(ax, (2.9, 2.7), "generator G", PALETTE["green"], width=1.6)
    add_box(ax, (5.1, 2.7), "fake G(z, y)", "0.9", width=1.5)
    add_box(ax, (5.1, 0.6), "real image of y", "0.9", width=1.7)
    add_box(ax, (7.4, 1.7), "discriminator D", PALETTE["sky"], width=1.8)
    add_box(ax, (9.8, 1.7), "logit: real?", PALETTE["orange"], width=1.5)
    for start, end in [((1.5, 2.7), (2.1, 2.7)), ((1.5, 1.6), (2.1, 2.45)), ((3.7, 2.7), (4.35, 2.7)),
                       ((5.85, 2.6), (6.5, 1.95)), ((5.95, 0.7), (6.5, 1.45)), ((1.5, 1.5), (6.5, 1.65)),
                       ((8.3, 1.7), (9.05, 1.7))]:
        add_arrow(ax, start, end)
    ax.text(9.8, 2.35, "D: real → 1, fake → 0", ha="center", fontsize=8, color=STRONG["blue"])
    ax.text(9.8, 1.0, "G: make D say 1 on fakes", ha="center", fontsize=8, color=STRONG["green"])
    ax.set_title("the GAN game: D learns to tell real from fake, G learns to fool D (conditioned on the label)",
                 fontsize=10)
    fig.tight_layout()
    return fig


def show_latent_manifold(images: np.ndarray, values: Sequence[float], title: str | None = None,
                         size: float = 7.0) -> Figure:
    """Images decoded on a square grid of 2-D codes, as one mosaic with the codes on the axes.

    Args:
        images: ``(k, k, h, w)`` or ``(k, k, h, w, 1)``: ``images[i, j]`` decoded from the code
            ``(values[j], values[k - 1 - i])`` (the first code dimension left to right, the second
            bottom to top).
        values: the ``k`` code values along each axis.
        title: a title for the figure.
        size: inches per side.
    """
    images = np.asarray(images)
    if images.ndim == 5 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 4 or images.shape[0] != images.shape[1] or images.shape[0] != len(values):
        raise ValueError(f"images must have shape (k, k, h, w) with k = len(values) = {len(values)}, "
                         f"got {images.shape}.")
    k, _, h, w = images.shape
    mosaic = images.transpose(0, 2, 1, 3).reshape(k * h, k * w)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(mosaic, cmap="gray", vmin=0, vmax=1)
    ticks = np.arange(k)
    ax.set_xticks(ticks * w + w / 2, [f"{v:.1f}" for v in values], fontsize=7)
    ax.set_yticks(ticks * h + h / 2, [f"{v:.1f}" for v in values[::-1]], fontsize=7)
    ax.set_xlabel("code dimension 1")
    ax.set_ylabel("code dimension 2")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
