"""Puts the odd cell before the input (PyTorch-style thinking), not after as TensorFlow does."""
EXERCISE = "same_padding"
EXPECTED_HINT = "wrong side"


def same_padding(input_size, kernel_size, stride):
    out = -(-input_size // stride)
    total = max((out - 1) * stride + kernel_size - input_size, 0)
    return total - total // 2, total // 2
