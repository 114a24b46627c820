"""Follows the mean's path but forgets that the variance depends on x too."""
import numpy as np

EXERCISE = "batchnorm_backward"
EXPECTED_HINT = "path through the variance is missing"


def batchnorm_backward(dout, x, gamma, eps=1e-3):
    axes = tuple(range(x.ndim - 1))
    count = x.size // x.shape[-1]
    inv = 1 / np.sqrt(x.var(axis=axes) + eps)
    xhat = (x - x.mean(axis=axes)) * inv
    dxc = dout * gamma * inv
    dmu = -dxc.sum(axis=axes)
    return dxc + dmu / count, (dout * xhat).sum(axis=axes), dout.sum(axis=axes)
