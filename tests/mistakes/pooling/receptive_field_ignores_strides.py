"""Adds kernel - 1 per layer, forgetting that strides spread later kernels out."""

EXERCISE = "receptive_field"
EXPECTED_HINT = "stride product"


def receptive_field(layers):
    field = 1
    for kernel, stride in layers:
        field += kernel - 1
    return field
