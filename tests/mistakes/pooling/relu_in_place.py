"""Writes the zeros into the input array."""

EXERCISE = "relu"
EXPECTED_HINT = "changed its input"


def relu(Z):
    Z[Z < 0] = 0
    return Z
