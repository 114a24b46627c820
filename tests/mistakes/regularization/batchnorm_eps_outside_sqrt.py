"""Adds eps to the standard deviation instead of to the variance under the square root."""
import numpy as np

EXERCISE = "batchnorm_forward"
EXPECTED_HINT = "inside the square root"


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.99, eps=1e-3):
    if training:
        axes = tuple(range(x.ndim - 1))
        mean, var = x.mean(axis=axes), x.var(axis=axes)
        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
    return gamma * (x - mean) / (np.sqrt(var) + eps) + beta, running_mean, running_var
