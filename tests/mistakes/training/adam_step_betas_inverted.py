"""Reads beta as the weight of the new gradient instead of the share of the old average kept."""
import numpy as np

EXERCISE = "adam_step"
EXPECTED_HINT = "share of the old average"


def adam_step(param, grad, m, v, t, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = (1 - beta_1) * m + beta_1 * grad
    v = (1 - beta_2) * v + beta_2 * grad**2
    step_size = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return param - step_size * m / (np.sqrt(v) + epsilon), m, v
