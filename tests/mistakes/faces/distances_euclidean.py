"""Takes the square root: Euclidean distances instead of squared ones."""
import numpy as np

EXERCISE = "pairwise_distances"
EXPECTED_HINT = "without the square root"


def pairwise_distances(embeddings):
    differences = embeddings[:, None, :] - embeddings[None, :, :]
    return np.sqrt(np.sum(differences**2, axis=-1))
