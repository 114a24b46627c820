"""Counts every predicted object as a false positive, matched or not."""
import numpy as np

from cnnkit.grading.checks.medical import _reference_iou as iou_matrix

EXERCISE = "match_score"
EXPECTED_HINT = "left without a match"


def match_score(true_labels, pred_labels, threshold=0.5):
    iou = iou_matrix(true_labels, pred_labels)
    tp = int(np.sum(iou > threshold))
    fp, fn = iou.shape[1], iou.shape[0] - tp
    total = tp + fp + fn
    return {"tp": tp, "fp": fp, "fn": fn, "accuracy": tp / total if total else 1.0}
