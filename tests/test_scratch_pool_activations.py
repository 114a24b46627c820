"""cnnkit.scratch pooling, activations and receptive fields (notebook 02) against TensorFlow."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from cnnkit import scratch
from cnnkit.grading.checks.pooling import receptive_field_by_gradient


@pytest.mark.parametrize("mode", ["max", "average"])
@pytest.mark.parametrize("seed", range(15))
def test_pool_forward_matches_tf(seed, mode):
    rng = np.random.default_rng(seed)
    f, stride = int(rng.integers(1, 5)), int(rng.integers(1, 4))
    A = rng.normal(size=(2, int(rng.integers(f, 12)), int(rng.integers(f, 12)), 3))
    tf_pool = tf.nn.max_pool2d if mode == "max" else tf.nn.avg_pool2d
    expected = tf_pool(A, ksize=f, strides=stride, padding="VALID").numpy()
    np.testing.assert_allclose(scratch.pool_forward(A, f, stride, mode), expected, atol=1e-12)


def test_global_pooling_is_pooling_over_the_whole_map():
    A = np.random.default_rng(0).normal(size=(2, 6, 5, 4))
    np.testing.assert_allclose(scratch.pool_forward(A, 5, 1, "average")[:, 0, 0], A[:, :5].mean(axis=(1, 2)))


def test_relu_and_softmax_match_tf_and_survive_large_inputs():
    Z = np.random.default_rng(1).normal(size=(4, 5)) * 3
    np.testing.assert_array_equal(scratch.relu(Z), tf.nn.relu(Z).numpy())
    for axis in (0, 1, -1):
        np.testing.assert_allclose(scratch.softmax(Z, axis=axis), tf.nn.softmax(Z, axis=axis).numpy(), atol=1e-12)
    big = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]])
    probs = scratch.softmax(big)
    assert np.all(np.isfinite(probs))
    np.testing.assert_allclose(probs, tf.nn.softmax(big).numpy(), atol=1e-12)


@pytest.mark.parametrize("layers", [[], [(3, 1)], [(3, 1), (3, 1)], [(3, 1), (2, 2), (3, 1)],
                                    [(7, 2), (3, 2), (3, 1), (3, 1)], [(11, 4), (3, 2), (5, 1), (3, 2), (3, 1)]])
def test_receptive_field_matches_gradient_of_a_conv_stack(layers):
    assert scratch.receptive_field(layers) == receptive_field_by_gradient(layers)
