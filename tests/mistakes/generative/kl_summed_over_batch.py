"""Sums over the batch too, returning one number instead of one KL per example."""
from keras import ops

EXERCISE = "kl_divergence"
EXPECTED_HINT = "one value per example"


def kl_divergence(mean, log_var):
    return -0.5 * ops.sum(1.0 + log_var - ops.square(mean) - ops.exp(log_var))
