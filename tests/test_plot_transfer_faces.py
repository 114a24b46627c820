"""The figures of notebooks 12 and 14 return Figures whose titles and labels carry their numbers."""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from cnnkit import plot_faces, plot_transfer  # noqa: E402


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in [ax.title, *ax.texts]] + [t.get_text() for t in fig.texts]


def test_depthwise_figure_counts_the_weights_of_both_convolutions():
    fig = plot_transfer.draw_depthwise_vs_standard(c_in=4, c_out=6, kernel=3)
    texts = " ".join(_texts(fig))
    assert isinstance(fig, Figure)
    assert "3·3·4·6 = 216 weights" in texts and "36 + 24 = 60 weights" in texts


def test_inverted_residual_figure_labels_channel_counts():
    fig = plot_transfer.draw_inverted_residual(channels=24, expansion=6, bottleneck=4)
    texts = _texts(fig)
    assert "144 ch" in texts and "24 ch" in texts


def test_few_label_results_show_each_mean():
    fig = plot_transfer.plot_few_label_results({"scratch": [0.1, 0.2], "fine-tuning": [0.6, 0.8]}, "few labels",
                                               chance=0.1)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "test accuracy" and ax.get_title() == "few labels"
    assert {"0.150", "0.700", "chance"} <= {t.get_text() for t in ax.texts}


def test_face_figures_label_their_axes_and_values():
    roc = plot_faces.plot_roc({"trained": (np.array([0.0, 0.5, 1.0]), np.array([0.0, 0.9, 1.0]))}, far=0.01)
    assert isinstance(roc, Figure) and roc.axes[0].get_xlabel() == "false-accept rate (different people accepted)"
    garments = plot_faces.plot_roc({"trained": (np.array([0.0, 1.0]), np.array([0.0, 1.0]))}, far=0.01,
                                   impostors="different classes")
    assert "different classes" in garments.axes[0].get_xlabel()
    # The FAR label sits at the top of the axes, where the legend (lower right) cannot hide it.
    label = next(t for t in roc.axes[0].texts if "FAR = 0.01" in t.get_text())
    roc.canvas.draw()
    legend_box = roc.axes[0].get_legend().get_window_extent()
    assert not label.get_window_extent().overlaps(legend_box) and label.get_position()[1] > 0.5
    distances = np.array([[0.0, 0.7], [0.7, 0.0]])
    matrix = plot_faces.show_distance_matrix(distances, ["a", "b"], threshold=0.6, title="distances")
    assert "0.70" in _texts(matrix) and any("below 0.6" in t for t in _texts(matrix))
    triplet = plot_faces.plot_triplet_geometry(margin=0.8)
    assert "α = 0.8" in triplet.axes[0].get_title()
    points = np.random.default_rng(0).normal(size=(6, 2))
    embedding = plot_faces.plot_embedding_2d(points, np.array([0, 0, 1, 1, 2, 2]), ["x", "y", "z"], unseen=[2])
    assert isinstance(embedding, Figure)
