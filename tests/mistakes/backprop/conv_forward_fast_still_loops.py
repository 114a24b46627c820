"""Correct, but the loop version of notebook 01 under a new name: one Python step per output value."""
import numpy as np

EXERCISE = "conv_forward_fast"
EXPECTED_HINT = "still loops over output positions"


def conv_forward_fast(A_prev, W, b, stride, pad):
    m, n_H_prev, n_W_prev, _ = A_prev.shape
    kh, kw, _, n_C = W.shape
    n_H, n_W = (n_H_prev + 2 * pad - kh) // stride + 1, (n_W_prev + 2 * pad - kw) // stride + 1
    A_pad = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    Z = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                window = A_pad[i, h * stride:h * stride + kh, w * stride:w * stride + kw, :]
                for c in range(n_C):
                    Z[i, h, w, c] = np.sum(window * W[:, :, :, c]) + b[c]
    return Z
