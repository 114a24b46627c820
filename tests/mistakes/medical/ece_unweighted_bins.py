"""Averages the bins' gaps without weighting them by how many samples each holds."""
import numpy as np

EXERCISE = "expected_calibration_error"
EXPECTED_HINT = "weighted by the share of the samples"


def expected_calibration_error(probabilities, labels, num_bins=10):
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    bins = np.clip(np.ceil(confidence * num_bins).astype(int) - 1, 0, num_bins - 1)
    gaps = [abs(correct[bins == k].mean() - confidence[bins == k].mean()) for k in range(num_bins) if np.any(bins == k)]
    return float(np.mean(gaps))
