"""Uses log_var where the variance exp(log_var) belongs."""
from keras import ops

EXERCISE = "kl_divergence"
EXPECTED_HINT = "log_var is a log"


def kl_divergence(mean, log_var):
    return -0.5 * ops.sum(1.0 + log_var - ops.square(mean) - log_var, axis=-1)
