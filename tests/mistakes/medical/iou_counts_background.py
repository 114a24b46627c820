"""Keeps label 0 as an object: the background gets a row and a column of its own."""
import numpy as np

EXERCISE = "iou_matrix"
EXPECTED_HINT = "Label 0 is the background"


def iou_matrix(true_labels, pred_labels):
    true_ids, pred_ids = np.unique(true_labels), np.unique(pred_labels)
    iou = np.zeros((len(true_ids), len(pred_ids)))
    for i, t in enumerate(true_ids):
        for j, p in enumerate(pred_ids):
            a, b = true_labels == t, pred_labels == p
            iou[i, j] = np.sum(a & b) / np.sum(a | b)
    return iou
