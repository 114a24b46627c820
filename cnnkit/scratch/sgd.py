"""One step of plain gradient descent on a dict of parameters (notebook 03)."""

from __future__ import annotations


# From notebook 03, backpropagation from scratch.
def sgd_step(params, grads, lr):
    """Move every parameter a small step against its gradient.

    Args:
        params: dict name -> array, e.g. {"W1": (3, 3, 3, 8) array, "b1": (8,) array}.
        grads: dict with the same names, each gradient shaped like its parameter.
        lr: learning rate, the size of the step (a positive number).

    Returns:
        A new dict with the same names: params[name] - lr * grads[name].
        The arrays passed in are not changed.
    """
    return {name: params[name] - lr * grads[name] for name in params}
