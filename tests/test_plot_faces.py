"""The figures of notebook 14: ROC, distance matrix, triplet geometry and a 2-D embedding."""

import numpy as np
from figure_texts import texts
from matplotlib.figure import Figure

from cnnkit.plot import faces


def test_face_figures_label_their_axes_and_values():
    roc = faces.plot_roc({"trained": (np.array([0.0, 0.5, 1.0]), np.array([0.0, 0.9, 1.0]))}, far=0.01)
    assert roc.axes[0].get_xlabel().startswith("false-accept rate")
    distances = np.array([[0.0, 0.7], [0.7, 0.0]])
    matrix = faces.show_distance_matrix(distances, ["a", "b"], threshold=0.6, title="distances")
    assert "0.70" in texts(matrix) and any("below 0.6" in t for t in texts(matrix))
    triplet = faces.draw_triplet_geometry(margin=0.8)
    assert "α = 0.8" in triplet.axes[0].get_title()
    points = np.random.default_rng(0).normal(size=(6, 2))
    embedding = faces.plot_embedding_2d(points, np.array([0, 0, 1, 1, 2, 2]), ["x", "y", "z"], unseen=[2])
    assert isinstance(embedding, Figure)
