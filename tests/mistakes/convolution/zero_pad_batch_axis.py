"""Pads every axis but the channels: the batch grows by 2 * pad images of zeros."""
import numpy as np

EXERCISE = "zero_pad"
EXPECTED_HINT = "batch axis"


def zero_pad(X, pad):
    return np.pad(X, ((pad, pad), (pad, pad), (pad, pad), (0, 0)))
