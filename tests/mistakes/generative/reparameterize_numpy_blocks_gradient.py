"""Computes the standard deviation with NumPy: right values, but no gradient reaches log_var."""
import numpy as np

EXERCISE = "reparameterize"
EXPECTED_HINT = "Use keras.ops"


def reparameterize(mean, log_var, epsilon):
    return mean + np.exp(0.5 * np.asarray(log_var)) * epsilon
