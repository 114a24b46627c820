"""Pads the channel axis too, adding zero channels."""
import numpy as np

EXERCISE = "zero_pad"
EXPECTED_HINT = "channel axis"


def zero_pad(X, pad):
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (pad, pad)))
