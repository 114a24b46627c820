"""Notebook 10's measures of segmentation: the Dice coefficient, mean IoU, and a loss that
combines cross-entropy with Dice (the U-Net itself is in :mod:`cnnkit.models.unet`).

Conventions: a *label map* holds one integer class per pixel, shape (batch, height, width);
*logits*, what ``build_unet`` returns by default, have shape (batch, height, width, num_classes);
*probabilities*, their softmax over the last axis, have the same shape and sum to 1 over it.
``dice_coefficient`` and ``mean_iou`` are the solutions of notebook 10, written with
``keras.ops`` so that they work on NumPy arrays and tensors alike and can sit inside a loss.
"""

from __future__ import annotations

from keras import ops


def dice_coefficient(y_true, y_pred, smooth=1.0):
    """Soft Dice coefficient per class, averaged over the classes.

    For each class c, with sums over every axis but the last:
    dice_c = (2 * sum(y_true * y_pred) + smooth) / (sum(y_true) + sum(y_pred) + smooth).

    Args:
        y_true: one-hot masks, shape (..., num_classes), values 0 or 1.
        y_pred: probabilities of the same shape.
        smooth: added to numerator and denominator, so that a class absent from both
            y_true and y_pred scores 1 instead of 0 / 0.

    Returns:
        A scalar tensor in [0, 1]; 1 means perfect overlap.
    """
    y_true = ops.cast(y_true, "float32")
    y_pred = ops.cast(y_pred, "float32")
    axes = tuple(range(len(y_true.shape) - 1))  # every axis but the class axis
    intersection = ops.sum(y_true * y_pred, axis=axes)
    total = ops.sum(y_true, axis=axes) + ops.sum(y_pred, axis=axes)
    dice_per_class = (2.0 * intersection + smooth) / (total + smooth)
    return ops.mean(dice_per_class)


def mean_iou(y_true, y_pred, num_classes):
    """Mean intersection over union of two label maps, over the classes that occur.

    IoU_c = |true == c and pred == c| / |true == c or pred == c|. A class absent from both
    y_true and y_pred has no IoU (0 / 0) and is left out of the mean.

    Args:
        y_true: integer class labels, shape (batch, height, width).
        y_pred: integer class labels, same shape (e.g. the argmax of predicted probabilities).
        num_classes: number of classes; labels are 0 .. num_classes - 1.

    Returns:
        A scalar tensor in [0, 1].
    """
    true = ops.one_hot(ops.reshape(ops.cast(y_true, "int32"), (-1,)), num_classes)
    pred = ops.one_hot(ops.reshape(ops.cast(y_pred, "int32"), (-1,)), num_classes)
    intersection = ops.sum(true * pred, axis=0)
    union = ops.sum(true, axis=0) + ops.sum(pred, axis=0) - intersection
    present = union > 0
    iou = intersection / ops.where(present, union, 1.0)
    return ops.sum(ops.where(present, iou, 0.0)) / ops.sum(ops.cast(present, "float32"))


def combined_loss(y_true, y_pred, dice_weight=1.0, from_logits=True):
    """Cross-entropy plus ``dice_weight * (1 - Dice)``: a loss for ``model.compile``.

    Cross-entropy gives every pixel a useful gradient from the first step; the Dice term
    weighs each class equally, however few pixels it covers. The cross-entropy is computed
    from the logits (the stable way, as ``from_logits=True`` does in Keras' losses); the Dice
    coefficient needs probabilities, so it gets their softmax.

    Args:
        y_true: label map, shape (batch, height, width) or (batch, height, width, 1).
        y_pred: logits, shape (batch, height, width, num_classes), or probabilities when
            ``from_logits=False``.
        dice_weight: how much the Dice term counts.
        from_logits: whether ``y_pred`` holds logits (the course's models return them).

    Returns:
        A scalar tensor.
    """
    num_classes = y_pred.shape[-1]
    labels = ops.cast(ops.reshape(y_true, ops.shape(y_pred)[:-1]), "int32")
    cross_entropy = ops.mean(ops.sparse_categorical_crossentropy(labels, y_pred, from_logits=from_logits))
    probabilities = ops.softmax(y_pred, axis=-1) if from_logits else y_pred
    dice = dice_coefficient(ops.one_hot(labels, num_classes), probabilities)
    return cross_entropy + dice_weight * (1.0 - dice)
