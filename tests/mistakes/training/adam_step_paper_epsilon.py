"""The paper's Algorithm 1, epsilon added to sqrt(v_hat): Keras adds it to the uncorrected sqrt(v)."""
import numpy as np

EXERCISE = "adam_step"
EXPECTED_HINT = "adds epsilon to the uncorrected sqrt(v)"


def adam_step(param, grad, m, v, t, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * grad**2
    m_hat = m / (1 - beta_1**t)
    v_hat = v / (1 - beta_2**t)
    return param - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), m, v
