"""Turns the probabilities into hard labels first: right numbers for one-hot input, no gradient."""
from keras import ops

EXERCISE = "dice_coefficient"
EXPECTED_HINT = "no gradient"


def dice_coefficient(y_true, y_pred, smooth=1.0):
    y_true = ops.cast(y_true, "float32")
    y_pred = ops.one_hot(ops.argmax(y_pred, axis=-1), y_true.shape[-1])
    axes = tuple(range(len(y_true.shape) - 1))
    intersection = ops.sum(y_true * y_pred, axis=axes)
    total = ops.sum(y_true, axis=axes) + ops.sum(y_pred, axis=axes)
    return ops.mean((2.0 * intersection + smooth) / (total + smooth))
