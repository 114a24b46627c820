"""Divides by the sum of the whole array, so only the total is 1."""
import numpy as np

EXERCISE = "softmax"
EXPECTED_HINT = "whole array sums to 1"


def softmax(Z, axis=-1):
    exps = np.exp(Z - np.max(Z, axis=axis, keepdims=True))
    return exps / np.sum(exps)
