"""Scores the predicted classes (argmax), which has no gradient: the network cannot learn from it."""
from keras import ops

EXERCISE = "dice_loss"
EXPECTED_HINT = "no argmax"


def dice_loss(labels, logits, smooth=1.0):
    num_classes = logits.shape[-1]
    predicted = ops.one_hot(ops.argmax(logits, axis=-1), num_classes)
    onehot = ops.one_hot(ops.cast(labels, "int32"), num_classes)
    axes = tuple(range(len(logits.shape) - 1))
    intersection = ops.sum(onehot * predicted, axis=axes)
    total = ops.sum(onehot, axis=axes) + ops.sum(predicted, axis=axes)
    return 1.0 - ops.mean((2.0 * intersection + smooth) / (total + smooth))
