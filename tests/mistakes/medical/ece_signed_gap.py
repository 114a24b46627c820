"""Sums the signed gaps, so that over- and under-confident bins cancel."""
import numpy as np

EXERCISE = "expected_calibration_error"
EXPECTED_HINT = "absolute gap"


def expected_calibration_error(probabilities, labels, num_bins=10):
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    bins = np.clip(np.ceil(confidence * num_bins).astype(int) - 1, 0, num_bins - 1)
    ece = 0.0
    for k in range(num_bins):
        inside = bins == k
        if inside.any():
            ece += inside.mean() * (correct[inside].mean() - confidence[inside].mean())
    return ece
