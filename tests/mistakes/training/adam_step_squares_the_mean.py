"""Builds v from the square of the running mean m instead of the square of the gradient."""
import numpy as np

EXERCISE = "adam_step"
EXPECTED_HINT = "not of the squared m"


def adam_step(param, grad, m, v, t, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * m**2
    step_size = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return param - step_size * m / (np.sqrt(v) + epsilon), m, v
