"""Orders the objects by where they first appear in the image, not by label value."""
import numpy as np

EXERCISE = "iou_matrix"
EXPECTED_HINT = "Sort the rows and columns by label value"


def _in_order_of_appearance(labels):
    values, first = np.unique(labels.ravel(), return_index=True)
    return [v for v in values[np.argsort(first)] if v > 0]


def iou_matrix(true_labels, pred_labels):
    true_ids, pred_ids = _in_order_of_appearance(true_labels), _in_order_of_appearance(pred_labels)
    iou = np.zeros((len(true_ids), len(pred_ids)))
    for i, t in enumerate(true_ids):
        for j, p in enumerate(pred_ids):
            a, b = true_labels == t, pred_labels == p
            iou[i, j] = np.sum(a & b) / np.sum(a | b)
    return iou
