"""Always takes the maximum, whatever the mode."""
import numpy as np

EXERCISE = "pool_forward"
EXPECTED_HINT = "mode argument"


def pool_forward(A_prev, f, stride, mode="max"):
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    n_H, n_W = (n_H_prev - f) // stride + 1, (n_W_prev - f) // stride + 1
    A = np.zeros((m, n_H, n_W, n_C))
    for h in range(n_H):
        for w in range(n_W):
            A[:, h, w, :] = A_prev[:, h * stride:h * stride + f, w * stride:w * stride + f, :].max(axis=(1, 2))
    return A
