"""Adds smooth to the denominator only: an empty class scores 0 instead of 1."""
from keras import ops

EXERCISE = "dice_coefficient"
EXPECTED_HINT = "Add smooth to the numerator too"


def dice_coefficient(y_true, y_pred, smooth=1.0):
    y_true, y_pred = ops.cast(y_true, "float32"), ops.cast(y_pred, "float32")
    axes = tuple(range(len(y_true.shape) - 1))
    intersection = ops.sum(y_true * y_pred, axis=axes)
    total = ops.sum(y_true, axis=axes) + ops.sum(y_pred, axis=axes)
    return ops.mean(2.0 * intersection / (total + smooth))
