"""Writes the window sums down the columns instead of along the rows."""
import numpy as np

EXERCISE = "correlate_by_hand"
EXPECTED_HINT = "transpose"


def correlate_by_hand():
    return np.array([[10, 4, 5],
                     [1, 6, 4],
                     [0, 2, 2]])
