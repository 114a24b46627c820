"""Returns the Dice coefficient itself: minimising it makes the overlap worse."""
from keras import ops

EXERCISE = "dice_loss"
EXPECTED_HINT = "the loss is 1 - Dice"


def dice_loss(labels, logits, smooth=1.0):
    probabilities = ops.softmax(logits, axis=-1)
    onehot = ops.one_hot(ops.cast(labels, "int32"), logits.shape[-1])
    axes = tuple(range(len(logits.shape) - 1))
    intersection = ops.sum(onehot * probabilities, axis=axes)
    total = ops.sum(onehot, axis=axes) + ops.sum(probabilities, axis=axes)
    return ops.mean((2.0 * intersection + smooth) / (total + smooth))
