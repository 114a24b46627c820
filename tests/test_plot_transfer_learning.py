"""The figures of notebooks 12 and 14 return Figures whose titles and labels carry their numbers."""
from figure_texts import texts
from matplotlib.figure import Figure

from cnnkit.plot import transfer_learning


def test_depthwise_figure_counts_the_weights_of_both_convolutions():
    fig = transfer_learning.draw_depthwise_vs_standard(c_in=4, c_out=6, kernel=3)
    written = " ".join(texts(fig))
    assert isinstance(fig, Figure)
    assert "3·3·4·6 = 216 weights" in written and "36 + 24 = 60 weights" in written


def test_inverted_residual_figure_labels_channel_counts():
    fig = transfer_learning.draw_inverted_residual(channels=24, expansion=6, bottleneck=4)
    written = texts(fig)
    assert "144 ch" in written and "24 ch" in written


def test_few_label_results_show_each_mean():
    fig = transfer_learning.plot_few_label_results({"scratch": [0.1, 0.2], "fine-tuning": [0.6, 0.8]}, "few labels",
                                               chance=0.1)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "test accuracy" and ax.get_title() == "few labels"
    assert {"0.150", "0.700", "chance"} <= {t.get_text() for t in ax.texts}

def test_probe_depths_show_each_mean_and_the_baseline():
    fig = transfer_learning.plot_probe_depths({"stem": [0.5, 0.6], "block 13": [0.8, 0.7]}, [0.7, 0.74], "probes")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_title() == "probes" and [t.get_text() for t in ax.get_xticklabels()] == ["stem", "block 13"]
    assert {"0.550", "0.750"} <= {t.get_text() for t in ax.texts}
    assert "logistic regression on pixels (0.720)" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_label_curve_has_one_line_per_method_on_the_label_counts():
    curves = {"pixels": [[0.7, 0.72], [0.8, 0.81]], "probe": [[0.75, 0.77], [0.8, 0.82]]}
    fig = transfer_learning.plot_label_curve([10, 100], curves, "curve")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["pixels", "probe"]
    assert ax.get_xlabel() == "labelled images per class" and ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["10", "100"]
