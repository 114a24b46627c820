"""Notebook 05's optimiser paths: the surfaces, the path a Keras optimiser takes (checked against
the update written out by hand), and the figure that draws them."""

from __future__ import annotations

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from cnnkit.plot.training import plot_optimizer_paths
from cnnkit.training.surfaces import QUADRATIC, ROSENBROCK, gradient, optimizer_path, rosenbrock


def test_surfaces_have_their_minimum_where_they_say():
    for surface in (QUADRATIC, ROSENBROCK):
        assert surface.loss(np.array(surface.minimum)) == 0.0
        np.testing.assert_allclose(gradient(surface.loss, surface.minimum), [0.0, 0.0], atol=1e-12)
        assert surface.loss(np.array(surface.start)) > 1.0
    grid = np.zeros((2, 3, 4))
    assert rosenbrock(grid).shape == (3, 4)


def test_gradient_is_the_derivative_written_out():
    x, y = -1.2, 1.0
    expected = [-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)]
    np.testing.assert_allclose(gradient(rosenbrock, (x, y)), expected)


def test_optimizer_path_follows_the_sgd_update():
    path = optimizer_path(keras.optimizers.SGD(0.01), QUADRATIC.loss, QUADRATIC.start, steps=3)
    assert path.shape == (4, 2) and path.dtype == np.float64
    point = np.array(QUADRATIC.start)
    for step in range(1, 4):
        point = point - 0.01 * gradient(QUADRATIC.loss, point)
        np.testing.assert_allclose(path[step], point, atol=1e-7)  # Keras keeps the rate in float32


def test_optimizer_path_refuses_bad_input():
    with pytest.raises(ValueError, match="positive int"):
        optimizer_path(keras.optimizers.SGD(0.01), rosenbrock, (0.0, 0.0), steps=0)
    with pytest.raises(ValueError, match="two finite numbers"):
        optimizer_path(keras.optimizers.SGD(0.01), rosenbrock, (0.0, 0.0, 1.0), steps=2)


def test_figure_draws_one_panel_per_surface_with_labelled_paths():
    line = np.linspace([-1.0, 0.5], [0.0, 0.0], 11)
    paths = [{"sgd, lr 0.01": line, "adam, lr 0.1": line * 0.5}, {"momentum, lr 0.002": line + 1.0}]
    fig = plot_optimizer_paths([QUADRATIC, ROSENBROCK], paths)
    assert len(fig.axes) == 2
    for ax, surface, surface_paths in zip(fig.axes, [QUADRATIC, ROSENBROCK], paths):
        assert ax.get_title() == surface.title and ax.get_xlabel() == "x" and ax.get_ylabel() == "y"
        labels = [text.get_text() for text in ax.get_legend().get_texts()]
        assert labels == [*surface_paths, "start", "minimum"]
        assert ax.get_xlim() == surface.extent[:2]
    plt.close(fig)


def test_figure_refuses_mismatched_input():
    with pytest.raises(ValueError, match="one dict of paths per surface"):
        plot_optimizer_paths([QUADRATIC, ROSENBROCK], [{}])
    with pytest.raises(ValueError, match="shape \\(points, 2\\)"):
        plot_optimizer_paths([QUADRATIC], [{"sgd": np.zeros((5, 3))}])


def test_lr_range_test_figure_marks_the_chosen_rate_and_leaves_out_a_divergence():
    from cnnkit.plot.training import plot_lr_range_test

    rates = np.geomspace(1e-4, 1, 40)
    losses = np.where(rates < 0.3, 2.3 - np.log10(rates / 1e-4) * 0.4, np.nan)
    fig = plot_lr_range_test(rates, losses, losses, chosen=0.01, lowest=0.1)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert any("chosen rate 0.01" in text.get_text() for text in ax.get_legend().get_texts())
    with pytest.raises(ValueError, match="one length"):
        plot_lr_range_test(rates, losses[:-1], losses, chosen=0.01)
    plt.close(fig)
