"""Ignores the depth argument and always builds a U-Net of depth 3."""
import keras

from cnnkit.models.unet import build_unet

EXERCISE = "build_fbp_residual"
EXPECTED_HINT = "parameters, expected"


def build_fbp_residual(input_shape, depth=3, base_filters=16):
    inputs = keras.Input(input_shape)
    correction = build_unet(input_shape, 1, depth=2, base_filters=base_filters)(inputs)
    return keras.Model(inputs, keras.layers.Add()([inputs, correction]))
