"""Perturbs the caller's array and never restores it."""
import numpy as np

EXERCISE = "numerical_gradient"
EXPECTED_HINT = "changed the array x"


def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        x[index] += eps
        f_plus = f(x)
        x[index] -= 2 * eps
        f_minus = f(x)
        grad[index] = (f_plus - f_minus) / (2 * eps)
    return grad
