"""Averages the envelope at the 11 recall levels 0, 0.1, ..., 1 (PASCAL VOC 2007)."""
import numpy as np

from cnnkit.topics.detection import match_detections

EXERCISE = "average_precision"
EXPECTED_HINT = "11-point AP"


def average_precision(pred_boxes, pred_scores, true_boxes, iou_threshold=0.5):
    _, is_true_positive, num_truth = match_detections(pred_boxes, pred_scores, true_boxes, iou_threshold)
    true_positives = np.cumsum(is_true_positive)
    precision = true_positives / np.arange(1, len(is_true_positive) + 1)
    recall = true_positives / num_truth
    levels = np.linspace(0, 1, 11)
    return float(np.mean([precision[recall >= level].max() if np.any(recall >= level) else 0.0 for level in levels]))
