"""Drops the minus sign: the 'KL' comes out negative and training would push it further down."""
from keras import ops

EXERCISE = "kl_divergence"
EXPECTED_HINT = "sign is flipped"


def kl_divergence(mean, log_var):
    return 0.5 * ops.sum(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=-1)
