"""Penalises differences between vertical neighbours only."""
import keras

EXERCISE = "total_variation_loss"
EXPECTED_HINT = "along one axis only"


def total_variation_loss(image):
    return keras.ops.mean(keras.ops.square(image[:, 1:, :, :] - image[:, :-1, :, :]))
