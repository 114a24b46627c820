"""The textbook formula without the max shift: np.exp(1000) is inf, inf / inf is nan."""
import numpy as np

EXERCISE = "softmax"
EXPECTED_HINT = "overflows"


def softmax(Z, axis=-1):
    exps = np.exp(Z)
    return exps / np.sum(exps, axis=axis, keepdims=True)
