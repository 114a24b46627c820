"""Sums over the pairs instead of over the features."""
import numpy as np

EXERCISE = "verify"
EXPECTED_HINT = "one bool per pair"


def verify(embedding_a, embedding_b, threshold):
    return np.sqrt(np.sum((np.asarray(embedding_a) - np.asarray(embedding_b)) ** 2, axis=0)) < threshold
