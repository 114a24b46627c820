"""cnnkit.scratch against TensorFlow on many random cases, and cnnkit.plot figures."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import tensorflow as tf

from cnnkit import plot, scratch


def random_conv_case(rng):
    kh, kw = (int(k) for k in rng.integers(1, 6, size=2))
    return dict(
        m=int(rng.integers(1, 4)), n_H=int(rng.integers(kh, 13)), n_W=int(rng.integers(kw, 13)),
        c_in=int(rng.integers(1, 5)), kh=kh, kw=kw, c_out=int(rng.integers(1, 5)),
        stride=int(rng.integers(1, 4)), pad=int(rng.integers(0, 4)),
    )


@pytest.mark.parametrize("seed", range(60))
def test_conv_forward_matches_tf_nn_conv2d(seed):
    rng = np.random.default_rng(seed)
    c = random_conv_case(rng)
    A = rng.normal(size=(c["m"], c["n_H"], c["n_W"], c["c_in"]))
    W = rng.normal(size=(c["kh"], c["kw"], c["c_in"], c["c_out"]))
    b = rng.normal(size=c["c_out"])
    pad = c["pad"]
    expected = tf.nn.conv2d(A, W, strides=c["stride"], padding=[[0, 0], [pad, pad], [pad, pad], [0, 0]]).numpy() + b
    Z = scratch.conv_forward(A, W, b, c["stride"], pad)
    assert Z.shape == expected.shape
    np.testing.assert_allclose(Z, expected, atol=1e-5)
    assert Z.shape[1] == scratch.conv_output_size(c["n_H"], c["kh"], pad, c["stride"])


def test_zero_pad_and_param_count():
    X = np.ones((2, 3, 4, 5))
    padded = scratch.zero_pad(X, 2)
    assert padded.shape == (2, 7, 8, 5) and padded.sum() == X.sum()
    assert scratch.conv_param_count(3, 3, 3, 64) == 1792
    assert scratch.conv_param_count(1, 1, 64, 32, bias=False) == 2048


def test_show_images_titles_and_layout():
    fig = plot.show_images(np.random.rand(5, 8, 8, 1), titles=list("abcde"), ncols=3)
    titled = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titled == list("abcde") and len(fig.axes) == 6
    plt.close(fig)


def test_show_images_rejects_wrong_title_count_and_shapes():
    with pytest.raises(ValueError, match="titles"):
        plot.show_images(np.zeros((2, 4, 4)), titles=["one"])
    with pytest.raises(ValueError, match="shape"):
        plot.show_images([np.zeros((2, 4, 4, 4))])


def test_show_kernel_effect_computes_a_valid_cross_correlation():
    image = np.zeros((10, 10))
    image[:, 5:] = 1.0
    fig = plot.show_kernel_effect(image, np.array([[-1, 0, 1]] * 3), name="vertical edges")
    result = fig.axes[2].images[0].get_array()
    assert result.shape == (8, 8) and result.max() == 3.0  # the edge lights up
    assert fig.axes[1].get_title() == "vertical edges 3x3"
    plt.close(fig)


def test_show_feature_maps_one_panel_per_channel():
    fig = plot.show_feature_maps(np.random.rand(1, 6, 6, 4), title="maps")
    assert [ax.get_title() for ax in fig.axes] == ["map 0", "map 1", "map 2", "map 3"]
    assert fig._suptitle.get_text() == "maps"
    plt.close(fig)
    with pytest.raises(ValueError, match="channels"):
        plot.show_feature_maps(np.zeros((6, 6)))


def test_show_images_centre_zero_makes_limits_symmetric():
    fig = plot.show_images([np.array([[-1.0, 3.0], [0.0, 1.0]]), np.random.rand(4, 4, 3)], centre_zero=True)
    assert fig.axes[0].images[0].get_clim() == (-3.0, 3.0)
    plt.close(fig)
    fig = plot.show_images([np.array([[-1.0, 3.0], [0.0, 1.0]])])
    assert fig.axes[0].images[0].get_clim() == (-1.0, 3.0)  # default: the data's own range
    plt.close(fig)


def test_plot_curves_draws_one_labelled_line_per_curve():
    fig, (left, right) = plt.subplots(1, 2)
    plot.plot_curves({"a": ([1, 2, 3], [1, 4, 9]), "b": ([1, 2], [2, 3])}, "x", "y", title="t", ax=right, logy=True)
    assert [line.get_label() for line in right.lines] == ["a", "b"] and not left.lines
    assert right.get_yscale() == "log" and right.get_xlabel() == "x" and right.get_title() == "t"
    plt.close(fig)
    with pytest.raises(ValueError, match="'c'"):
        plot.plot_curves({"c": ([1, 2], [1])}, "x", "y")


def test_plot_points_labels_each_point_and_writes_log_ticks_as_plain_numbers():
    fig = plot.plot_points({"small": (1_000, 0.8), "large": (1_000_000, 0.9)}, "parameters", "accuracy",
                           title="models", logx=True)
    ax = fig.axes[0]
    assert [text.get_text() for text in ax.texts] == ["small", "large"]
    assert ax.get_xscale() == "log" and ax.get_title() == "models"
    assert ax.xaxis.get_major_formatter()(10_000, 0) == "10,000"
    plt.close(fig)


def test_plot_history_names_what_the_validation_curves_measure():
    history = {"iou": [0.5, 0.6], "val_iou": [0.4, 0.55]}
    fig = plot.plot_history({"U-Net": history}, metrics=("iou",), validation_label="held-out", title="skips")
    assert [line.get_label() for line in fig.axes[0].lines] == ["U-Net, training", "U-Net, held-out"]
    assert fig._suptitle.get_text() == "skips"
    plt.close(fig)


def test_every_plot_function_returns_a_figure_or_says_it_returns_an_image_array():
    for name, function in inspect.getmembers(plot, inspect.isfunction):
        if name.startswith("_") or function.__module__ != plot.__name__:
            continue
        parameters = inspect.signature(function).parameters
        assert "suptitle" not in parameters and "names" not in parameters, f"{name}: use title and titles"
        returns = inspect.signature(function).return_annotation
        assert returns == "Figure" or (returns == "np.ndarray" and "image array" in function.__doc__), name


def test_plot_is_a_leaf_that_no_cnnkit_module_imports():
    package = Path(plot.__file__).parent
    importers = [path.name for path in package.rglob("*.py") if path.name != "plot.py"
                 and re.search(r"^\s*(from cnnkit\.plot import|import cnnkit\.plot|from cnnkit import [^\n]*\bplot\b)",
                               path.read_text(encoding="utf-8"), flags=re.M)]
    assert importers == []
