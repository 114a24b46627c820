"""Absolute differences (the L1 total variation) instead of squared ones."""
import keras

EXERCISE = "total_variation_loss"
EXPECTED_HINT = "instead of taking their absolute values"


def total_variation_loss(image):
    vertical = image[:, 1:, :, :] - image[:, :-1, :, :]
    horizontal = image[:, :, 1:, :] - image[:, :, :-1, :]
    return keras.ops.mean(keras.ops.abs(vertical)) + keras.ops.mean(keras.ops.abs(horizontal))
