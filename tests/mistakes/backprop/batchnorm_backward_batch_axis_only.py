"""Takes the statistics (and sums the gradients) over the batch axis only, as for a dense layer."""
import numpy as np

EXERCISE = "batchnorm_backward"
EXPECTED_HINT = "not over the batch axis only"


def batchnorm_backward(dout, x, gamma, eps=1e-3):
    count = x.shape[0]
    inv = 1 / np.sqrt(x.var(axis=0) + eps)
    xhat = (x - x.mean(axis=0)) * inv
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    return gamma * inv / count * (count * dout - dbeta - xhat * dgamma), dgamma, dbeta
