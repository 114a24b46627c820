"""im2col with the windows flattened as (n_C_prev, kh, kw) but the kernels as (kh, kw, n_C_prev)."""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

EXERCISE = "conv_forward_fast"
EXPECTED_HINT = "flattened in different orders"


def conv_forward_fast(A_prev, W, b, stride, pad):
    kh, kw, n_C_prev, n_C = W.shape
    A_pad = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    windows = sliding_window_view(A_pad, (kh, kw), axis=(1, 2))[:, ::stride, ::stride]
    m, n_H, n_W = windows.shape[:3]
    columns = windows.reshape(m * n_H * n_W, n_C_prev * kh * kw)
    return (columns @ W.reshape(kh * kw * n_C_prev, n_C) + b).reshape(m, n_H, n_W, n_C)
