"""Returns the U-Net's output alone: the network must redraw the whole image, not correct it."""
import keras

from cnnkit.models.unet import build_unet

EXERCISE = "build_fbp_residual"
EXPECTED_HINT = "add the input back"


def build_fbp_residual(input_shape, depth=3, base_filters=16):
    inputs = keras.Input(input_shape)
    outputs = build_unet(input_shape, 1, depth=depth, base_filters=base_filters)(inputs)
    return keras.Model(inputs, outputs)
