"""Forgets the max(..., 0): easy triplets give a negative loss."""
import numpy as np

EXERCISE = "triplet_loss"
EXPECTED_HINT = "hinge is missing"


def triplet_loss(anchor, positive, negative, margin=0.2):
    d_ap = np.sum((anchor - positive) ** 2, axis=-1)
    d_an = np.sum((anchor - negative) ** 2, axis=-1)
    return np.mean(d_ap - d_an + margin)
