"""Counts the padding on one side only."""
EXERCISE = "conv_output_size"
EXPECTED_HINT = "2 * pad"


def conv_output_size(n, f, pad, stride):
    return (n + pad - f) // stride + 1
