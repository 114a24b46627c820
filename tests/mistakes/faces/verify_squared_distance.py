"""Compares the squared distance with a threshold that is a Euclidean distance."""
import numpy as np

EXERCISE = "verify"
EXPECTED_HINT = "compared the squared distance"


def verify(embedding_a, embedding_b, threshold):
    return np.sum((np.asarray(embedding_a) - np.asarray(embedding_b)) ** 2, axis=-1) < threshold
