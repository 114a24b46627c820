"""The non-image figures of notebook 09: agreement histograms and the randomisation curve carry the
numbers they were given and refuse data of the wrong shape."""
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from cnnkit.plot.interpretability import plot_agreement, plot_randomization


def test_agreement_histograms_give_each_mean_and_spread():
    same = np.array([0.2, 0.4, 0.6, np.nan])
    other = np.array([-0.1, 0.1, 0.3])
    fig = plot_agreement({"same image": same, "other image": other}, title="agreement")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["same image: mean 0.40 ± 0.16 (n = 3, 1 left out)", "other image: mean 0.10 ± 0.16 (n = 3)"]
    assert ax.get_xlabel().startswith("correlation") and ax.get_ylabel() == "number of images"
    assert ax.get_title() == "agreement"
    dashed = sorted(line.get_xdata()[0] for line in ax.get_lines())
    np.testing.assert_allclose(dashed, [0.1, 0.4])
    plt.close(fig)
    with pytest.raises(ValueError, match="no finite score"):
        plot_agreement({"empty": [np.nan]})


def test_randomization_curve_has_one_tick_per_stage_and_the_means():
    stages = ["trained", "scores", "conv3"]
    scores = np.array([[1.0, 1.0], [0.5, 0.7], [0.0, np.nan]])
    fig = plot_randomization({"Grad-CAM": scores, "saliency": scores / 2}, stages, title="sanity check")
    ax = fig.axes[0]
    assert [tick.get_text() for tick in ax.get_xticklabels()] == stages
    assert ax.get_xlabel().startswith("weights randomised") and "Spearman" in ax.get_ylabel()
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [1.0, 0.6, 0.0])
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["Grad-CAM", "saliency"]
    plt.close(fig)
    with pytest.raises(ValueError, match="stages, images"):
        plot_randomization({"Grad-CAM": scores[:2]}, stages)
