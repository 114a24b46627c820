"""How much a model costs: parameters and multiply-adds (MACs) per image.

A multiply-add is one ``a * b + c``; papers often quote FLOPs, which are about twice the MACs.
Only convolutions (``Conv2D``, ``DepthwiseConv2D``) and ``Dense`` layers are counted: they hold
almost all of the arithmetic of a CNN. Batch normalisation, activations, pooling and additions cost one operation or so per
activation and are left out.
"""

from __future__ import annotations

import math

import keras


def layer_macs(layer) -> int:
    """Multiply-adds of one built ``Conv2D``, ``DepthwiseConv2D`` or ``Dense`` layer for one input
    example; 0 for others.

    Conv2D: ``out_h * out_w * filters * kh * kw * c_in / groups``. DepthwiseConv2D: each output
    channel sees one input channel, ``out_h * out_w * c_out * kh * kw``. Dense: ``units * in_features``
    for every position of the input's leading axes (one per example for a flat input).
    """
    if isinstance(layer, keras.layers.DepthwiseConv2D):
        out_h, out_w, channels = layer.output.shape[1:]
        kh, kw = layer.kernel_size
        return int(out_h * out_w * channels * kh * kw)
    if isinstance(layer, keras.layers.Conv2D):
        out_h, out_w, filters = layer.output.shape[1:]
        kh, kw, c_in_per_group, _ = layer.kernel.shape
        return int(out_h * out_w * filters * kh * kw * c_in_per_group)
    if isinstance(layer, keras.layers.Dense):
        positions = math.prod(layer.output.shape[1:-1])
        in_features, units = layer.kernel.shape
        return int(positions * in_features * units)
    return 0


def count_macs(model) -> int:
    """Multiply-adds of all convolutions and ``Dense`` layers of a functional model, per image.

    Nested models are counted layer by layer.
    """
    total = 0
    for layer in model.layers:
        total += count_macs(layer) if isinstance(layer, keras.Model) else layer_macs(layer)
    return total

