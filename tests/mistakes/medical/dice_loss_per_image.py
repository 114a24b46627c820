"""Computes Dice per image and class, then averages: sums over the pixels only, not the batch."""
from keras import ops

EXERCISE = "dice_loss"
EXPECTED_HINT = "sum each class over the whole batch"


def dice_loss(labels, logits, smooth=1.0):
    probabilities = ops.softmax(logits, axis=-1)
    onehot = ops.one_hot(ops.cast(labels, "int32"), logits.shape[-1])
    axes = tuple(range(1, len(logits.shape) - 1))
    intersection = ops.sum(onehot * probabilities, axis=axes)
    total = ops.sum(onehot, axis=axes) + ops.sum(probabilities, axis=axes)
    return 1.0 - ops.mean((2.0 * intersection + smooth) / (total + smooth))
