"""Flattens the batch into the positions and returns a single matrix."""
import keras

EXERCISE = "gram_matrix"
EXPECTED_HINT = "keep the batch axis"


def gram_matrix(features):
    channels = features.shape[-1]
    flat = keras.ops.reshape(features, (-1, channels))
    return keras.ops.matmul(keras.ops.transpose(flat), flat) / flat.shape[0]
