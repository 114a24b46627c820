"""Activation functions in NumPy (notebook 02)."""

from __future__ import annotations

import numpy as np


# From notebook 02, pooling and activations.
def relu(Z):
    """Rectified linear unit, element by element: max(z, 0).

    Args:
        Z: array of any shape.

    Returns:
        A new array of the same shape; negative values become 0, the others are kept.
    """
    return np.maximum(Z, 0)


def softmax(Z, axis=-1):
    """Softmax along one axis, safe for large inputs.

    Args:
        Z: array of any shape, e.g. (m, n_classes) scores.
        axis: the axis whose values become probabilities (the last one by default).

    Returns:
        An array of the same shape, positive, summing to 1 along ``axis``.
    """
    # Subtracting each slice's maximum changes nothing mathematically (it cancels in the
    # ratio) but keeps np.exp from overflowing: the largest exponent is now exp(0) = 1.
    shifted = Z - np.max(Z, axis=axis, keepdims=True)
    exps = np.exp(shifted)
    return exps / np.sum(exps, axis=axis, keepdims=True)
