"""The receptive field of a stack of convolution and pooling layers (notebook 02)."""

from __future__ import annotations


# From notebook 02, pooling and activations.
def receptive_field(layers):
    """Size of the input region that one output value of a stack of layers sees.

    Args:
        layers: list of (kernel, stride) pairs, first layer first; convolutions and
            pooling layers alike (a 2x2 max pool with stride 2 is (2, 2)).

    Returns:
        The receptive field's height (= width) in input pixels, an int; 1 for no layers.
    """
    field = 1   # one output value of "no layers" sees one pixel
    jump = 1    # distance, in input pixels, between two neighbouring values of the current layer
    for kernel, stride in layers:
        # A kernel spans kernel - 1 extra neighbours, each `jump` input pixels apart.
        field += (kernel - 1) * jump
        jump *= stride
    return field
