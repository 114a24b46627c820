"""Takes a whole gradient step, forgetting the learning rate."""

EXERCISE = "sgd_step"
EXPECTED_HINT = "learning rate is missing"


def sgd_step(params, grads, lr):
    return {name: params[name] - grads[name] for name in params}
