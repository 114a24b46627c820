"""Normalises with the batch's own statistics at inference too, ignoring the running ones."""
import numpy as np

EXERCISE = "batchnorm_forward"
EXPECTED_HINT = "At inference (training=False) normalise with running_mean"


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.99, eps=1e-3):
    axes = tuple(range(x.ndim - 1))
    mean, var = x.mean(axis=axes), x.var(axis=axes)
    if training:
        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var
    return gamma * (x - mean) / np.sqrt(var + eps) + beta, running_mean, running_var
