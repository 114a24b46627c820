"""Expands ||a - b||^2 but forgets the -2 a.b term."""
import numpy as np

EXERCISE = "pairwise_distances"
EXPECTED_HINT = "cross term is missing"


def pairwise_distances(embeddings):
    norms = np.sum(embeddings**2, axis=1)
    return norms[:, None] + norms[None, :]
