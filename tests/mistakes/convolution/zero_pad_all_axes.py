"""The shortcut np.pad(X, pad) pads all four axes."""
import numpy as np

EXERCISE = "zero_pad"
EXPECTED_HINT = "padded every axis"


def zero_pad(X, pad):
    return np.pad(X, pad)
