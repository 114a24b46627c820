"""Computes a textbook convolution by hand: the kernel is turned by 180 degrees first."""
import numpy as np

EXERCISE = "correlate_by_hand"
EXPECTED_HINT = "kernel flipped"


def correlate_by_hand():
    # Flipped K = [[0, 2], [-1, 1]]; output[0, 0] = 1*0 + 0*2 + 4*(-1) + 1*1 + 1 = -2.
    return np.array([[-2, 4, 8],
                     [5, 0, 2],
                     [3, 2, 3]])
