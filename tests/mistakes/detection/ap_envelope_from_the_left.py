"""Takes the running maximum of precision from the left (over lower recalls)."""
import numpy as np

from cnnkit.topics.detection import match_detections

EXERCISE = "average_precision"
EXPECTED_HINT = "The envelope looks to the right"


def average_precision(pred_boxes, pred_scores, true_boxes, iou_threshold=0.5):
    _, is_true_positive, num_truth = match_detections(pred_boxes, pred_scores, true_boxes, iou_threshold)
    true_positives = np.cumsum(is_true_positive)
    precision = true_positives / np.arange(1, len(is_true_positive) + 1)
    recall = true_positives / num_truth
    envelope = np.maximum.accumulate(precision) if len(precision) else precision
    return float(np.sum(np.diff(recall, prepend=0.0) * envelope))
