"""Notebook 06's figures: each returns a Figure whose texts carry what the notebook's caption points at."""
import numpy as np
import pytest
from matplotlib.figure import Figure

from cnnkit.plot.regularization import (
    draw_dropout,
    plot_accuracy_by_technique,
    plot_batch_norm_statistics,
    plot_paired_gains,
    plot_weight_norms,
)
from cnnkit.scratch import dropout_forward


def _texts(ax):
    return [text.get_text() for text in ax.texts]


def test_dropout_figure_shows_the_masks_of_dropout_forward_and_the_untouched_layer_at_inference():
    values = [0.8, 0.3, 1.2, 0.5]
    fig = draw_dropout(values, rate=0.5, steps=2, seed=5)
    assert isinstance(fig, Figure)
    *training, inference = fig.axes
    assert len(training) == 2
    for step, ax in enumerate(training):
        shown = dropout_forward(np.array(values), 0.5, True, np.random.default_rng(5 + step))
        hidden = [text for text in _texts(ax) if text not in ("x1", "x2", "x3", "x4", "y1", "y2",
                                                              "input", "hidden", "output")]
        assert hidden == [f"{v:.2f}" if v else "0" for v in shown]
        dropped = int(np.sum(shown == 0))
        assert ax.get_title().startswith(f"training, step {step + 1}\n{dropped} of 4 units dropped")
        assert "x 2" in ax.get_title()
    assert inference.get_title().startswith("inference")
    assert [f"{v:.2f}" for v in values] == [t for t in _texts(inference) if "." in t]
    assert "rate = 0.5" in fig._suptitle.get_text()


def test_dropout_figure_refuses_an_empty_layer():
    with pytest.raises(ValueError, match="non-empty 1-D"):
        draw_dropout([])


def test_batch_norm_figure_has_one_row_per_stage_and_each_channel_s_statistics():
    rng = np.random.default_rng(0)
    before = rng.normal(size=(32, 4, 4, 2)) * [0.5, 3.0] + [-2.0, 5.0]
    after = (before - before.mean(axis=(0, 1, 2))) / before.std(axis=(0, 1, 2))
    fig = plot_batch_norm_statistics({"before batch norm": before, "after, training=True": after})
    assert isinstance(fig, Figure)
    top, bottom = fig.axes
    assert [top.get_title(), bottom.get_title()] == ["before batch norm", "after, training=True"]
    assert bottom.get_xlabel() == "activation value" and top.get_ylabel() == "count"
    labels = [text.get_text() for text in top.get_legend().get_texts()]
    channels = before.reshape(-1, 2)
    assert labels == [f"channel {c}: mean {channels[:, c].mean():+.2f}, std {channels[:, c].std():.2f}" for c in (0, 1)]
    assert all("mean +0.00, std 1.00" in text.get_text() for text in bottom.get_legend().get_texts())


def test_batch_norm_figure_refuses_arrays_with_different_channel_counts():
    with pytest.raises(ValueError, match="same number of channels"):
        plot_batch_norm_statistics({"a": np.zeros((4, 2)), "b": np.zeros((4, 3))})


def test_weight_norm_figure_compares_the_unit_norms_of_each_model():
    rng = np.random.default_rng(1)
    fig = plot_weight_norms({"no penalty": rng.normal(size=(50, 8)), "L2": 0.1 * rng.normal(size=(50, 8))},
                            layer="fc")
    assert isinstance(fig, Figure)
    left, right = fig.axes
    assert left.get_xlabel() == "weight magnitude |w|"
    assert right.get_xlabel() == "L2 norm of a unit's incoming weights" and right.get_ylabel() == "number of units"
    assert "fc" in right.get_title()
    plain, decayed = [text.get_text() for text in right.get_legend().get_texts()]
    assert plain.startswith("no penalty: mean norm") and decayed.startswith("L2: mean norm")
    assert float(decayed.rsplit(" ", 1)[1]) < float(plain.rsplit(" ", 1)[1])


def test_weight_norm_figure_refuses_nothing_to_draw():
    with pytest.raises(ValueError, match="kernels is empty"):
        plot_weight_norms({})


def test_accuracy_figure_shows_each_technique_each_seed_and_the_baseline_line():
    train = {"no regularisation": [0.99, 1.0], "dropout": [0.95, 0.96]}
    validation = {"no regularisation": [0.83, 0.84], "dropout": [0.85, 0.86]}
    fig = plot_accuracy_by_technique(train, validation, baseline="no regularisation", title="two seeds")
    (ax,) = fig.axes
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["no regularisation", "dropout"]
    assert ax.get_ylabel() == "accuracy" and ax.get_title() == "two seeds"
    assert [bar.get_height() for bar in ax.patches] == pytest.approx([0.995, 0.955, 0.835, 0.855])
    baseline = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert len(baseline) == 1 and baseline[0].get_ydata()[0] == pytest.approx(0.835)
    assert sum(len(line.get_xdata()) for line in ax.get_lines() if line.get_marker() == "o") == 8


def test_accuracy_figure_refuses_a_missing_baseline():
    with pytest.raises(ValueError, match="baseline 'plain'"):
        plot_accuracy_by_technique({"a": [0.9]}, {"a": [0.8]}, baseline="plain")


def test_paired_gains_figure_shows_each_seeds_gain_over_the_same_seeds_baseline():
    validation = {"no regularisation": [0.80, 0.78], "dropout": [0.81, 0.80], "augmentation": [0.79, 0.77]}
    fig = plot_paired_gains(validation, baseline="no regularisation", seeds=[0, 1], title="gains")
    (ax,) = fig.axes
    rows = {tick.get_text(): position for tick, position in zip(ax.get_yticklabels(), ax.get_yticks())}
    assert rows == {"dropout": 1, "augmentation": 0}   # the first technique on top
    assert [bar.get_width() for bar in ax.patches] == pytest.approx([1.5, -1.0])
    dots = {round(float(line.get_ydata()[0])): list(line.get_xdata()) for line in ax.get_lines()
            if line.get_marker() == "o" and len(line.get_xdata())}
    assert dots[1] == pytest.approx([1.0, 2.0]) and dots[0] == pytest.approx([-1.0, -1.0])
    assert sorted(text.get_text() for text in ax.texts) == ["0", "0", "1", "1"]
    assert "percentage points" in ax.get_xlabel() and ax.get_title() == "gains"


def test_paired_gains_figure_refuses_a_missing_seed():
    with pytest.raises(ValueError, match="one accuracy per seed"):
        plot_paired_gains({"plain": [0.8, 0.8], "dropout": [0.81]}, baseline="plain", seeds=[0, 1])
