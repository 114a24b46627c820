"""Max-pool gradient sent to every position of the window, not just to the maximum."""
import numpy as np

EXERCISE = "pool_backward"
EXPECTED_HINT = "every position of the window"


def pool_backward(dA, cache):
    A_prev, f, stride, mode = cache
    dA_prev = np.zeros(A_prev.shape)
    for h in range(dA.shape[1]):
        for w in range(dA.shape[2]):
            g = dA[:, h:h + 1, w:w + 1, :]
            share = g if mode == "max" else g / (f * f)
            dA_prev[:, h * stride:h * stride + f, w * stride:w * stride + f, :] += share
    return dA_prev
