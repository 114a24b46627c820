"""Multiplies the stride by the dilation and reads k neighbouring steps: the dilation moves the
window instead of spreading its taps."""
import numpy as np

EXERCISE = "conv1d_forward"
EXPECTED_HINT = "applied like a stride"


def conv1d_forward(x, W, b, stride=1, padding="valid", dilation=1):
    k = W.shape[0]
    span = (k - 1) * dilation + 1
    left = {"valid": 0, "causal": span - 1, "same": (span - 1) // 2}[padding]
    right = {"valid": 0, "causal": 0, "same": span - 1 - (span - 1) // 2}[padding]
    x = np.pad(x, ((0, 0), (left, right), (0, 0)))
    step = stride * dilation
    steps_out = (x.shape[1] - k) // step + 1
    y = np.zeros((x.shape[0], steps_out, W.shape[2]))
    for t in range(steps_out):
        y[:, t, :] = np.tensordot(x[:, t * step:t * step + k, :], W, axes=([1, 2], [0, 1])) + b
    return y
