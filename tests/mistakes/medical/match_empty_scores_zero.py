"""Scores 0 when neither image holds an object, although nothing was missed."""
import numpy as np

from cnnkit.grading.checks.medical import _reference_iou as iou_matrix

EXERCISE = "match_score"
EXPECTED_HINT = "nothing to miss"


def match_score(true_labels, pred_labels, threshold=0.5):
    iou = iou_matrix(true_labels, pred_labels)
    tp = int(np.sum(iou > threshold))
    fp, fn = iou.shape[1] - tp, iou.shape[0] - tp
    return {"tp": tp, "fp": fp, "fn": fn, "accuracy": tp / max(tp + fp + fn, 1)}
