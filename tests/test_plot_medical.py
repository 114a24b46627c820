"""The figures of notebook 17: nuclei outlined, class maps, reliability diagrams, uncertainty, CT."""

from __future__ import annotations

import numpy as np
from figure_texts import texts
from matplotlib.figure import Figure

from cnnkit.plot import medical


def _labels():
    labels = np.zeros((16, 16), int)
    labels[2:6, 2:6], labels[9:14, 8:13] = 1, 2
    return labels


def test_nuclei_and_class_maps_show_one_panel_per_entry_after_the_image():
    image = np.random.default_rng(0).random((16, 16))
    fig = medical.show_nuclei(image, {"expert": _labels(), "model": _labels()}, title="nuclei")
    assert isinstance(fig, Figure) and len([ax for ax in fig.axes if ax.images]) == 3
    assert "image" in texts(fig)
    classes = medical.show_classes(image, {"truth": np.minimum(_labels(), 2)}, ["background", "interior", "boundary"])
    assert isinstance(classes, Figure) and "image" in texts(classes)


def test_reliability_diagram_puts_each_bin_at_its_accuracy():
    confidence = np.array([0.15, 0.15, 0.95, 0.95, 0.95, 0.95])
    correct = np.array([0, 1, 1, 1, 1, 0])
    fig = medical.plot_reliability({"before": (confidence, correct), "after": (confidence, correct)}, num_bins=10)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    heights = sorted(round(bar.get_height(), 3) for bar in fig.axes[0].patches if bar.get_height() > 0)
    assert 0.5 in heights and 0.75 in heights


def test_uncertainty_reconstructions_and_sinogram_figures():
    rng = np.random.default_rng(1)
    image = rng.random((16, 16))
    assert isinstance(medical.show_uncertainty(image, rng.random((16, 16)), rng.random((16, 16)) > 0.5), Figure)
    truth = rng.random((2, 16, 16))
    fig = medical.show_reconstructions({"FBP": truth * 0.9}, truth, scores={"FBP": ["20 dB", "21 dB"]})
    assert isinstance(fig, Figure) and len(fig.axes) == 4
    angles = np.linspace(0, 180, 8, endpoint=False)
    sinogram = medical.show_sinogram(truth[0], rng.random((23, 8)), angles, truth[0])
    assert "sinogram: 8 projections" in texts(sinogram)
