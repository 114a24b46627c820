"""Treats t as counting from 0 and adds one, so the bias correction is a step behind."""
import numpy as np

EXERCISE = "adam_step"
EXPECTED_HINT = "t already counts from 1"


def adam_step(param, grad, m, v, t, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    step = t + 1
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * grad**2
    step_size = learning_rate * np.sqrt(1 - beta_2**step) / (1 - beta_1**step)
    return param - step_size * m / (np.sqrt(v) + epsilon), m, v
