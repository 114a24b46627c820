"""Calls a pair the same person when it is far apart."""
import numpy as np

EXERCISE = "verify"
EXPECTED_HINT = "comparison is reversed"


def verify(embedding_a, embedding_b, threshold):
    return np.linalg.norm(np.asarray(embedding_a) - np.asarray(embedding_b), axis=-1) > threshold
