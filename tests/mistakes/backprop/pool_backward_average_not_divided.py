"""Average-pool gradient copied to the window without dividing by the window's size."""
import numpy as np

EXERCISE = "pool_backward"
EXPECTED_HINT = "divide the gradient by f * f"


def pool_backward(dA, cache):
    A_prev, f, stride, mode = cache
    dA_prev = np.zeros(A_prev.shape)
    for h in range(dA.shape[1]):
        for w in range(dA.shape[2]):
            rows, cols = slice(h * stride, h * stride + f), slice(w * stride, w * stride + f)
            g = dA[:, h:h + 1, w:w + 1, :]
            if mode == "max":
                window = A_prev[:, rows, cols, :]
                dA_prev[:, rows, cols, :] += (window == window.max(axis=(1, 2), keepdims=True)) * g
            else:
                dA_prev[:, rows, cols, :] += g
    return dA_prev
