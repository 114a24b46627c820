"""Adds k * dilation per layer instead of (k - 1) * dilation."""
EXERCISE = "causal_receptive_field"
EXPECTED_HINT = "not k * dilation"


def causal_receptive_field(kernel_size, dilations):
    return 1 + sum(kernel_size * d for d in dilations)
