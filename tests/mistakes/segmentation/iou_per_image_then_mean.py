"""Computes a mean IoU per image and averages those, instead of pooling the whole batch."""
from keras import ops

EXERCISE = "mean_iou"
EXPECTED_HINT = "over all pixels of the batch"


def mean_iou(y_true, y_pred, num_classes):
    scores = []
    for i in range(y_true.shape[0]):
        true = ops.one_hot(ops.reshape(ops.cast(y_true[i], "int32"), (-1,)), num_classes)
        pred = ops.one_hot(ops.reshape(ops.cast(y_pred[i], "int32"), (-1,)), num_classes)
        intersection = ops.sum(true * pred, axis=0)
        union = ops.sum(true, axis=0) + ops.sum(pred, axis=0) - intersection
        present = union > 0
        iou = intersection / ops.where(present, union, 1.0)
        scores.append(ops.sum(ops.where(present, iou, 0.0)) / ops.sum(ops.cast(present, "float32")))
    return ops.mean(ops.stack(scores))
