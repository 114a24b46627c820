"""Forgets the factor 2: perfect overlap scores 1/2."""
from keras import ops

EXERCISE = "dice_coefficient"
EXPECTED_HINT = "2 * intersection"


def dice_coefficient(y_true, y_pred, smooth=1.0):
    y_true, y_pred = ops.cast(y_true, "float32"), ops.cast(y_pred, "float32")
    axes = tuple(range(len(y_true.shape) - 1))
    intersection = ops.sum(y_true * y_pred, axis=axes)
    total = ops.sum(y_true, axis=axes) + ops.sum(y_pred, axis=axes)
    return ops.mean((intersection + smooth) / (total + smooth))
