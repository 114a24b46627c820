"""Gives gamma the gradient of beta: forgets that gamma multiplies xhat."""
import numpy as np

EXERCISE = "batchnorm_backward"
EXPECTED_HINT = "not of dout alone"


def batchnorm_backward(dout, x, gamma, eps=1e-3):
    axes = tuple(range(x.ndim - 1))
    count = x.size // x.shape[-1]
    inv = 1 / np.sqrt(x.var(axis=axes) + eps)
    xhat = (x - x.mean(axis=axes)) * inv
    dbeta = dout.sum(axis=axes)
    dgamma = (dout * xhat).sum(axis=axes)
    return gamma * inv / count * (count * dout - dbeta - xhat * dgamma), dbeta, dbeta
