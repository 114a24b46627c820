"""Draws one mask of a single example's shape and applies it to every example of the batch."""

EXERCISE = "dropout_forward"
EXPECTED_HINT = "each example must get its own mask"


def dropout_forward(x, rate, training, rng):
    if not training:
        return x
    keep = rng.random(x.shape[1:]) >= rate
    return x * keep / (1 - rate)
