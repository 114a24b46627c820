"""Scales epsilon by the variance, exp(log_var), instead of the standard deviation exp(log_var / 2)."""
from keras import ops

EXERCISE = "reparameterize"
EXPECTED_HINT = "exp(log_var) is the variance"


def reparameterize(mean, log_var, epsilon):
    return mean + ops.exp(log_var) * epsilon
