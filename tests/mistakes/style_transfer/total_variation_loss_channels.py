"""Slices the last axis, taking differences between colour channels instead of columns."""
import keras

EXERCISE = "total_variation_loss"
EXPECTED_HINT = "not along the channels"


def total_variation_loss(image):
    vertical = image[:, 1:, :, :] - image[:, :-1, :, :]
    across = image[..., 1:] - image[..., :-1]
    return keras.ops.mean(keras.ops.square(vertical)) + keras.ops.mean(keras.ops.square(across))
