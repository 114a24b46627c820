"""Works on a copy, but leaves each entry at x - eps before moving to the next one."""
import numpy as np

EXERCISE = "numerical_gradient"
EXPECTED_HINT = "back to its original value"


def numerical_gradient(f, x, eps=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        x[index] += eps
        f_plus = f(x)
        x[index] -= 2 * eps
        f_minus = f(x)
        grad[index] = (f_plus - f_minus) / (2 * eps)
    return grad
