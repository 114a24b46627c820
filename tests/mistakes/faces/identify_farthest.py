"""Takes the largest distance as the best match."""
import numpy as np

EXERCISE = "identify"
EXPECTED_HINT = "picked the farthest"


def identify(embedding, database, threshold):
    nearest = {name: np.linalg.norm(np.asarray(stored) - embedding, axis=-1).min() for name, stored in database.items()}
    best = max(nearest, key=nearest.get)
    return best if nearest[best] < threshold else None
