"""'same' padding that puts the odd zero at the start (Keras puts it at the end)."""
import numpy as np

EXERCISE = "conv1d_forward"
EXPECTED_HINT = "extra one at the end"


def conv1d_forward(x, W, b, stride=1, padding="valid", dilation=1):
    steps = x.shape[1]
    k = W.shape[0]
    span = (k - 1) * dilation + 1
    if padding == "valid":
        left = right = 0
    elif padding == "causal":
        left, right = span - 1, 0
    else:
        total = max((-(-steps // stride) - 1) * stride + span - steps, 0)
        left, right = total - total // 2, total // 2
    x = np.pad(x, ((0, 0), (left, right), (0, 0)))
    steps_out = (x.shape[1] - span) // stride + 1
    y = np.zeros((x.shape[0], steps_out, W.shape[2]))
    for t in range(steps_out):
        window = x[:, t * stride:t * stride + span:dilation, :]
        y[:, t, :] = np.tensordot(window, W, axes=([1, 2], [0, 1])) + b
    return y
