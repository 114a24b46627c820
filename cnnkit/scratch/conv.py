"""The convolution layer in NumPy: padding, the loop version (notebook 01) and the
vectorised version (notebook 03), with the sizes and parameter counts that go with them."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


# From notebook 01, convolution basics.
def zero_pad(X, pad):
    """Pad the height and width of a batch of images with zeros.

    Args:
        X: array of shape (m, n_H, n_W, n_C).
        pad: number of zero rows/columns added on each side of height and width.

    Returns:
        Array of shape (m, n_H + 2 * pad, n_W + 2 * pad, n_C).
    """
    # Only axes 1 and 2 (height, width) are padded; the batch and channel axes are not.
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="constant", constant_values=0)


def conv_single_step(a_slice, W, b):
    """Apply one filter to one window of the input.

    Args:
        a_slice: window of the input, shape (kh, kw, n_C_prev).
        W: one filter, same shape as ``a_slice``.
        b: the filter's bias, a number.

    Returns:
        A float: the sum of the element-wise product plus the bias.
    """
    return float(np.sum(a_slice * W) + b)


def conv_forward(A_prev, W, b, stride, pad):
    """Forward pass of a convolution layer (cross-correlation, as in every deep learning library).

    Args:
        A_prev: input, shape (m, n_H_prev, n_W_prev, n_C_prev).
        W: kernels, shape (kh, kw, n_C_prev, n_C).
        b: biases, shape (n_C,).
        stride: step between two windows, in pixels, along height and width.
        pad: zeros added on each side of height and width.

    Returns:
        Z: output, shape (m, n_H, n_W, n_C) with
        n_H = (n_H_prev + 2 * pad - kh) // stride + 1 (and likewise n_W).
    """
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    kh, kw, _, n_C = W.shape
    n_H = (n_H_prev + 2 * pad - kh) // stride + 1
    n_W = (n_W_prev + 2 * pad - kw) // stride + 1
    A_pad = zero_pad(A_prev, pad)
    Z = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            top = h * stride
            for w in range(n_W):
                left = w * stride
                window = A_pad[i, top:top + kh, left:left + kw, :]
                for c in range(n_C):
                    Z[i, h, w, c] = conv_single_step(window, W[:, :, :, c], b[c])
    return Z


def conv_output_size(n, f, pad, stride):
    """Size of a convolution's output along one axis.

    Args:
        n: input size (height or width) in pixels.
        f: kernel size along that axis.
        pad: zeros added on each side.
        stride: step between windows.

    Returns:
        The number of positions the kernel fits at, an int.
    """
    return (n + 2 * pad - f) // stride + 1


def conv_param_count(kh, kw, c_in, c_out, bias=True):
    """Number of trainable parameters of a convolution layer.

    Args:
        kh, kw: kernel height and width.
        c_in: input channels.
        c_out: output channels (number of filters).
        bias: whether each filter has a bias.

    Returns:
        An int: one weight per kernel position, input channel and filter, plus one bias per filter.
    """
    return kh * kw * c_in * c_out + (c_out if bias else 0)


# From notebook 03, backpropagation from scratch.
def conv_forward_fast(A_prev, W, b, stride, pad):
    """Vectorised forward pass of a convolution layer: same arguments and result as ``conv_forward``.

    Args:
        A_prev: input, shape (m, n_H_prev, n_W_prev, n_C_prev).
        W: kernels, shape (kh, kw, n_C_prev, n_C).
        b: biases, shape (n_C,).
        stride: step between two windows, in pixels, along height and width.
        pad: zeros added on each side of height and width.

    Returns:
        Z: output, shape (m, n_H, n_W, n_C), with n_H and n_W as in ``conv_forward``.
    """
    kh, kw, n_C_prev, n_C = W.shape
    A_pad = zero_pad(A_prev, pad)
    # Every kh x kw window, as a view (nothing is copied yet), keeping those the stride lands on:
    # shape (m, n_H, n_W, n_C_prev, kh, kw).
    windows = sliding_window_view(A_pad, (kh, kw), axis=(1, 2))[:, ::stride, ::stride]
    m, n_H, n_W = windows.shape[:3]
    # "im2col": one row per window, its values in the order of W's first three axes (kh, kw, n_C_prev).
    columns = windows.transpose(0, 1, 2, 4, 5, 3).reshape(m * n_H * n_W, kh * kw * n_C_prev)
    # One matrix product applies every filter to every window.
    Z = columns @ W.reshape(kh * kw * n_C_prev, n_C) + b
    return Z.reshape(m, n_H, n_W, n_C)
