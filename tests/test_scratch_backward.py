"""cnnkit.scratch backward passes against tf.GradientTape, and the other notebook 03 helpers."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from test_scratch_and_plot import random_conv_case

from cnnkit import scratch
from cnnkit.grading.checks.backprop import tape_gradients


def random_conv_inputs(rng):
    """(A, W, b, stride, pad) of a random convolution case."""
    c = random_conv_case(rng)
    return (rng.normal(size=(c["m"], c["n_H"], c["n_W"], c["c_in"])),
            rng.normal(size=(c["kh"], c["kw"], c["c_in"], c["c_out"])), rng.normal(size=c["c_out"]),
            c["stride"], c["pad"])


@pytest.mark.parametrize("seed", range(60))
def test_conv_backward_matches_gradient_tape(seed):
    rng = np.random.default_rng(seed)
    A, W, b, stride, pad = random_conv_inputs(rng)
    Z, cache = scratch.conv_forward_cached(A, W, b, stride, pad)
    dZ = rng.normal(size=Z.shape)

    def tf_conv(A, W, b):
        return tf.nn.conv2d(A, W, strides=stride, padding=[[0, 0], [pad, pad], [pad, pad], [0, 0]]) + b

    expected = tape_gradients(tf_conv, (A, W, b), dZ)
    for name, mine, theirs in zip(("dA_prev", "dW", "db"), scratch.conv_backward(dZ, cache), expected):
        assert mine.shape == theirs.shape, name
        np.testing.assert_allclose(mine, theirs, atol=1e-5, rtol=1e-5, err_msg=name)


@pytest.mark.parametrize("mode", ["max", "average"])
@pytest.mark.parametrize("seed", range(40))
def test_pool_backward_matches_gradient_tape(seed, mode):
    rng = np.random.default_rng(1000 + seed)
    f, stride = int(rng.integers(1, 5)), int(rng.integers(1, 4))   # overlapping windows when stride < f
    A = rng.normal(size=(int(rng.integers(1, 4)), int(rng.integers(f, 12)), int(rng.integers(f, 12)),
                         int(rng.integers(1, 5))))
    out, cache = scratch.pool_forward_cached(A, f, stride, mode)
    dA = rng.normal(size=out.shape)
    tf_pool = tf.nn.max_pool2d if mode == "max" else tf.nn.avg_pool2d
    (expected,) = tape_gradients(lambda A: tf_pool(A, ksize=f, strides=stride, padding="VALID"), (A,), dA)
    np.testing.assert_allclose(out, tf_pool(A, ksize=f, strides=stride, padding="VALID").numpy(), atol=1e-12)
    np.testing.assert_allclose(scratch.pool_backward(dA, cache), expected, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("seed", range(20))
def test_conv_forward_fast_matches_the_loop_version(seed):
    A, W, b, stride, pad = random_conv_inputs(np.random.default_rng(seed))
    fast = scratch.conv_forward_fast(A, W, b, stride, pad)
    np.testing.assert_allclose(fast, scratch.conv_forward(A, W, b, stride, pad), atol=1e-10)


def test_numerical_gradient_is_second_order_accurate_and_leaves_x_alone():
    x = np.random.default_rng(0).normal(size=(3, 4))
    before = x.copy()
    grad = scratch.numerical_gradient(lambda v: np.sum(v ** 3), x, eps=1e-3)
    np.testing.assert_array_equal(x, before)
    # Central differences of v**3 are off by exactly eps**2; a one-sided difference would be off by ~3 v eps.
    np.testing.assert_allclose(grad, 3 * x ** 2 + 1e-6, atol=1e-9)


def test_numerical_gradient_agrees_with_conv_backward():
    rng = np.random.default_rng(1)
    A, W, b = rng.normal(size=(2, 5, 5, 2)), rng.normal(size=(3, 3, 2, 3)), rng.normal(size=3)
    Z, cache = scratch.conv_forward_cached(A, W, b, 2, 1)
    dZ = rng.normal(size=Z.shape)
    dA, dW, db = scratch.conv_backward(dZ, cache)
    np.testing.assert_allclose(dW, scratch.numerical_gradient(
        lambda W_: np.sum(scratch.conv_forward(A, W_, b, 2, 1) * dZ), W), atol=1e-6)
    np.testing.assert_allclose(dA, scratch.numerical_gradient(
        lambda A_: np.sum(scratch.conv_forward(A_, W, b, 2, 1) * dZ), A), atol=1e-6)


def test_sgd_step_moves_against_the_gradient_and_copies():
    params = {"W": np.ones((2, 2)), "b": np.zeros(2)}
    grads = {"W": np.full((2, 2), 2.0), "b": np.array([1.0, -1.0])}
    updated = scratch.sgd_step(params, grads, lr=0.1)
    np.testing.assert_allclose(updated["W"], 0.8)
    np.testing.assert_allclose(updated["b"], [-0.1, 0.1])
    np.testing.assert_array_equal(params["W"], 1.0)   # inputs untouched


def test_pool_modes_are_checked():
    A = np.zeros((1, 4, 4, 1))
    with pytest.raises(ValueError, match="'max' or 'average'"):
        scratch.pool_forward(A, 2, 2, mode="mean")
    with pytest.raises(ValueError, match="'max' or 'average'"):
        scratch.pool_backward(np.zeros((1, 2, 2, 1)), (A, 2, 2, "avg"))


def test_max_pool_backward_passes_each_gradient_on_once_when_values_tie():
    A = np.zeros((1, 4, 4, 2))          # all values tie, as after a ReLU that zeroed everything
    A[0, 0, 0, 1] = 1.0                 # except one clear maximum in one window of channel 1
    dA = np.arange(1.0, 9.0).reshape(1, 2, 2, 2)
    _, cache = scratch.pool_forward_cached(A, 2, 2, "max")
    dA_prev = scratch.pool_backward(dA, cache)
    np.testing.assert_allclose(dA_prev.reshape(1, 2, 2, 2, 2, 2).sum(axis=(2, 4)), dA)
    assert dA_prev[0, 0, 0, 1] == dA[0, 0, 0, 1] and np.all(dA_prev[0, :2, :2, 1].ravel()[1:] == 0)
    np.testing.assert_allclose(dA_prev[0, :2, :2, 0], dA[0, 0, 0, 0] / 4)
