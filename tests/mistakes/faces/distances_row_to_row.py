"""Subtracts the embeddings without broadcasting, giving one distance per row."""
import numpy as np

EXERCISE = "pairwise_distances"
EXPECTED_HINT = "compute every pair"


def pairwise_distances(embeddings):
    return np.sum((embeddings - embeddings[::-1]) ** 2, axis=-1)
