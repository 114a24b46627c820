"""Compares the logits themselves with the one-hot labels, without a softmax."""
from keras import ops

EXERCISE = "dice_loss"
EXPECTED_HINT = "apply a softmax"


def dice_loss(labels, logits, smooth=1.0):
    onehot = ops.one_hot(ops.cast(labels, "int32"), logits.shape[-1])
    axes = tuple(range(len(logits.shape) - 1))
    intersection = ops.sum(onehot * logits, axis=axes)
    total = ops.sum(onehot, axis=axes) + ops.sum(logits, axis=axes)
    return 1.0 - ops.mean((2.0 * intersection + smooth) / (total + smooth))
