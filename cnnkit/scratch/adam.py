"""One step of Adam on a NumPy parameter, as ``keras.optimizers.Adam`` takes it (notebook 05)."""

from __future__ import annotations

import numpy as np


# From notebook 05, training CNNs.
def adam_step(param, grad, m, v, t, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """One Adam update of one parameter array, with Keras' formulas.

    Args:
        param: the parameter before the step, an array of any shape.
        grad: the gradient of the loss with respect to ``param``, same shape.
        m: running mean of the gradients (first moment) before this step, same shape; zeros before step 1.
        v: running mean of the squared gradients (second moment) before this step, same shape;
            zeros before step 1.
        t: the number of this step, counting from 1.
        learning_rate: the step size (Keras calls it ``learning_rate``, the equations eta).
        beta_1: how much of the old ``m`` to keep each step.
        beta_2: how much of the old ``v`` to keep each step.
        epsilon: a small number added to ``sqrt(v)`` so that the division never divides by zero.

    Returns:
        ``(param, m, v)``: new arrays after the step, each shaped like ``param``; ``m`` and ``v``
        are the running means themselves (not bias-corrected), ready for step ``t + 1``.
    """
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * grad**2
    # Bias correction: m and v start at zero, so early on they are too small by the factors
    # (1 - beta ** t). Keras folds both corrections into the step size, and adds epsilon to
    # the uncorrected sqrt(v).
    step_size = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    param = param - step_size * m / (np.sqrt(v) + epsilon)
    return param, m, v
