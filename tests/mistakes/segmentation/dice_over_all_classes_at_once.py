"""One Dice over every number of the arrays instead of one per class."""
from keras import ops

EXERCISE = "dice_coefficient"
EXPECTED_HINT = "per class"


def dice_coefficient(y_true, y_pred, smooth=1.0):
    y_true, y_pred = ops.cast(y_true, "float32"), ops.cast(y_pred, "float32")
    intersection = ops.sum(y_true * y_pred)
    return (2.0 * intersection + smooth) / (ops.sum(y_true) + ops.sum(y_pred) + smooth)
