"""Central differences divided by eps instead of 2 * eps."""
import numpy as np

EXERCISE = "numerical_gradient"
EXPECTED_HINT = "2 * eps"


def numerical_gradient(f, x, eps=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + eps
        f_plus = f(x)
        x[index] = saved - eps
        f_minus = f(x)
        x[index] = saved
        grad[index] = (f_plus - f_minus) / eps
    return grad
