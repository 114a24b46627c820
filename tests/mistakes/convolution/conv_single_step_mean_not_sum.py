"""Averages the products over the window instead of summing them."""
import numpy as np

EXERCISE = "conv_single_step"
EXPECTED_HINT = "sum everything"


def conv_single_step(a_slice_prev, W, b):
    return float(np.mean(a_slice_prev * W) + np.squeeze(b))
