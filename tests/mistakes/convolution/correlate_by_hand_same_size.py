"""Expects the output to keep the input's 4x4 size, as if the input were padded."""
import numpy as np

EXERCISE = "correlate_by_hand"
EXPECTED_HINT = "no padding"


def correlate_by_hand():
    return np.array([[10, 1, 0, 4],
                     [4, 6, 2, 2],
                     [5, 4, 2, 1],
                     [4, 2, 1, 3]])
