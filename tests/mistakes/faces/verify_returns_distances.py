"""Returns the distances instead of the decisions."""
import numpy as np

EXERCISE = "verify"
EXPECTED_HINT = "return booleans"


def verify(embedding_a, embedding_b, threshold):
    return np.linalg.norm(np.asarray(embedding_a) - np.asarray(embedding_b), axis=-1)
