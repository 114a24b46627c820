"""Leaves out classes that are only predicted, hiding false positives."""
from keras import ops

EXERCISE = "mean_iou"
EXPECTED_HINT = "predicted but absent from the truth"


def mean_iou(y_true, y_pred, num_classes):
    true = ops.one_hot(ops.reshape(ops.cast(y_true, "int32"), (-1,)), num_classes)
    pred = ops.one_hot(ops.reshape(ops.cast(y_pred, "int32"), (-1,)), num_classes)
    intersection = ops.sum(true * pred, axis=0)
    union = ops.sum(true, axis=0) + ops.sum(pred, axis=0) - intersection
    present = ops.sum(true, axis=0) > 0
    iou = intersection / ops.where(present, union, 1.0)
    return ops.sum(ops.where(present, iou, 0.0)) / ops.sum(ops.cast(present, "float32"))
