"""Every figure of the course, drawn by the same code that the notebooks run.

The figures that many notebooks share are importable from here (``from cnnkit.plot import
show_images``); each notebook topic's own figures live in the module named after its topic
(``cnnkit.plot.convolution``, ``cnnkit.plot.segmentation``, ...), and the drawing primitives
every diagram is built from in :mod:`cnnkit.plot.diagram`.

One rule for every module here: a public function named ``draw_`` (a diagram of an idea),
``show_`` (data and results) or ``plot_`` (curves and charts) returns a
``matplotlib.figure.Figure``. ``overlay_`` functions return an image array, ``animate_`` functions
an animation, and :mod:`cnnkit.plot.diagram`'s ``add_`` primitives draw onto an Axes they are given.
Nothing else in cnnkit imports this package: only notebooks, docs and tests draw.
"""

from cnnkit.plot.charts import plot_confusion_matrix, plot_curves, plot_history, plot_points
from cnnkit.plot.images import (
    overlay_heatmap,
    show_feature_maps,
    show_filters,
    show_heatmaps,
    show_images,
    show_misclassified,
)

__all__ = [
    "overlay_heatmap", "plot_confusion_matrix", "plot_curves", "plot_history", "plot_points", "show_feature_maps",
    "show_filters", "show_heatmaps", "show_images", "show_misclassified",
]
