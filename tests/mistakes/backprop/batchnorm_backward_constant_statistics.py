"""Treats the batch mean and variance as constants: only the direct path from out to x."""
import numpy as np

EXERCISE = "batchnorm_backward"
EXPECTED_HINT = "as constants"


def batchnorm_backward(dout, x, gamma, eps=1e-3):
    axes = tuple(range(x.ndim - 1))
    inv = 1 / np.sqrt(x.var(axis=axes) + eps)
    xhat = (x - x.mean(axis=axes)) * inv
    return dout * gamma * inv, (dout * xhat).sum(axis=axes), dout.sum(axis=axes)
