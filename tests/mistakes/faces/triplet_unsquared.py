"""Uses Euclidean distances where the loss wants squared ones."""
import numpy as np

EXERCISE = "triplet_loss"
EXPECTED_HINT = "not their square roots"


def triplet_loss(anchor, positive, negative, margin=0.2):
    d_ap = np.linalg.norm(anchor - positive, axis=-1)
    d_an = np.linalg.norm(anchor - negative, axis=-1)
    return np.mean(np.maximum(d_ap - d_an + margin, 0.0))
