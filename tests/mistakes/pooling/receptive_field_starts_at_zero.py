"""Starts counting at 0 pixels."""

EXERCISE = "receptive_field"
EXPECTED_HINT = "off by one"


def receptive_field(layers):
    field, jump = 0, 1
    for kernel, stride in layers:
        field += (kernel - 1) * jump
        jump *= stride
    return field
