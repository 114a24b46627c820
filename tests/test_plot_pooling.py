"""The figures of notebook 02: each returns a Figure whose texts carry the numbers it claims to show."""

from __future__ import annotations

import numpy as np
import pytest
from figure_texts import texts

from cnnkit.plot import pooling as pp
from cnnkit.scratch import receptive_field


def test_pooling_figure_shows_max_and_mean_of_each_window():
    values = np.array([[1, 3, 2, 9], [7, 4, 1, 5], [8, 6, 3, 2], [0, 5, 4, 7]])
    written = texts(pp.draw_pooling(values, f=2))
    assert "max pool 2x2, stride 2" in written and "average pool 2x2, stride 2" in written
    for v in (7, 9, 8, 7, 3.75, 4.25, 4.75, 4):
        assert f"{v:.4g}" in written


def test_receptive_field_figure_agrees_with_the_exercise():
    stacks = {"three convs": [(3, 1)] * 3, "conv pool conv": [(3, 1), (2, 2), (3, 1)], "strided": [(3, 2), (3, 2)]}
    fig = pp.draw_receptive_field(stacks)
    for ax, layers in zip(fig.axes, stacks.values()):
        assert any(t.get_text() == f"sees {receptive_field(layers)} input pixels" for t in ax.texts)
        growth = " → ".join(str(receptive_field(layers[:k])) for k in range(1, len(layers) + 1))
        assert ax.get_title().endswith(growth)


def test_activation_figure_has_labelled_function_and_derivative_panels():
    z = np.linspace(-3, 3, 61)
    fig = pp.plot_activations(z, {"ReLU": (np.maximum(z, 0), (z > 0) * 1.0), "tanh": (np.tanh(z), 1 - np.tanh(z) ** 2)})
    left, right = fig.axes
    assert left.get_ylabel() == "activation(z)" and right.get_ylabel() == "d activation / dz"
    assert [t.get_text() for t in right.get_legend().get_texts()] == ["ReLU", "tanh"]


def test_softmax_figure_shows_shifted_scores_and_the_probabilities():
    scores = np.array([2.0, 1.0, 0.1])
    probabilities = np.exp(scores) / np.exp(scores).sum()
    fig = pp.plot_softmax(scores, probabilities, ["cat", "dog", "car"])
    left, right = fig.axes
    shifted = [bar.get_height() for bar in left.patches[3:]]
    assert np.allclose(shifted, scores - 2.0)
    assert [t.get_text() for t in right.texts] == [f"{p:.3f}" for p in probabilities]
    assert [t.get_text() for t in right.get_xticklabels()] == ["cat", "dog", "car"]
    with pytest.raises(ValueError, match="class names"):
        pp.plot_softmax(scores, probabilities, ["cat"])


def test_bad_input_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="multiples of f"):
        pp.draw_pooling(np.zeros((5, 4)), f=2)
    with pytest.raises(ValueError, match="kernel, stride >= 1"):
        pp.draw_receptive_field({"bad": [(3, 0)]})
    with pytest.raises(ValueError, match="one entry per z"):
        pp.plot_activations(np.zeros(3), {"f": (np.zeros(2), np.zeros(3))})
