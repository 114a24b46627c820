"""The 1-D convolution over time and the receptive field of a dilated causal stack (notebook 15).

Shapes: sequences ``(batch, steps, channels)``, kernels ``(k, c_in, c_out)``, biases
``(c_out,)``; ``stride`` and ``dilation`` are ints, ``padding`` is Keras' string.
"""

from __future__ import annotations

import numpy as np


# From notebook 15, sequences and 1-D convolutions.
def conv1d_forward(x, W, b, stride=1, padding="valid", dilation=1):
    """A 1-D convolution (cross-correlation) over time, as keras.layers.Conv1D computes it.

    Output step t covers the input steps t * stride + i * dilation for i = 0 .. k - 1, so one
    window spans (k - 1) * dilation + 1 steps. Keras refuses stride > 1 together with
    dilation > 1; the checks never ask for both.

    Args:
        x: input, shape (batch, steps, c_in).
        W: kernels, shape (k, c_in, c_out).
        b: biases, shape (c_out,).
        stride: steps between two windows.
        padding: "valid" (no zeros), "same" (zeros on both sides, ceil(steps / stride) outputs,
            an odd zero at the end as Keras does) or "causal" (all the zeros at the start,
            so that output t sees only steps up to t).
        dilation: steps between two taps of the kernel.

    Returns:
        Output of shape (batch, steps_out, c_out).
    """
    if padding not in ("valid", "same", "causal"):
        raise ValueError(f"padding must be 'valid', 'same' or 'causal', got {padding!r}.")
    batch, steps, _ = x.shape
    k, _, c_out = W.shape
    span = (k - 1) * dilation + 1  # input steps one window covers, gaps included
    if padding == "valid":
        left, right = 0, 0
    elif padding == "causal":
        left, right = span - 1, 0  # only the past: every zero goes in front
    else:
        outputs = -(-steps // stride)  # ceil(steps / stride)
        total = max((outputs - 1) * stride + span - steps, 0)
        left, right = total // 2, total - total // 2
    x = np.pad(x, ((0, 0), (left, right), (0, 0)))
    steps_out = (x.shape[1] - span) // stride + 1
    y = np.zeros((batch, steps_out, c_out))
    for t in range(steps_out):
        start = t * stride
        window = x[:, start:start + span:dilation, :]  # (batch, k, c_in): every dilation-th step
        y[:, t, :] = np.tensordot(window, W, axes=([1, 2], [0, 1])) + b
    return y


# From notebook 15, sequences and 1-D convolutions.
def causal_receptive_field(kernel_size, dilations):
    """How many input steps one output of a stack of causal convolutions sees.

    Args:
        kernel_size: the kernel size k of every layer.
        dilations: the dilation of each layer, first layer first (stride 1 throughout).

    Returns:
        The receptive field in steps, an int (1 for no layers: an output sees its own step).
    """
    field = 1  # no layers: an output is its own input step
    for dilation in dilations:
        # Each layer reaches k - 1 taps further back, `dilation` steps apart.
        field += (kernel_size - 1) * dilation
    return field
