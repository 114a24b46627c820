"""cnnkit.scratch against TensorFlow on many random cases, and cnnkit.plot figures."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

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
