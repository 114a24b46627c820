"""Forgets to add the bias."""
import numpy as np

EXERCISE = "conv_single_step"
EXPECTED_HINT = "bias"


def conv_single_step(a_slice, W, b):
    return float(np.sum(a_slice * W))
