"""Multiplies F by its transpose in the wrong order: positions by positions."""
import keras

EXERCISE = "gram_matrix"
EXPECTED_HINT = "positions by positions"


def gram_matrix(features):
    batch, height, width, channels = features.shape
    flat = keras.ops.reshape(features, (batch, height * width, channels))
    return keras.ops.matmul(flat, keras.ops.transpose(flat, (0, 2, 1))) / (height * width)
