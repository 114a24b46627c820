"""Rounds the output size down, as for "valid", instead of up."""
EXERCISE = "same_padding"
EXPECTED_HINT = "round the output size up"


def same_padding(input_size, kernel_size, stride):
    out = input_size // stride
    total = max((out - 1) * stride + kernel_size - input_size, 0)
    return total // 2, total - total // 2
