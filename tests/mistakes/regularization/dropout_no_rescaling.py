"""Drops entries but forgets to scale the survivors up, so the layer's output shrinks in training."""

EXERCISE = "dropout_forward"
EXPECTED_HINT = "scales the survivors by 1 / (1 - rate)"


def dropout_forward(x, rate, training, rng):
    if not training:
        return x
    return x * (rng.random(x.shape) >= rate)
