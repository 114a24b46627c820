"""The figures of notebook 16: the reparameterisation trick, the GAN game and a VAE's latent manifold."""

from __future__ import annotations

import numpy as np
import pytest


def test_figures_of_notebook_16():
    import matplotlib

    matplotlib.use("Agg")
    from cnnkit.plot.generative import draw_gan_game, draw_reparameterization_trick, show_latent_manifold

    assert draw_reparameterization_trick().axes and draw_gan_game().axes
    figure = show_latent_manifold(np.zeros((3, 3, 4, 4, 1)), [-1.0, 0.0, 1.0])
    assert figure.axes[0].get_images()[0].get_array().shape == (12, 12)
    with pytest.raises(ValueError, match="k = len"):
        show_latent_manifold(np.zeros((3, 3, 4, 4)), [0.0, 1.0])
