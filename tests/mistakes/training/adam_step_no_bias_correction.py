"""Adam without the bias correction: the first steps are far too small (m and v start at zero)."""
import numpy as np

EXERCISE = "adam_step"
EXPECTED_HINT = "bias correction is missing"


def adam_step(param, grad, m, v, t, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * grad**2
    return param - learning_rate * m / (np.sqrt(v) + epsilon), m, v
