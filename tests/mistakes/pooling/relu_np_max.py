"""np.max(Z, 0) instead of np.maximum(Z, 0): a reduction along axis 0, not an element-wise max."""
import numpy as np

EXERCISE = "relu"
EXPECTED_HINT = "np.maximum"


def relu(Z):
    return np.max(Z, 0)
