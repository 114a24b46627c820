"""Sums the products of every window but forgets the bias b = 1."""
import numpy as np

EXERCISE = "correlate_by_hand"
EXPECTED_HINT = "bias is missing"


def correlate_by_hand():
    return np.array([[9, 0, -1],
                     [3, 5, 1],
                     [4, 3, 1]])
