"""Averages over all num_classes: a class absent from truth and prediction counts as IoU 0."""
from keras import ops

EXERCISE = "mean_iou"
EXPECTED_HINT = "absent from both truth and prediction"


def mean_iou(y_true, y_pred, num_classes):
    true = ops.one_hot(ops.reshape(ops.cast(y_true, "int32"), (-1,)), num_classes)
    pred = ops.one_hot(ops.reshape(ops.cast(y_pred, "int32"), (-1,)), num_classes)
    intersection = ops.sum(true * pred, axis=0)
    union = ops.sum(true, axis=0) + ops.sum(pred, axis=0) - intersection
    return ops.mean(intersection / ops.maximum(union, 1.0))
