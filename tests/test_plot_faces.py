"""The figures of notebook 14: ROC, distance matrix, triplet geometry and a 2-D embedding."""

import numpy as np
from figure_texts import texts
from matplotlib.figure import Figure

from cnnkit.plot import faces


def test_face_figures_label_their_axes_and_values():
    roc = faces.plot_roc({"trained": (np.array([0.0, 0.5, 1.0]), np.array([0.0, 0.9, 1.0]))}, far=0.01)
    assert isinstance(roc, Figure) and roc.axes[0].get_xlabel() == "false-accept rate (different people accepted)"
    garments = faces.plot_roc({"trained": (np.array([0.0, 1.0]), np.array([0.0, 1.0]))}, far=0.01,
                              impostors="different classes")
    assert "different classes" in garments.axes[0].get_xlabel()
    # The FAR label sits at the top of the axes, where the legend (lower right) cannot hide it.
    label = next(t for t in roc.axes[0].texts if "FAR = 0.01" in t.get_text())
    roc.canvas.draw()
    legend_box = roc.axes[0].get_legend().get_window_extent()
    assert not label.get_window_extent().overlaps(legend_box) and label.get_position()[1] > 0.5
    distances = np.array([[0.0, 0.7], [0.7, 0.0]])
    matrix = faces.show_distance_matrix(distances, ["a", "b"], threshold=0.6, title="distances")
    assert "0.70" in texts(matrix) and any("below 0.6" in t for t in texts(matrix))
    triplet = faces.draw_triplet_geometry(margin=0.8)
    assert "α = 0.8" in triplet.axes[0].get_title()
    points = np.random.default_rng(0).normal(size=(6, 2))
    embedding = faces.plot_embedding_2d(points, np.array([0, 0, 1, 1, 2, 2]), ["x", "y", "z"], unseen=[2])
    assert isinstance(embedding, Figure)
