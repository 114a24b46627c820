"""Backward passes of the convolution and pooling layers (notebook 03).

Each forward function here returns ``(output, cache)``: the cache holds exactly what the
backward pass needs. A backward function takes the gradient of the loss with respect to the
layer's output and the cache, and returns the gradients with respect to the layer's inputs.
"""

from __future__ import annotations

import numpy as np

from cnnkit.scratch.conv import conv_forward_fast, zero_pad
from cnnkit.scratch.pool import pool_forward


def conv_forward_cached(A_prev, W, b, stride, pad):
    """Convolution forward pass (``conv_forward_fast``) that also returns its cache.

    Returns:
        (Z, cache): Z of shape (m, n_H, n_W, n_C) and cache = (A_prev, W, b, stride, pad).
    """
    return conv_forward_fast(A_prev, W, b, stride, pad), (A_prev, W, b, stride, pad)


def pool_forward_cached(A_prev, f, stride, mode="max"):
    """Pooling forward pass (``pool_forward``) that also returns its cache.

    Returns:
        (A, cache): A of shape (m, n_H, n_W, n_C) and cache = (A_prev, f, stride, mode). The
        mode travels in the cache, so the backward pass cannot be told a different one.
    """
    return pool_forward(A_prev, f, stride, mode), (A_prev, f, stride, mode)


# From notebook 03, backpropagation from scratch.
def conv_backward(dZ, cache):
    """Backward pass of a convolution layer.

    Args:
        dZ: gradient of the loss with respect to the layer's output Z, shape (m, n_H, n_W, n_C).
        cache: (A_prev, W, b, stride, pad) as kept by the forward pass, with A_prev of shape
            (m, n_H_prev, n_W_prev, n_C_prev) and W of shape (kh, kw, n_C_prev, n_C).

    Returns:
        (dA_prev, dW, db): gradients with respect to A_prev, W and b, shaped like them:
        (m, n_H_prev, n_W_prev, n_C_prev), (kh, kw, n_C_prev, n_C) and (n_C,).
    """
    A_prev, W, b, stride, pad = cache
    _, n_H_prev, n_W_prev, _ = A_prev.shape
    _, n_H, n_W, _ = dZ.shape
    kh, kw = W.shape[:2]
    A_pad = zero_pad(A_prev, pad)
    dA_pad = np.zeros(A_pad.shape)
    dW = np.zeros(W.shape)
    # Z[:, h, w, c] = sum over i, j, k of A_pad[:, h * stride + i, w * stride + j, k] * W[i, j, k, c] + b[c].
    # Across all outputs, weight W[i, j] meets the input at rows i, i + stride, i + 2 * stride, ... and
    # columns j, j + stride, ...: one strided slice of A_pad per kernel position, all images at once.
    for i in range(kh):
        rows = slice(i, i + stride * n_H, stride)
        for j in range(kw):
            cols = slice(j, j + stride * n_W, stride)
            seen = A_pad[:, rows, cols, :]                                   # (m, n_H, n_W, n_C_prev)
            dW[i, j] = np.tensordot(seen, dZ, axes=([0, 1, 2], [0, 1, 2]))   # (n_C_prev, n_C)
            dA_pad[:, rows, cols, :] += dZ @ W[i, j].T                       # (m, n_H, n_W, n_C_prev)
    # Each bias is added to every output of its filter, in every image: sum over all of them.
    db = dZ.sum(axis=(0, 1, 2))
    # The padding is not part of the input: crop it away.
    dA_prev = dA_pad[:, pad:pad + n_H_prev, pad:pad + n_W_prev, :]
    return dA_prev, dW, db


def pool_backward(dA, cache):
    """Backward pass of a pooling layer.

    Args:
        dA: gradient of the loss with respect to the pooling output, shape (m, n_H, n_W, n_C).
        cache: (A_prev, f, stride, mode) as kept by the forward pass: A_prev of shape
            (m, n_H_prev, n_W_prev, n_C), and mode "max" or "average".

    Returns:
        dA_prev: gradient with respect to A_prev, shape (m, n_H_prev, n_W_prev, n_C).
    """
    A_prev, f, stride, mode = cache
    if mode not in ("max", "average"):
        raise ValueError(f"mode must be 'max' or 'average', got {mode!r}.")
    _, n_H, n_W, _ = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for h in range(n_H):
        top = h * stride
        for w in range(n_W):
            left = w * stride
            g = dA[:, h:h + 1, w:w + 1, :]                          # (m, 1, 1, n_C)
            if mode == "max":
                # Only the window's maximum reached the output, so only it gets the gradient.
                # Values that tie for the maximum (frequent after ReLU) share it equally: one valid
                # subgradient; TensorFlow gives it all to the first of them, another.
                window = A_prev[:, top:top + f, left:left + f, :]
                is_max = window == window.max(axis=(1, 2), keepdims=True)
                share = is_max / is_max.sum(axis=(1, 2), keepdims=True)
                dA_prev[:, top:top + f, left:left + f, :] += share * g
            else:
                # Every value counted 1 / (f * f) towards the mean.
                dA_prev[:, top:top + f, left:left + f, :] += g / (f * f)
    return dA_prev
