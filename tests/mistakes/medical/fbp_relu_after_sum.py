"""Applies a ReLU after the sum, cutting every negative value of the reconstruction."""
import keras

from cnnkit.models.unet import build_unet

EXERCISE = "build_fbp_residual"
EXPECTED_HINT = "nothing after the sum"


def build_fbp_residual(input_shape, depth=3, base_filters=16):
    inputs = keras.Input(input_shape)
    correction = build_unet(input_shape, 1, depth=depth, base_filters=base_filters)(inputs)
    summed = keras.layers.Add()([inputs, correction])
    return keras.Model(inputs, keras.layers.Activation("relu")(summed))
