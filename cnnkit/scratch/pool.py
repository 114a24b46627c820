"""Pooling in NumPy (notebook 02): each window of each channel is reduced to one number."""

from __future__ import annotations

import numpy as np


# From notebook 02, pooling and activations.
def pool_forward(A_prev, f, stride, mode="max"):
    """Forward pass of a pooling layer, channel by channel, without padding.

    Args:
        A_prev: input, shape (m, n_H_prev, n_W_prev, n_C).
        f: height and width of the pooling window.
        stride: step between two windows, in pixels.
        mode: "max" keeps the largest value of each window, "average" its mean.

    Returns:
        A: output, shape (m, n_H, n_W, n_C) with n_H = (n_H_prev - f) // stride + 1
        (and likewise n_W); the number of channels does not change.
    """
    if mode not in ("max", "average"):
        raise ValueError(f"mode must be 'max' or 'average', got {mode!r}.")
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    n_H = (n_H_prev - f) // stride + 1
    n_W = (n_W_prev - f) // stride + 1
    A = np.zeros((m, n_H, n_W, n_C))
    for h in range(n_H):
        top = h * stride
        for w in range(n_W):
            left = w * stride
            window = A_prev[:, top:top + f, left:left + f, :]       # (m, f, f, n_C)
            # Reduce over the window's height and width (axes 1 and 2), never over the channels.
            if mode == "max":
                A[:, h, w, :] = window.max(axis=(1, 2))
            else:
                A[:, h, w, :] = window.mean(axis=(1, 2))
    return A
