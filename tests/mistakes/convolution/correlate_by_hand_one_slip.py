"""One window summed wrongly: output[1, 2] took X[1, 3] * K[0, 1] as +1 instead of -1."""
import numpy as np

EXERCISE = "correlate_by_hand"
EXPECTED_HINT = "X[1:3, 2:4]"


def correlate_by_hand():
    return np.array([[10, 1, 0],
                     [4, 6, 4],
                     [5, 4, 2]])
