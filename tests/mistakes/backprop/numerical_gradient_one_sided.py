"""A forward difference: (f(x + eps) - f(x)) / eps, with an error proportional to eps."""
import numpy as np

EXERCISE = "numerical_gradient"
EXPECTED_HINT = "one-sided"


def numerical_gradient(f, x, eps=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    f_x = f(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + eps
        grad[index] = (f(x) - f_x) / eps
        x[index] = saved
    return grad
