"""Averages the squared differences over the features instead of summing them."""
import numpy as np

EXERCISE = "pairwise_distances"
EXPECTED_HINT = "do not average"


def pairwise_distances(embeddings):
    differences = embeddings[:, None, :] - embeddings[None, :, :]
    return np.mean(differences**2, axis=-1)
