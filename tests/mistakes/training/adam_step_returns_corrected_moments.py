"""Returns the bias-corrected m_hat and v_hat, which the next step then corrects again."""
import numpy as np

EXERCISE = "adam_step"
EXPECTED_HINT = "not the bias-corrected"


def adam_step(param, grad, m, v, t, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * grad**2
    m_hat = m / (1 - beta_1**t)
    v_hat = v / (1 - beta_2**t)
    step_size = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return param - step_size * m / (np.sqrt(v) + epsilon), m_hat, v_hat
