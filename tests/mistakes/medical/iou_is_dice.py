"""Computes the Dice coefficient of each pair instead of its IoU."""
import numpy as np

EXERCISE = "iou_matrix"
EXPECTED_HINT = "That is the Dice coefficient"


def iou_matrix(true_labels, pred_labels):
    true_ids = np.unique(true_labels[true_labels > 0])
    pred_ids = np.unique(pred_labels[pred_labels > 0])
    iou = np.zeros((len(true_ids), len(pred_ids)))
    for i, t in enumerate(true_ids):
        for j, p in enumerate(pred_ids):
            a, b = true_labels == t, pred_labels == p
            iou[i, j] = 2 * np.sum(a & b) / (np.sum(a) + np.sum(b))
    return iou
