"""Splits the total padding evenly with //, losing the odd cell."""
EXERCISE = "same_padding"
EXPECTED_HINT = "the odd cell goes after"


def same_padding(input_size, kernel_size, stride):
    out = -(-input_size // stride)
    total = max((out - 1) * stride + kernel_size - input_size, 0)
    return total // 2, total // 2
