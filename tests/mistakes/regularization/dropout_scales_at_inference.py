"""Scales correctly in training, then scales again at inference."""
import numpy as np

EXERCISE = "dropout_forward"
EXPECTED_HINT = "nothing is scaled at inference"


def dropout_forward(x, rate, training, rng):
    if not training:
        return x / (1 - rate)
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / (1 - rate), 0.0)
