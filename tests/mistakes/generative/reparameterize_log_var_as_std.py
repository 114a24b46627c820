"""Reads log_var as if it were the standard deviation itself."""
EXERCISE = "reparameterize"
EXPECTED_HINT = "not the standard deviation"


def reparameterize(mean, log_var, epsilon):
    return mean + log_var * epsilon
