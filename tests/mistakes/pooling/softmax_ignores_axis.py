"""Always normalises along the last axis."""
import numpy as np

EXERCISE = "softmax"
EXPECTED_HINT = "use the axis argument"


def softmax(Z, axis=-1):
    exps = np.exp(Z - np.max(Z, axis=-1, keepdims=True))
    return exps / np.sum(exps, axis=-1, keepdims=True)
