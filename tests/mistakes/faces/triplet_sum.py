"""Sums over the batch instead of averaging."""
import numpy as np

EXERCISE = "triplet_loss"
EXPECTED_HINT = "instead of summing"


def triplet_loss(anchor, positive, negative, margin=0.2):
    d_ap = np.sum((anchor - positive) ** 2, axis=-1)
    d_an = np.sum((anchor - negative) ** 2, axis=-1)
    return np.sum(np.maximum(d_ap - d_an + margin, 0.0))
