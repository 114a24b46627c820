"""Ignores the generator it is given and draws from NumPy's global one: runs cannot be repeated."""
import numpy as np

EXERCISE = "dropout_forward"
EXPECTED_HINT = "not with np.random"


def dropout_forward(x, rate, training, rng):
    if not training:
        return x
    keep = np.random.random(x.shape) >= rate
    return x * keep / (1 - rate)
