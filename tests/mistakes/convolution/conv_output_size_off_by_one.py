"""Forgets the +1 that counts the first window position."""
EXERCISE = "conv_output_size"
EXPECTED_HINT = "off by one"


def conv_output_size(n, f, pad, stride):
    return (n + 2 * pad - f) // stride
