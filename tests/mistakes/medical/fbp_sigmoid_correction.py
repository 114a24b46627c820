"""Squashes the correction with a sigmoid, so it can only add between 0 and 1."""
import keras

from cnnkit.models.unet import build_unet

EXERCISE = "build_fbp_residual"
EXPECTED_HINT = "sigmoid"


def build_fbp_residual(input_shape, depth=3, base_filters=16):
    inputs = keras.Input(input_shape)
    correction = build_unet(input_shape, 1, depth=depth, base_filters=base_filters,
                            classifier_activation="sigmoid")(inputs)
    return keras.Model(inputs, keras.layers.Add()([inputs, correction]))
