"""Uses the probability of the true class as the confidence, instead of the predicted class's."""
import numpy as np

EXERCISE = "expected_calibration_error"
EXPECTED_HINT = "the *predicted* class"


def expected_calibration_error(probabilities, labels, num_bins=10):
    confidence = probabilities[np.arange(len(labels)), labels]
    correct = probabilities.argmax(axis=1) == labels
    bins = np.clip(np.ceil(confidence * num_bins).astype(int) - 1, 0, num_bins - 1)
    ece = 0.0
    for k in range(num_bins):
        inside = bins == k
        if inside.any():
            ece += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return ece
