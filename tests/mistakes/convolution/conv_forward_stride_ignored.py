"""Computes the right output size but moves the window one pixel at a time."""
import numpy as np

EXERCISE = "conv_forward"
EXPECTED_HINT = "stride is ignored"


def conv_forward(A_prev, W, b, stride, pad):
    m, n_H_prev, n_W_prev, _ = A_prev.shape
    kh, kw, _, n_C = W.shape
    n_H = (n_H_prev + 2 * pad - kh) // stride + 1
    n_W = (n_W_prev + 2 * pad - kw) // stride + 1
    A_pad = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    Z = np.zeros((m, n_H, n_W, n_C))
    for h in range(n_H):
        for w in range(n_W):
            window = A_pad[:, h:h + kh, w:w + kw, :]
            Z[:, h, w, :] = np.tensordot(window, W, axes=([1, 2, 3], [0, 1, 2])) + b
    return Z
