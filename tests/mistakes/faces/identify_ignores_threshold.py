"""Always returns the closest name, even for a face that is nobody in the database."""
import numpy as np

EXERCISE = "identify"
EXPECTED_HINT = "apply the threshold"


def identify(embedding, database, threshold):
    nearest = {name: np.linalg.norm(np.asarray(stored) - embedding, axis=-1).min() for name, stored in database.items()}
    return min(nearest, key=nearest.get)
