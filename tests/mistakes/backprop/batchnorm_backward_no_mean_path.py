"""Walks the graph down to xc and stops: dx = dxc, without the path through mu = mean(x)."""
import numpy as np

EXERCISE = "batchnorm_backward"
EXPECTED_HINT = "path through the mean is missing"


def batchnorm_backward(dout, x, gamma, eps=1e-3):
    axes = tuple(range(x.ndim - 1))
    count = x.size // x.shape[-1]
    mu = x.mean(axis=axes)
    xc = x - mu
    var = (xc ** 2).mean(axis=axes)
    inv = 1 / np.sqrt(var + eps)
    xhat = xc * inv
    dxhat = dout * gamma
    dinv = (dxhat * xc).sum(axis=axes)
    dvar = dinv * -0.5 * (var + eps) ** -1.5
    dxc = dxhat * inv + dvar * 2 * xc / count
    return dxc, (dout * xhat).sum(axis=axes), dout.sum(axis=axes)
