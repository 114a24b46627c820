"""Updates the moving variance with the unbiased batch variance (ddof=1), as PyTorch does; Keras uses the biased one."""
import numpy as np

EXERCISE = "batchnorm_forward"
EXPECTED_HINT = "not the unbiased one (ddof=1"


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.99, eps=1e-3):
    if not training:
        return gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta, running_mean, running_var
    axes = tuple(range(x.ndim - 1))
    mean, var = x.mean(axis=axes), x.var(axis=axes)
    new_mean = momentum * running_mean + (1 - momentum) * mean
    new_var = momentum * running_var + (1 - momentum) * x.var(axis=axes, ddof=1)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta, new_mean, new_var
