"""Bins with np.floor(confidence * B): a confidence of exactly 1.0 falls in a bin that is never visited."""
import numpy as np

EXERCISE = "expected_calibration_error"
EXPECTED_HINT = "exactly 1.0 belongs to the last bin"


def expected_calibration_error(probabilities, labels, num_bins=10):
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    bins = np.floor(confidence * num_bins).astype(int)
    ece = 0.0
    for k in range(num_bins):
        inside = bins == k
        if inside.any():
            ece += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return ece
