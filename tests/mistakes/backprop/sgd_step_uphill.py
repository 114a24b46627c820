"""Adds the gradient instead of subtracting it."""

EXERCISE = "sgd_step"
EXPECTED_HINT = "goes uphill"


def sgd_step(params, grads, lr):
    return {name: params[name] + lr * grads[name] for name in params}
