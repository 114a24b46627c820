"""Adds up what each layer reaches back but forgets the output's own step."""
EXERCISE = "causal_receptive_field"
EXPECTED_HINT = "Off by one"


def causal_receptive_field(kernel_size, dilations):
    return sum((kernel_size - 1) * d for d in dilations)
