"""Compares squared distances with the Euclidean threshold."""
import numpy as np

EXERCISE = "identify"
EXPECTED_HINT = "compared the squared distance"


def identify(embedding, database, threshold):
    nearest = {name: np.sum((np.asarray(stored) - embedding) ** 2, axis=-1).min() for name, stored in database.items()}
    best = min(nearest, key=nearest.get)
    return best if nearest[best] < threshold else None
