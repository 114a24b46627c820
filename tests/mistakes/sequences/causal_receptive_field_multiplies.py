"""Multiplies the kernel size by every dilation, as if the fields multiplied."""
import math

EXERCISE = "causal_receptive_field"
EXPECTED_HINT = "do not multiply"


def causal_receptive_field(kernel_size, dilations):
    return kernel_size * math.prod(dilations) if dilations else 1
