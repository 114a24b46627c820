"""Keeps every window instead of every stride-th one: the output is as large as at stride 1."""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

EXERCISE = "conv_forward_fast"
EXPECTED_HINT = "apply the stride"


def conv_forward_fast(A_prev, W, b, stride, pad):
    kh, kw, n_C_prev, n_C = W.shape
    A_pad = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    windows = sliding_window_view(A_pad, (kh, kw), axis=(1, 2))
    m, n_H, n_W = windows.shape[:3]
    columns = windows.transpose(0, 1, 2, 4, 5, 3).reshape(m * n_H * n_W, kh * kw * n_C_prev)
    return (columns @ W.reshape(kh * kw * n_C_prev, n_C) + b).reshape(m, n_H, n_W, n_C)
