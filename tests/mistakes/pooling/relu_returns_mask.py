"""Returns where Z is positive rather than the positive values."""

EXERCISE = "relu"
EXPECTED_HINT = "mask"


def relu(Z):
    return (Z > 0).astype(float)
