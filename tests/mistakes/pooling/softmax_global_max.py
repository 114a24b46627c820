"""Shifts by the maximum of the whole array, so a row far below it underflows to 0 / 0."""
import numpy as np

EXERCISE = "softmax"
EXPECTED_HINT = "not the maximum of the whole array"


def softmax(Z, axis=-1):
    exps = np.exp(Z - np.max(Z))
    return exps / np.sum(exps, axis=axis, keepdims=True)
