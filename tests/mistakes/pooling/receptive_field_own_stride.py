"""Multiplies each layer's kernel - 1 by its own stride instead of the earlier layers' strides."""

EXERCISE = "receptive_field"
EXPECTED_HINT = "BEFORE it"


def receptive_field(layers):
    field = 1
    for kernel, stride in layers:
        field += (kernel - 1) * stride
    return field
