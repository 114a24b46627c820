"""Averages over the batch axis only: each pixel of each channel gets its own statistics."""
import numpy as np

EXERCISE = "batchnorm_forward"
EXPECTED_HINT = "every axis but the last"


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.99, eps=1e-3):
    if training:
        mean, var = x.mean(axis=0), x.var(axis=0)
        new_mean = momentum * running_mean + (1 - momentum) * mean
        new_var = momentum * running_var + (1 - momentum) * var
    else:
        mean, var, new_mean, new_var = running_mean, running_var, running_mean, running_var
    return gamma * (x - mean) / np.sqrt(var + eps) + beta, new_mean, new_var
