"""Notebook 12's figures for linear probes by depth and accuracy against labels per class."""
import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

from cnnkit import plot_transfer  # noqa: E402


def test_probe_depths_show_each_mean_and_the_baseline():
    fig = plot_transfer.plot_probe_depths({"stem": [0.5, 0.6], "block 13": [0.8, 0.7]}, [0.7, 0.74], "probes")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_title() == "probes" and [t.get_text() for t in ax.get_xticklabels()] == ["stem", "block 13"]
    assert {"0.550", "0.750"} <= {t.get_text() for t in ax.texts}
    assert "logistic regression on pixels (0.720)" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_label_curve_has_one_line_per_method_on_the_label_counts():
    curves = {"pixels": [[0.7, 0.72], [0.8, 0.81]], "probe": [[0.75, 0.77], [0.8, 0.82]]}
    fig = plot_transfer.plot_label_curve([10, 100], curves, "curve")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["pixels", "probe"]
    assert ax.get_xlabel() == "labelled images per class" and ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["10", "100"]
