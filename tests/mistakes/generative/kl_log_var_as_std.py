"""Treats log_var as the standard deviation: variance log_var**2 and its log."""
from keras import ops

EXERCISE = "kl_divergence"
EXPECTED_HINT = "treated as a standard deviation"


def kl_divergence(mean, log_var):
    variance = ops.square(log_var)
    return -0.5 * ops.sum(1.0 + ops.log(variance) - ops.square(mean) - variance, axis=-1)
