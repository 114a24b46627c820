"""Subtracts the margin instead of adding it."""
import numpy as np

EXERCISE = "triplet_loss"
EXPECTED_HINT = "margin's sign is flipped"


def triplet_loss(anchor, positive, negative, margin=0.2):
    d_ap = np.sum((anchor - positive) ** 2, axis=-1)
    d_an = np.sum((anchor - negative) ** 2, axis=-1)
    return np.mean(np.maximum(d_ap - d_an - margin, 0.0))
