"""Crops with pad:-pad, which selects nothing when pad = 0."""
import numpy as np

EXERCISE = "conv_backward"
EXPECTED_HINT = "slice pad:-pad is empty"


def conv_backward(dZ, cache):
    A_prev, W, b, stride, pad = cache
    _, n_H_prev, n_W_prev, _ = A_prev.shape
    _, n_H, n_W, _ = dZ.shape
    kh, kw = W.shape[:2]
    A_pad = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    dA_pad = np.zeros(A_pad.shape)
    dW = np.zeros(W.shape)
    for h in range(n_H):
        for w in range(n_W):
            top, left = h * stride, w * stride
            g = dZ[:, h, w, :]
            dA_pad[:, top:top + kh, left:left + kw, :] += np.tensordot(g, W, axes=([1], [3]))
            dW += np.tensordot(A_pad[:, top:top + kh, left:left + kw, :], g, axes=([0], [0]))
    db = dZ.sum(axis=(0, 1, 2))
    dA_prev = dA_pad[:, pad:-pad, pad:-pad, :]
    return dA_prev, dW, db
