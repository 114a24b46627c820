"""Compares with each person's mean embedding instead of the nearest photo."""
import numpy as np

EXERCISE = "identify"
EXPECTED_HINT = "keep the nearest"


def identify(embedding, database, threshold):
    distances = {name: np.linalg.norm(np.mean(stored, axis=0) - embedding) for name, stored in database.items()}
    best = min(distances, key=distances.get)
    return best if distances[best] < threshold else None
