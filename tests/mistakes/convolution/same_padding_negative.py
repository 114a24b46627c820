"""Forgets to clip the total at zero: a stride larger than the kernel gives negative padding."""
EXERCISE = "same_padding"
EXPECTED_HINT = "cannot be negative"


def same_padding(input_size, kernel_size, stride):
    out = -(-input_size // stride)
    total = (out - 1) * stride + kernel_size - input_size
    return total // 2, total - total // 2
