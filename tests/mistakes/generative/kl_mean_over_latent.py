"""Averages over the latent dimensions instead of adding their KLs."""
from keras import ops

EXERCISE = "kl_divergence"
EXPECTED_HINT = "do not average"


def kl_divergence(mean, log_var):
    return -0.5 * ops.mean(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=-1)
