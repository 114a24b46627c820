"""Divides by every element of the feature map, channels included."""
import keras

EXERCISE = "gram_matrix"
EXPECTED_HINT = "not by the channels too"


def gram_matrix(features):
    batch, height, width, channels = features.shape
    return keras.ops.einsum("bijc,bijd->bcd", features, features) / (height * width * channels)
