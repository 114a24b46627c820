"""Divides by an empty union: the mean becomes nan."""
from keras import ops

EXERCISE = "mean_iou"
EXPECTED_HINT = "gives 0 / 0"


def mean_iou(y_true, y_pred, num_classes):
    true = ops.one_hot(ops.reshape(ops.cast(y_true, "int32"), (-1,)), num_classes)
    pred = ops.one_hot(ops.reshape(ops.cast(y_pred, "int32"), (-1,)), num_classes)
    intersection = ops.sum(true * pred, axis=0)
    union = ops.sum(true, axis=0) + ops.sum(pred, axis=0) - intersection
    return ops.mean(intersection / union)
