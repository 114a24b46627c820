"""Gradients by finite differences, to check hand-written backward passes (notebook 03)."""

from __future__ import annotations

import numpy as np


# From notebook 03, backpropagation from scratch.
def numerical_gradient(f, x, eps=1e-5):
    """Gradient of a scalar function by central differences, one entry of ``x`` at a time.

    Args:
        f: function that takes an array shaped like ``x`` and returns a number.
        x: the point where the gradient is wanted, an array of any shape.
        eps: the step added to and subtracted from each entry.

    Returns:
        Array of the same shape as ``x``: entry i is (f(x + eps e_i) - f(x - eps e_i)) / (2 eps).
        ``x`` itself is left unchanged.
    """
    x = np.array(x, dtype=np.float64)   # a float copy: the caller's array never changes
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + eps
        f_plus = f(x)
        x[index] = saved - eps
        f_minus = f(x)
        x[index] = saved                 # restore before moving on to the next entry
        grad[index] = (f_plus - f_minus) / (2 * eps)
    return grad
