"""Uses / instead of //, returning a float such as 2.5."""
EXERCISE = "conv_output_size"
EXPECTED_HINT = "floor division"


def conv_output_size(n, f, pad, stride):
    return (n + 2 * pad - f) / stride + 1
