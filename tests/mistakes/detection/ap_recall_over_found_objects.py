"""Divides recall by the objects found, so recall always reaches 1 and missed objects cost nothing."""
import numpy as np

from cnnkit.topics.detection import match_detections

EXERCISE = "average_precision"
EXPECTED_HINT = "Recall divides by all ground-truth boxes"


def average_precision(pred_boxes, pred_scores, true_boxes, iou_threshold=0.5):
    _, is_true_positive, num_truth = match_detections(pred_boxes, pred_scores, true_boxes, iou_threshold)
    true_positives = np.cumsum(is_true_positive)
    precision = true_positives / np.arange(1, len(is_true_positive) + 1)
    recall = true_positives / max(int(np.sum(is_true_positive)), 1)
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    return float(np.sum(np.diff(recall, prepend=0.0) * envelope))
