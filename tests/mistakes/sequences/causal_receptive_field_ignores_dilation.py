"""Counts k - 1 new steps per layer, as if no layer were dilated."""
EXERCISE = "causal_receptive_field"
EXPECTED_HINT = "dilations are ignored"


def causal_receptive_field(kernel_size, dilations):
    return 1 + len(dilations) * (kernel_size - 1)
